/**
 * What the inspector does with a delivery: send it again (replay, re-signed with a fresh timestamp, to its route or
 * another URL, as it was or edited; duplicate, byte for byte) through the delivery engine, as curl, and export as a
 * recording. The secret signs and is never part of anything returned.
 */
import { createEngine, type Engine } from '../delivery/engine.js';
import { parseForwardUrl } from '../lib/forward-url.js';
import { webhookHeaders, DELIVERY_TIMEOUT_MS } from '../offline/deliver.js';
import { signatureHeader } from '../offline/sign.js';
import { recordingLine } from '../record/format.js';
import { shellQuote } from '../lib/shell.js';
import { isThinBody } from '../flows/thin.js';
import { ANSWER_EXCERPT_BYTES, answerOf, type InspectAnswer, type Kept } from './item.js';

/**
 * What sending needs: the session's secret (and thin events' own, when their session or the run has another), and
 * where a delivery with no route of its own goes (a recording's).
 */
export interface Sender {
  secret: string;
  /** Thin events' secret, when it is not `secret` (a thin `stripe listen` session's own, --thin-secret). */
  thinSecret?: string;
  /** Values to mask in what comes back (the secrets, the API key). */
  known: readonly string[];
  forwardTo?: string;
  engine: Engine;
}

export function createSender(secret: string, known: readonly string[], forwardTo?: string, thinSecret?: string): Sender {
  const thin = thinSecret !== undefined && thinSecret !== secret ? thinSecret : undefined;
  return { secret, ...(thin !== undefined && { thinSecret: thin }), known: [secret, ...(thin === undefined ? [] : [thin]), ...known], forwardTo, engine: createEngine({ connections: 4, maxBody: ANSWER_EXCERPT_BYTES * 2 }) };
}

/** The secret an event of this kind is signed with (a thin one: `"object": "v2.core.event"`). */
export const secretFor = (sender: Pick<Sender, 'secret' | 'thinSecret'>, thin: boolean): string => (thin && sender.thinSecret) || sender.secret;

export interface ReplayRequest {
  /** Another URL than the delivery's route. */
  url?: string;
  /** The edited event, as JSON text. */
  event?: string;
}

export type ReplayResult = { status: number | null; ms: number; failure?: string; answer: InspectAnswer; url: string } | { error: string };

/** The URL a resend goes to, or why there is none. */
function target(kept: Kept, asked: string | undefined, sender: Sender): URL | string {
  const given = asked ?? (kept.url || sender.forwardTo);
  if (given === undefined || given === '') return 'this delivery has no route: give "url" (or start with --forward-to)';
  try {
    return new URL(parseForwardUrl(given, 'url'));
  } catch (error) {
    return (error as Error).message;
  }
}

export async function replayKept(kept: Kept, request: ReplayRequest, sender: Sender): Promise<ReplayResult> {
  const url = target(kept, request.url, sender);
  if (typeof url === 'string') return { error: url };
  const body = request.event ?? kept.body;
  let thin = kept.item.thin === true;
  if (request.event !== undefined) {
    try {
      // An edit may turn it into the other kind: it is signed as what it now is.
      thin = isThinBody(JSON.parse(request.event));
    } catch {
      return { error: 'the edited event is not JSON' };
    }
  }
  const result = await sender.engine.post(url, body, webhookHeaders(body, signatureHeader(body, secretFor(sender, thin))), DELIVERY_TIMEOUT_MS);
  if (result.kind === 'failure') return { status: null, ms: result.ms, failure: result.failure, answer: { status: null, headers: {}, body: '' }, url: url.href };
  return { status: result.status, ms: result.ms, answer: answerOf(result, sender.known), url: url.href };
}

/** A curl command that sends the delivery again, signed now (the signature is good for 300 s). */
export function curlCommand(kept: Kept, sender: Sender): string {
  const url = target(kept, undefined, sender);
  const to = typeof url === 'string' ? 'http://localhost:4242/webhook' : url.href;
  const headers = webhookHeaders(kept.body, signatureHeader(kept.body, secretFor(sender, kept.item.thin === true)));
  const lines = ['curl', '-sS', '-X', 'POST', shellQuote(to)];
  for (const name of ['Content-Type', 'User-Agent', 'Stripe-Signature']) lines.push('-H', shellQuote(`${name}: ${headers[name]}`));
  lines.push('--data-binary', shellQuote(kept.body));
  return lines.join(' ');
}

/** The items as a recording (src/record/format.ts), one line each, secrets masked. */
export function exportLines(kept: readonly Kept[], run = 'inspect'): string {
  return kept
    .map(({ item }) =>
      recordingLine({
        run,
        seq: item.seq,
        receivedAt: Date.parse(item.time),
        body: item.event,
        headers: item.request.headers,
        answer: { status: item.status, ms: item.ms, ...(item.failure !== undefined && { failure: item.failure }) },
      }),
    )
    .join('');
}
