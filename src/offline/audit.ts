/**
 * The handler audit: seven deliveries that tell a webhook handler that verifies
 * signatures and refuses replays from one that only looks like it works. Each check
 * says what it sent, what came back and, when it failed, how to fix the handler.
 * From outside it sees only the app's answers: whether a handler did the work of a
 * duplicate twice is not visible, and the duplicate check's verdict says so, unless
 * the caller reports the work done per event id (`processed`: the library's option,
 * and `demo`, whose example app runs in-process). Every check sends a copy (fresh id) of one sample event:
 * the flow's or recording's first, or a payment_intent.succeeded. A thin sample (`v2.core.event`) audits a thin
 * handler: the same checks, its own changes, and fixes that name the SDK's parser for it, parseEventNotification
 * (constructEvent refuses thin events). Never prints.
 */
import { SDK_API_VERSION } from '../lib/sdk-api-version.js';
import { deliveryHint } from '../run/diagnose.js';
import { createDeliverer, DELIVERY_TIMEOUT_MS, webhookHeaders, type Answer } from './deliver.js';
import { createRandom, generateWebhookSecret, instanceSeed } from './random.js';
import { SIGNATURE_TOLERANCE_S, signatureHeader } from './sign.js';
import { eventBody, synthesizeFlow } from './synthesize.js';
import { isThinBody } from '../flows/thin.js';
import type { Flow } from '../flows/types.js';

export interface AuditCheck {
  /** Stable name for machines: signed, unsigned, wrong-secret, stale, tampered, duplicate, timely. */
  name: string;
  /** What was sent. */
  title: string;
  /** What a correct handler does: "2xx", "4xx" or "≤ 30 s". */
  expected: string;
  /** The app's status (the last one, for the duplicate check), or null when it never answered. */
  status: number | null;
  ms: number;
  ok: boolean;
  /** What happened, in a few words. */
  detail: string;
  /** How to fix the handler, when the check failed. */
  fix?: string;
  /** What a pass does not prove (the duplicate check sees answers, not the work done). */
  note?: string;
}

/** The event the checks sent copies of: its type, and where it came from. */
export interface AuditSampled {
  type: string;
  /** "the first event of flow payment", "the first event sent from x.ndjson", "the default sample". */
  from: string;
}

export interface AuditReport {
  url: string;
  ok: boolean;
  sample: AuditSampled;
  checks: AuditCheck[];
}

export interface AuditOptions {
  url: URL;
  secret: string;
  /** Where a thin sample's copies go (--thin-to), when given: a thin handler is audited at its own URL. */
  thinUrl?: URL;
  /** What a thin sample's copies are signed with (--thin-secret), when given. */
  thinSecret?: string;
  /** `api_version` of the synthesized sample (the SDK's pinned one by default). */
  apiVersion?: string;
  /** The known version the sample's object is shaped as; the SDK's own by default. */
  shape?: string;
  seed: number;
  /**
   * An event to audit with (a flow's first, synthesized, or a replay's recorded one) instead of a synthesized
   * payment_intent.succeeded, and where it came from: each check sends a copy with a fresh id, so the app's
   * memory of the recorded id changes nothing.
   */
  sample?: { event: AuditSample; from: string };
  timeoutMs?: number;
  signal?: AbortSignal;
  /**
   * How many times the handler did the work of an event id (the library's `processed`), asked once both deliveries
   * of the duplicate check were answered 2xx: that check then judges the work too, not only the answers. A count
   * the caller has checked (a non-negative integer).
   */
  processed?: (eventId: string) => Promise<number>;
  /** The option that gave `url`, as the fixes name it: --forward-to (the default), or the library's `url`. */
  urlOption?: string;
  /** The option that gave `thinUrl`: --thin-to (the default), or the library's `thinUrl`. */
  thinUrlOption?: string;
}

/** A parsed event body: a snapshot event's (`data.object`), or a thin one's (`related_object`). */
export type AuditSample = { id: string; data?: { object?: Record<string, unknown> }; related_object?: { id?: string } | null } & Record<string, unknown>;

/** How deep a sample may nest: Stripe's events go about 10 levels; copying one serialises it, recursively. */
export const MAX_SAMPLE_DEPTH = 64;

