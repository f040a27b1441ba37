/**
 * POSTs webhook bodies the way Stripe's senders do: its headers, one keep-alive
 * connection pool per run, a per-delivery time limit, and failures turned into one
 * line a user can act on. Knows nothing of events or signing.
 */
import http from 'node:http';
import https from 'node:https';

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
  /** The start of the answer's body (for error messages). */
  body: string;
  /** Why it did not get a 2xx, in one line. */
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

const KEEP = 512; // characters of an answer kept for the error message

export function createDeliverer(
  url: URL,
  options: { timeoutMs?: number; maxSockets?: number; signal?: AbortSignal } = {},
): Deliverer {
  const timeoutMs = options.timeoutMs ?? DELIVERY_TIMEOUT_MS;
  const client = url.protocol === 'https:' ? https : http;
  const agent = new client.Agent({ keepAlive: true, maxSockets: options.maxSockets ?? 1 });

  const post = (body: string, headers: Record<string, string>): Promise<Answer> =>
    new Promise((resolve) => {
      const started = performance.now();
      const ms = () => Math.round((performance.now() - started) * 10) / 10;
      let settled = false;
      const finish = (answer: Omit<Answer, 'ms'>) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        resolve({ ...answer, ms: ms() });
      };
      const request = client.request(url, { method: 'POST', agent, headers, signal: options.signal }, (response) => {
        const status = response.statusCode ?? 0;
        let text = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => {
          if (text.length < KEEP) text += chunk;
        });
        response.on('end', () => {
          const ok = status >= 200 && status < 300;
          finish({ status, body: text.slice(0, KEEP), ...(!ok && { error: answeredError(status, text) }) });
        });
        response.on('error', (error) => finish({ status, body: text, error: networkError(error, url, timeoutMs) }));
      });
      const timer = setTimeout(() => {
        finish({ status: null, body: '', error: `no answer within ${timeoutMs / 1000} s (Stripe gives up then and retries later)` });
        request.destroy();
      }, timeoutMs);
      request.on('error', (error) => finish({ status: null, body: '', error: networkError(error, url, timeoutMs) }));
      request.end(body);
    });

  return { post, close: () => agent.destroy() };
}

function answeredError(status: number, body: string): string {
  const text = body.replace(/\s+/g, ' ').trim();
  const detail = text.length > 120 ? `${text.slice(0, 119)}…` : text;
  return `the app answered ${status}${detail ? `: ${detail}` : ''}`;
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
    case 'ABORT_ERR':
      return 'interrupted';
    default:
      return `cannot reach ${url.href} (${error.code ?? error.message})`;
  }
}
