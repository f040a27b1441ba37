/**
 * POSTs webhook bodies the way Stripe's senders do: its headers, one keep-alive
 * connection pool per run, a per-delivery time limit, and failures turned into one
 * line a user can act on. Knows nothing of events or signing.
 */
import http from 'node:http';
import https from 'node:https';
import { urlToHttpOptions } from 'node:url';
import { answeredError } from '../lib/answer.js';
import { bothLoopbacks } from '../lib/localhost.js';

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
}

export interface Deliverer {
  post(body: string, headers: Record<string, string>): Promise<Answer>;
  close(): void;
}

/** Stripe's request headers for a delivery; `signature` absent sends none (for the audit). */
export function webhookHeaders(body: string, signature: string | undefined): Record<string, string> {
  return {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': String(Buffer.byteLength(body)),
    Accept: '*/*; q=0.5, application/xml',
    'Cache-Control': 'no-cache',
    'User-Agent': STRIPE_USER_AGENT,
    ...(signature !== undefined && { 'Stripe-Signature': signature }),
  };
}

const KEEP = 512; // characters of a non-2xx answer kept for the error message

export function createDeliverer(
  url: URL,
  options: { timeoutMs?: number; maxSockets?: number; signal?: AbortSignal } = {},
): Deliverer {
  const timeoutMs = options.timeoutMs ?? DELIVERY_TIMEOUT_MS;
  const client = url.protocol === 'https:' ? https : http;
  const agent = new client.Agent({ keepAlive: true, maxSockets: options.maxSockets ?? 1, ...bothLoopbacks });
  // Parsed once: a burst sends thousands of requests to the same place.
  const target = { ...urlToHttpOptions(url), method: 'POST', agent };
  // One listener for the whole run (not one per request): an interrupt closes every connection.
  const interrupt = () => agent.destroy();
  options.signal?.addEventListener('abort', interrupt, { once: true });

  const post = (body: string, headers: Record<string, string>): Promise<Answer> =>
    new Promise((resolve) => {
      const started = performance.now();
      let settled = false;
      const finish = (status: number | null, error?: string) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        const ms = Math.round((performance.now() - started) * 10) / 10;
        resolve(error === undefined ? { status, ms } : { status, ms, error });
      };
      const failed = (error: Error & { code?: string }, status: number | null = null) =>
        finish(status, options.signal?.aborted ? 'interrupted' : networkError(error, url, timeoutMs));
      const request = client.request({ ...target, headers }, (response) => {
        const status = response.statusCode ?? 0;
        response.on('error', (error) => failed(error, status));
        if (status >= 200 && status < 300) {
          response.on('end', () => finish(status)).resume();
          return;
        }
        let text = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => {
          if (text.length < KEEP) text += chunk;
        });
        response.on('end', () => finish(status, answeredError(status, text)));
      });
      const timer = setTimeout(() => {
        finish(null, `no answer within ${timeoutMs / 1000} s${timeoutMs >= DELIVERY_TIMEOUT_MS ? ' (Stripe gives up then and retries later)' : ''}`);
        request.destroy();
      }, timeoutMs);
      request.on('error', (error) => failed(error));
      request.end(body);
    });

  return {
    post,
    close: () => {
      options.signal?.removeEventListener('abort', interrupt);
      agent.destroy();
    },
  };
}

function networkError(error: Error & { code?: string }, url: URL, timeoutMs: number): string {
  switch (error.code) {
    case 'ECONNREFUSED':
      return `nothing is listening at ${url.href}`;
    case 'ECONNRESET':
      return 'the app closed the connection without answering';
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `cannot resolve ${url.hostname}`;
    case 'ETIMEDOUT':
      return `no answer within ${timeoutMs / 1000} s`;
    default:
      return `cannot reach ${url.href} (${error.code ?? error.message})`;
  }
}
