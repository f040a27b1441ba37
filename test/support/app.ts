/**
 * A webhook app whose answers a test scripts, for what the verifying receiver
 * cannot play: any status and body, an answer held until the test lets it go
 * (or given late), a server bound to one loopback only (`::1`), or on a port
 * chosen beforehand (an app that comes up after being down). Every request is
 * recorded on arrival, exact bytes included, with how many were in flight.
 */
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Recorder, type Match } from './recorder.js';

export interface AppRequest {
  path: string;
  headers: IncomingHttpHeaders;
  rawBody: string;
  /** The Stripe event in the body, when it is one. */
  event?: { id: string; type: string; created: number };
  /** Requests in flight when this one arrived, itself included. */
  inFlight: number;
}

export interface AppAnswer {
  status?: number;
  body?: string | Buffer;
  headers?: Record<string, string>;
  /** Answer this much later (a slow app). */
  delayMs?: number;
}

export interface AppOptions {
  /** The one address to bind (default 127.0.0.1). */
  host?: string;
  /** Default: an ephemeral port. */
  port?: number;
  /** How to answer each request (default: 200 `{"received":true}`); may resolve later to hold the answer. */
  answer?: (request: AppRequest) => AppAnswer | Promise<AppAnswer>;
}

export type App = Awaited<ReturnType<typeof startApp>>;

function eventOf(rawBody: string): AppRequest['event'] {
  try {
    const value = JSON.parse(rawBody) as AppRequest['event'];
    return value && typeof value.id === 'string' ? { id: value.id, type: value.type, created: value.created } : undefined;
  } catch {
    return undefined;
  }
}

export async function startApp(options: AppOptions = {}) {
  const host = options.host ?? '127.0.0.1';
  const requests = new Recorder<AppRequest>((r) => `${r.path} ${r.event?.type ?? '?'} [${r.event?.id ?? '?'}]`);
  let inFlight = 0;

  const server = createServer(async (req, res) => {
    inFlight += 1;
    try {
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      const rawBody = Buffer.concat(chunks).toString('utf8');
      const request: AppRequest = { path: req.url ?? '/', headers: req.headers, rawBody, event: eventOf(rawBody), inFlight };
      requests.push(request);
      const answer = (await options.answer?.(request)) ?? {};
      if (answer.delayMs) await new Promise((resolve) => setTimeout(resolve, answer.delayMs));
      res.writeHead(answer.status ?? 200, { 'Content-Type': 'application/json', ...answer.headers }).end(answer.body ?? '{"received":true}');
    } finally {
      inFlight -= 1;
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, resolve);
  });
  const { port } = server.address() as AddressInfo;

  return {
    port,
    /** `http://<host>:<port><path>`, the host as bound (`[::1]` for IPv6). */
    url: (path = '/webhook') => `http://${host.includes(':') ? `[${host}]` : host}:${port}${path}`,
    requests: requests.items,
    /** The first request (already received or next) for this event id, or matching the predicate. */
    waitFor(match: string | Match<AppRequest>, timeoutMs?: number): Promise<AppRequest> {
      const test = typeof match === 'string' ? (r: AppRequest) => r.event?.id === match : match;
      return requests.waitFor(test, `a request for ${typeof match === 'string' ? match : 'a matching event'}`, timeoutMs);
    },
    async close(): Promise<void> {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
