/**
 * POSTs webhook bodies the way Stripe's senders do: its headers, one keep-alive
 * connection pool per run (delivery/engine.ts), a per-delivery time limit, and failures turned into one
 * line a user can act on. Knows nothing of events or signing.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { createEngine, type EngineFailure } from '../delivery/engine.js';
import { answeredError, answerText } from '../lib/answer.js';
import type { StepFailure } from '../run/report.js';
import { utf8 } from './bytes.js';

/** The User-Agent Stripe's webhook senders use. */
export const STRIPE_USER_AGENT = 'Stripe/1.0 (+https://stripe.com/docs/webhooks)';

/**
 * How long a delivery may take. Stripe does not publish its figure; 30 s is what
 * `stripe listen` waits when it forwards an event (the closest thing Stripe ships),
 * and the timeout third-party write-ups of Stripe's own deliveries report.
 */
export const DELIVERY_TIMEOUT_MS = 30_000;

export interface Answer {
  /** The app's HTTP status, or null when it never answered. */
  status: number | null;
  ms: number;
  /** Why it did not get a 2xx, in one line (with the start of the app's answer). */
  error?: string;
  /** Its class (set with `error`): `status` when the app answered, else how the POST failed. */
  failure?: StepFailure;
  /** The app's headers and body (its first 128 KiB), kept only for a deliverer made with `keepAnswers` (--inspect). */
  answered?: { headers: IncomingHttpHeaders; body: Buffer };
}

export interface Deliverer {
  /** POSTs to `url`: one pool per origin, so a run's two destinations (snapshot and thin events) share the deliverer. */
  post(url: URL, body: string, headers: Record<string, string>): Promise<Answer>;
  close(): void;
}

/** Stripe's request headers for a delivery; `signature` absent sends none (for the audit). */
export function webhookHeaders(body: string, signature: string | undefined): Record<string, string> {
  return {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': String(utf8(body).length),
    Accept: '*/*; q=0.5, application/xml',
    'Cache-Control': 'no-cache',
    'User-Agent': STRIPE_USER_AGENT,
    ...(signature !== undefined && { 'Stripe-Signature': signature }),
  };
}

/** Bytes of a non-2xx answer kept for the error message (which shows its first 120 characters). */
const KEEP = 2048;
/** …and of every answer, for the inspector (which shows 64 KiB of it, decoded). */
const KEEP_INSPECTED = 128 << 10;

export function createDeliverer(options: { timeoutMs?: number; maxSockets?: number; signal?: AbortSignal; keepAnswers?: boolean } = {}): Deliverer {
  const timeoutMs = options.timeoutMs ?? DELIVERY_TIMEOUT_MS;
  const connections = options.maxSockets ?? 1;
  // One pool for the run, closed at once by an interrupt; many connections are a burst's (engine.ts picks undici).
  const maxBody = options.keepAnswers ? KEEP_INSPECTED : KEEP;
  const engine = createEngine({ connections, burst: connections > 1, maxBody, signal: options.signal });

  const post = async (url: URL, body: string, headers: Record<string, string>): Promise<Answer> => {
    const result = await engine.post(url, utf8(body), headers, timeoutMs);
    if (result.kind === 'answer') {
      const { status, ms } = result;
      const answered = options.keepAnswers ? { answered: { headers: result.headers, body: result.body } } : undefined;
      if (status >= 200 && status < 300) return { status, ms, ...answered };
      const text = answerText(result.body.subarray(0, KEEP).toString('utf8'), headerText(result.headers['content-type']));
      return { status, ms, failure: 'status', error: answeredError(status, text), ...answered };
    }
    if (options.signal?.aborted) return { status: null, ms: result.ms, failure: 'interrupted', error: 'interrupted' };
    return { status: null, ms: result.ms, failure: result.failure, error: failureText(result, url, timeoutMs) };
  };

  return { post, close: engine.close };
}

const headerText = (value: string | string[] | undefined) => (Array.isArray(value) ? value.join(', ') : value);

function failureText({ failure, code, deadline, invalid }: EngineFailure, url: URL, timeoutMs: number): string {
  if (invalid) return `the app's answer is not valid HTTP (${invalid})`;
  if (deadline) return `no answer within ${timeoutMs / 1000} s${timeoutMs >= DELIVERY_TIMEOUT_MS ? ' (Stripe gives up then and retries later)' : ''}`;
  switch (failure) {
    case 'refused':
      return `nothing is listening at ${url.href}`;
    case 'reset':
      return 'the app closed the connection without answering';
    case 'dns':
      return `cannot resolve ${url.hostname}`;
    case 'timeout':
      return `no answer within ${timeoutMs / 1000} s`;
    default:
      return `cannot reach ${url.href} (${code})`;
  }
}
