/**
 * One delivery from the relay to the app: the exact body bytes and headers,
 * Stripe's 30 s limit, no redirects followed (a 3xx is the answer, as for
 * `stripe listen`), and a connection failure sorted into the class a user can
 * act on. `localhost` is tried on IPv4 and IPv6, whichever the app listens on.
 */
import http, { type IncomingHttpHeaders, type OutgoingHttpHeaders } from 'node:http';
import type https from 'node:https';
import { createRequire } from 'node:module';
import { bothLoopbacks } from '../lib/localhost.js';

export type FailureClass = 'refused' | 'timeout' | 'tls' | 'reset' | 'dns';

export type UpstreamResult =
  | { kind: 'answer'; status: number; headers: IncomingHttpHeaders; body: Buffer; ms: number }
  | { kind: 'failure'; failure: FailureClass; message: string; ms: number };

/** The most of an answer's body kept to hand back (the Stripe CLI reports 5,000 bytes of it to Stripe). */
const MAX_BODY = 1 << 20;

export interface Upstream {
  post(url: URL, body: Buffer, headers: OutgoingHttpHeaders, timeoutMs: number): Promise<UpstreamResult>;
  /** Cuts the requests in flight (they end as failures, not retried). */
  close(): void;
}

export function createUpstream(options: { skipVerify?: boolean } = {}): Upstream {
  const common = { keepAlive: true, ...bothLoopbacks };
  const httpAgent = new http.Agent(common);
  // node:https (and TLS) loads only for an https route: most apps behind the relay are on http://localhost.
  let secure: { module: typeof https; agent: https.Agent } | undefined;
  const tls = () => {
    if (secure) return secure;
    const module = createRequire(import.meta.url)('node:https') as typeof https;
    return (secure = { module, agent: new module.Agent({ ...common, rejectUnauthorized: !options.skipVerify }) });
  };
  const inFlight = new Set<http.ClientRequest>();
  let closed = false;

  const post = async (url: URL, body: Buffer, headers: OutgoingHttpHeaders, timeoutMs: number): Promise<UpstreamResult> => {
    const first = await attempt(url, body, headers, timeoutMs);
    // A kept-alive connection the app closed meanwhile (it restarted, or timed the socket out): the request most
    // likely never reached it, so it goes again on a fresh connection, as Node's docs advise.
    return first.kind === 'failure' && first.staleSocket && !closed ? attempt(url, body, headers, timeoutMs) : first;
  };

  const attempt = (url: URL, body: Buffer, headers: OutgoingHttpHeaders, timeoutMs: number) =>
    new Promise<UpstreamResult & { staleSocket?: boolean }>((resolve) => {
      const started = performance.now();
      const ms = () => Math.round((performance.now() - started) * 10) / 10;
      let settled = false;
      let answered = false;
      const finish = (result: UpstreamResult & { staleSocket?: boolean }) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        inFlight.delete(request);
        resolve(result);
      };
      const fail = (error: NodeJS.ErrnoException) => {
        const failure = classify(error);
        const staleSocket = failure === 'reset' && request.reusedSocket && !answered;
        finish({ kind: 'failure', failure, message: describe(error, url), ms: ms(), ...(staleSocket && { staleSocket }) });
      };
      const request = (url.protocol === 'https:' ? tls().module : http).request(url, { method: 'POST', headers, agent: url.protocol === 'https:' ? tls().agent : httpAgent }, (response) => {
        answered = true;
        const chunks: Buffer[] = [];
        let size = 0;
        response.on('data', (chunk: Buffer) => {
          if (size < MAX_BODY) chunks.push(chunk);
          size += chunk.length;
        });
        response.on('error', fail);
        response.on('end', () =>
          finish({ kind: 'answer', status: response.statusCode ?? 502, headers: response.headers, body: Buffer.concat(chunks).subarray(0, MAX_BODY), ms: ms() }),
        );
      });
      const timer = setTimeout(() => {
        finish({ kind: 'failure', failure: 'timeout', message: `no answer within ${timeoutMs / 1000} s`, ms: ms() });
        request.destroy();
      }, timeoutMs);
      request.on('error', fail);
      inFlight.add(request);
      request.end(body);
    });

  return {
    post,
    close() {
      closed = true;
      for (const request of inFlight) request.destroy();
      httpAgent.destroy();
      secure?.agent.destroy();
    },
  };
}

/** The first error's code: with several addresses tried, Node throws an AggregateError of them. */
function codeOf(error: NodeJS.ErrnoException): string {
  const inner = (error as { errors?: NodeJS.ErrnoException[] }).errors;
  return error.code ?? inner?.find((e) => e.code)?.code ?? '';
}

export function classify(error: NodeJS.ErrnoException): FailureClass {
  const code = codeOf(error);
  if (code === 'ENOTFOUND' || code.startsWith('EAI_')) return 'dns';
  if (code === 'ETIMEDOUT' || code === 'ESOCKETTIMEDOUT') return 'timeout';
  if (code === 'ECONNRESET' || code === 'EPIPE' || code === 'ECONNABORTED') return 'reset';
  if (/^(ERR_TLS|ERR_SSL|EPROTO|CERT_|DEPTH_ZERO|SELF_SIGNED|UNABLE_TO_|ERR_OSSL)/.test(code)) return 'tls';
  return 'refused'; // ECONNREFUSED, and unreachable hosts or networks: nothing answers there
}

function describe(error: NodeJS.ErrnoException, url: URL): string {
  switch (classify(error)) {
    case 'dns':
      return `cannot resolve ${url.hostname}`;
    case 'reset':
      return 'the app closed the connection without answering';
    case 'tls':
      return `TLS failed with ${url.host} (${codeOf(error) || error.message}); --skip-verify accepts a self-signed certificate`;
    case 'timeout':
      return `connecting to ${url.host} timed out`;
    default:
      return `nothing is listening at ${url.origin} (${codeOf(error) || error.message})`;
  }
}