/**
 * A recorded body as the audit's sample; throws (for the caller's `file:line`) when it is not an object or
 * nests deeper than MAX_SAMPLE_DEPTH, which JSON.stringify would overflow the stack on. Counted on the text,
 * without recursion.
 */
export function auditSampleOf(body: string): AuditSample {
  let depth = 0;
  for (let i = 0, inString = false; i < body.length; i++) {
    const c = body.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++; // an escape: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) {
      if (++depth > MAX_SAMPLE_DEPTH) throw new Error(`the event nests deeper than ${MAX_SAMPLE_DEPTH} levels, too deep to audit with (Stripe's events nest about 10)`);
    } else if (c === 0x7d || c === 0x5d) depth--;
  }
  return JSON.parse(body) as AuditSample;
}

/** A flow's first event, synthesized as its run would (same settings): what the audit of that flow sends copies of. */
export function flowAuditSample(flow: Flow, settings: { seed: number; apiVersion?: string; shape?: string }): { event: AuditSample; from: string } {
  const type = flow.steps[0]!.event;
  const [event] = synthesizeFlow([type], { seed: settings.seed, apiVersion: settings.apiVersion ?? SDK_API_VERSION, shape: settings.shape, now: Math.floor(Date.now() / 1000) });
  return { event: event as unknown as AuditSample, from: `the first event of flow ${flow.name}` };
}

// Older than the SDKs' 300 s tolerance by a clear margin, so clock skew cannot excuse accepting it.
const STALE_BY_S = 2 * SIGNATURE_TOLERANCE_S;
/** What the audit sends copies of when it is given no flow or recording. */
const DEFAULT_SAMPLE = 'payment_intent.succeeded';
// Audit events come from their own instances so they never share ids with a flow run of the same seed.
const FIRST_INSTANCE = 1_000_000;

type Expect = '2xx' | '4xx';
const met = (answer: Answer, expected: Expect) =>
  answer.status !== null && Math.floor(answer.status / 100) === (expected === '2xx' ? 2 : 4);

function describe(answer: Answer): string {
  return answer.status === null ? (answer.error ?? 'no answer') : `answered ${answer.status} in ${Math.round(answer.ms)} ms`;
}

/**
 * The fix for a check whose answer was wrong, from the answer's class: unreachable apps, wrong paths and
 * crashing apps get the same advice everywhere.
 */
function fixFor(answer: Answer, expected: Expect, accepted: string, url: URL, flag: string): string {
  const target = { url: url.href, flag };
  if (answer.failure === 'refused') return `${deliveryHint(answer, { target })} (${url.href})`;
  if (answer.status === null) return `make the app answer every request (${answer.error})`;
  const wrongPath = deliveryHint(answer, { target });
  if (wrongPath) return wrongPath;
  if (expected === '4xx' && answer.status >= 500) {
    return `answered ${answer.status}: catch the verification error and answer 400 (Stripe retries a 5xx for days, and this request can never succeed)`;
  }
  return accepted;
}

