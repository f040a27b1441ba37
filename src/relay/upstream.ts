/**
 * One delivery from the relay to the app: the exact body bytes and headers, sent
 * once (never again after a reset: the app may have acted on it before it died),
 * Stripe's 30 s limit, no redirects followed (a 3xx is the answer, as for
 * `stripe listen`), and a connection failure sorted into the class a user can
 * act on. `localhost` is tried on IPv4 and IPv6, whichever the app listens on.
 * The HTTP itself is delivery/engine.ts, shared with the offline burst.
 */
import type { IncomingHttpHeaders, OutgoingHttpHeaders } from 'node:http';
import { createEngine, type EngineFailure, type FailureClass } from '../delivery/engine.js';

export type UpstreamResult =
  | { kind: 'answer'; status: number; headers: IncomingHttpHeaders; body: Buffer; ms: number }
  | { kind: 'failure'; failure: FailureClass; message: string; ms: number };

export interface Upstream {
  post(url: URL, body: Buffer, headers: OutgoingHttpHeaders, timeoutMs: number): Promise<UpstreamResult>;
  /** Cuts the requests in flight (they end as failures). */
  close(): void;
}

/**
 * Headers undici sets itself or refuses (it throws on them): the relay already drops the hop-by-hop ones;
 * `expect` is dropped here too, as the body is sent whole anyway.
 */
const REFUSED = new Set(['connection', 'keep-alive', 'transfer-encoding', 'upgrade', 'expect']);

export function createUpstream(options: { skipVerify?: boolean } = {}): Upstream {
  const engine = createEngine({ skipVerify: options.skipVerify });
  const post = async (url: URL, body: Buffer, headers: OutgoingHttpHeaders, timeoutMs: number): Promise<UpstreamResult> => {
    // No retry, even on a kept-alive connection that was reset: a handler that crashed on this event would get it
    // again (a second cluster worker, a restarted process). Stripe's own retries are the app's to see.
    const result = await engine.post(url, body, sendable(headers), timeoutMs);
    if (result.kind === 'answer') return result;
    return { kind: 'failure', failure: result.failure, message: describe(result, url, timeoutMs), ms: result.ms };
  };

  return { post, close: () => engine.close() };
}

function sendable(headers: OutgoingHttpHeaders): OutgoingHttpHeaders {
  if (!Object.keys(headers).some((name) => REFUSED.has(name.toLowerCase()))) return headers;
  return Object.fromEntries(Object.entries(headers).filter(([name]) => !REFUSED.has(name.toLowerCase())));
}

function describe({ failure, code, deadline, invalid }: EngineFailure, url: URL, timeoutMs: number): string {
  if (invalid) return `the app's answer is not valid HTTP (${invalid})`;
  switch (failure) {
    case 'dns':
      return `cannot resolve ${url.hostname}`;
    case 'reset':
      return 'the app closed the connection without answering';
    case 'tls':
      return `TLS failed with ${url.host} (${code}); --skip-verify accepts a self-signed certificate`;
    case 'timeout':
      return deadline ? `no answer within ${timeoutMs / 1000} s` : `connecting to ${url.host} timed out`;
    default:
      return `nothing is listening at ${url.origin} (${code})`;
  }
}