export async function runAudit(options: AuditOptions): Promise<AuditReport> {
  const thin = options.sample !== undefined && isThinBody(options.sample.event);
  // A thin sample goes where the run's thin events went, signed as they were.
  const toThin = thin && options.thinUrl !== undefined;
  const url = toThin ? options.thinUrl! : options.url;
  const urlOption = toThin ? (options.thinUrlOption ?? '--thin-to') : (options.urlOption ?? '--forward-to');
  const secret = (thin && options.thinSecret) || options.secret;
  const timeoutMs = options.timeoutMs ?? DELIVERY_TIMEOUT_MS;
  // Waits a little past the limit, so a slow handler's answer still arrives and check 7 can say how slow.
  const deliverer = createDeliverer({ timeoutMs: timeoutMs + Math.min(timeoutMs, 10_000), signal: options.signal });
  let instance = FIRST_INSTANCE;
  const verify = verifierOf(thin);
  const freshEvent = (): { event: AuditSample; body: string } => {
    const seed = { seed: options.seed, instance: instance++ };
    const random = createRandom(instanceSeed(seed.seed, seed.instance));
    // A fresh id in the sample's own shape: evt_test_… for a thin event, as Stripe's.
    const event: AuditSample = options.sample
      ? { ...options.sample.event, id: thin ? random.token(46, 'evt_test_') : random.id('evt') }
      : (synthesizeFlow([DEFAULT_SAMPLE], { apiVersion: options.apiVersion ?? SDK_API_VERSION, shape: options.shape, ...seed, now: Math.floor(Date.now() / 1000) })[0] as unknown as AuditSample);
    return { event, body: eventBody(event) };
  };
  const answers: Answer[] = [];
  const send = async (body: string, signature: string | undefined) => {
    const answer = await deliverer.post(url, body, webhookHeaders(body, signature));
    answers.push(answer);
    return answer;
  };
  const checks: AuditCheck[] = [];
  const check = (name: string, title: string, expected: Expect, answer: Answer, accepted: string, detail = describe(answer), note?: string) => {
    const ok = met(answer, expected);
    checks.push({ name, title, expected, status: answer.status, ms: answer.ms, ok, detail, ...(!ok && { fix: fixFor(answer, expected, accepted, url, urlOption) }), ...(ok && note !== undefined && { note }) });
  };

  try {
    const valid = freshEvent();
    const first = await send(valid.body, signatureHeader(valid.body, secret));
    check('signed', 'a correctly signed event', '2xx', first, refusedValid(first, verify));

    const unsigned = freshEvent();
    check('unsigned', 'no Stripe-Signature header', '4xx', await send(unsigned.body, undefined),
      `accepted an event without a Stripe-Signature header: verify every request with ${verify.call}(rawBody, signature, secret) and answer 400 when it throws`);

    const forged = freshEvent();
    check('wrong-secret', 'signed with a different secret', '4xx', await send(forged.body, signatureHeader(forged.body, generateWebhookSecret())),
      `accepted a forged event: verify with ${verify.call} on the raw body, with your endpoint's signing secret`);

    const stale = freshEvent();
    const staleAt = Math.floor(Date.now() / 1000) - STALE_BY_S;
    check('stale', `signed ${STALE_BY_S / 60} minutes ago (over the ${SIGNATURE_TOLERANCE_S} s tolerance)`, '4xx',
      await send(stale.body, signatureHeader(stale.body, secret, staleAt)),
      `accepted a replayed event signed ${STALE_BY_S} s ago: keep ${verify.name}'s default ${SIGNATURE_TOLERANCE_S} s tolerance (don't pass a larger one, and don't verify by hand without checking t)`);

    const tampered = freshEvent();
    const changed = tamper(tampered.event);
    check('tampered', `body changed after signing (${changed.what})`, '4xx', await send(changed.body, signatureHeader(tampered.body, secret)),
      `accepted a body changed after signing: verify the raw bytes exactly as received, before any JSON parsing, and use only the ${verify.returns}`);

    const twice = freshEvent();
    const once = await send(twice.body, signatureHeader(twice.body, secret));
    const again = await send(twice.body, signatureHeader(twice.body, secret));
    const firstOk = met(once, '2xx');
    const answered = `answered ${once.status ?? '–'} then ${again.status ?? '–'}`;
    if (firstOk && met(again, '2xx') && options.processed) {
      checks.push(workDone(twice.event.id, await options.processed(twice.event.id), answered, again, verify));
    } else {
      // Only the answers are visible from here: a handler that does the work twice and answers 2xx twice passes.
      check('duplicate', 'the same event delivered twice (its answers)', '2xx', firstOk ? again : once,
        firstOk
          ? `answered ${again.status} to the second delivery of ${twice.event.id}: Stripe delivers at least once, so remember processed event ids and answer 2xx to a repeat without doing the work again`
          : 'the first delivery was refused already: fix check "signed" first',
        answered,
        `answered 2xx to both deliveries of ${twice.event.id}; whether it did the work twice is not visible from outside: make your handler idempotent by event id`);
    }

    // Every answer above counts: a handler that takes 40 s to refuse a forgery is too slow as well.
    const worst = answers.reduce((a, b) => (b.ms > a.ms || (b.status === null && a.status !== null) ? b : a));
    const timely = worst.status !== null && worst.ms <= timeoutMs;
    const timedOut = worst.failure === 'timeout';
    checks.push({
      name: 'timely',
      title: `every answer within Stripe's delivery timeout (${timeoutMs / 1000} s)`,
      expected: `≤ ${timeoutMs / 1000} s`,
      status: worst.status,
      ms: worst.ms,
      ok: timely,
      detail: worst.status === null ? (worst.error ?? 'no answer') : `slowest answer ${Math.round(worst.ms)} ms`,
      ...(!timely && {
        fix:
          worst.status === null && !timedOut
            ? fixFor(worst, '2xx', '', url, urlOption)
            : `answer 2xx as soon as the event is verified and do slow work afterwards (a queue): Stripe gives up after ${timeoutMs / 1000} s and delivers the event again`,
      }),
    });
  } finally {
    deliverer.close();
  }
  options.signal?.throwIfAborted();
  const sampled = options.sample ? { type: String(options.sample.event.type), from: options.sample.from } : { type: DEFAULT_SAMPLE, from: 'the default sample' };
  return { url: url.href, ok: checks.every((c) => c.ok), sample: sampled, checks };
}

/** The duplicate check when the work done is reported (`processed`): both answers were 2xx; was the work done once? */
function workDone(id: string, times: number, answered: string, last: Answer, verify: Verifier): AuditCheck {
  const ok = times === 1;
  const did = times === 1 ? 'did the work once' : times === 0 ? 'reported no work' : `did the work ${times} times`;
  return {
    name: 'duplicate',
    title: 'the same event delivered twice (and the work reported)',
    expected: '2xx, work once',
    status: last.status,
    ms: last.ms,
    ok,
    detail: `${answered}; ${did}`,
    ...(!ok && {
      fix:
        times === 0
          ? `the handler answered 2xx to ${id} but reported no work for it: report each event it processes, by the id ${verify.name} returns`
          : `did the work of ${id} ${times} times for one event: Stripe delivers at least once, so remember processed event ids and skip a repeat (answer 2xx without doing the work again)`,
    }),
  };
}

/**
 * The event changed after signing: its amount × 100 where it has one (what a forger would change), else its object's
 * id; a thin event, which carries no object, points at another one (its related_object's id), or gets another id.
 */
function tamper(event: AuditSample): { body: string; what: string } {
  if (isThinBody(event)) {
    const related = event.related_object;
    if (typeof related?.id === 'string') return { body: eventBody({ ...event, related_object: { ...related, id: `${related.id}_forged` } }), what: 'related_object.id changed' };
    return { body: eventBody({ ...event, id: `${event.id}_forged` }), what: 'the event id changed' };
  }
  const object = event.data?.object ?? {};
  const amount = typeof object.amount === 'number' ? { amount: object.amount * 100 } : undefined;
  const changed = { ...event, data: { ...event.data, object: { ...object, ...(amount ?? { id: `${String(object.id)}_forged` }) } } };
  return { body: eventBody(changed), what: amount ? 'amount × 100' : 'data.object.id changed' };
}

/** The SDK call a handler verifies the sample's kind with, as the fixes name it (`name`, the `call`, what it `returns`). */
type Verifier = Record<'name' | 'call' | 'returns', string>;

// stripe-node's; the other SDKs name theirs alike (construct_event, parse_event_notification).
function verifierOf(thin: boolean): Verifier {
  return thin
    ? { name: 'parseEventNotification', call: 'stripe.parseEventNotification', returns: 'notification parseEventNotification returns' }
    : { name: 'constructEvent', call: 'stripe.webhooks.constructEvent', returns: 'event constructEvent returns' };
}

function refusedValid(answer: Answer, verify: Verifier): string {
  if (answer.status !== null && answer.status >= 400 && answer.status < 500) {
    // constructEvent throws on a thin event however it is signed: a handler that uses it refuses every one.
    const parser = verify.name === 'parseEventNotification' ? `, with ${verify.call} (constructEvent refuses thin events)` : '';
    return `refused a correctly signed event (${answer.status}): verify with the same secret the events are signed with, over the raw request body${parser} (a parsed and re-serialised body never verifies)`;
  }
  return `answered ${answer.status} to a correctly signed event: answer 2xx once the event is verified (Stripe retries anything else)`;
}
