/**
 * A stand-in for the inspector's server (docs/inspect.md, the HTTP API): the real page (src/inspect/page/) over
 * node:http on 127.0.0.1, with canned delivery items, so the page's browser tests run fast and on their own. It keeps
 * the contract's checks (token, Host, CSRF, Origin) and records every POST the page makes.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { pageFile, pageHtml } from '../../src/inspect/page-files.js';

/** A delivery item as the inspector's server hands it to the page (the contract's shape). */
export interface StubItem {
  kind: 'delivery';
  seq: number;
  time: string;
  id: string;
  type: string;
  url: string;
  route: string;
  status: number | null;
  failure?: string;
  error?: string;
  ms: number;
  request: { headers: Record<string, string> };
  event: string;
  answer: { status?: number | null; headers: Record<string, string>; body: string; truncated?: boolean };
  signature: { t: number; v1: string[]; skewSeconds: number; tolerance: number; verifies: boolean };
  step?: number;
}

/** The server's policy (src/inspect/server.ts): the page must work under it, no inline script or style. */
const CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
const TYPES = ['customer.created', 'invoice.paid', 'invoice.payment_failed', 'payment_intent.succeeded', 'checkout.session.completed', 'customer.subscription.updated'];

/** Item `seq`, its facts varied by seq (type, status, route) unless `over` says otherwise. */
export function cannedItem(seq: number, over: Partial<StubItem> = {}): StubItem {
  const type = over.type ?? TYPES[seq % TYPES.length]!;
  const id = over.id ?? `evt_${String(seq).padStart(6, '0')}canned`;
  const t = 1_780_000_000 + seq;
  const status = over.status === undefined ? (seq % 7 === 3 ? 500 : 200) : over.status;
  const route = over.route ?? (type.startsWith('invoice.') ? 'billing' : 'http://127.0.0.1:4242/webhooks');
  const event = JSON.stringify({ id, object: 'event', type, created: t, livemode: false, data: { object: { id: `obj_${seq}`, object: type.split('.')[0], amount: seq * 100, metadata: { note: `item ${seq}` } } } });
  return {
    kind: 'delivery', seq, time: new Date(t * 1000).toISOString(), id, type, url: 'http://127.0.0.1:4242/webhooks', route, status, ms: 3 + (seq % 40),
    request: { headers: { 'content-type': 'application/json; charset=utf-8', 'stripe-signature': `t=${t},v1=${'a'.repeat(60)}${String(seq).padStart(4, '0')}`, 'user-agent': 'Stripe/1.0 (+https://stripe.com/docs/webhooks)' } },
    event,
    answer: { status: status ?? undefined, headers: { 'content-type': 'application/json' }, body: status === 500 ? '{"error":"handler threw"}' : '{"received":true}' },
    signature: { t, v1: [`${'a'.repeat(60)}${String(seq).padStart(4, '0')}`], skewSeconds: 1, tolerance: 300, verifies: true },
    ...over,
  };
}

export interface InspectStub {
  url: string;
  token: string;
  csrf: string;
  items: StubItem[];
  /** The POSTs the page made: path and JSON body. */
  posts: { path: string; body: Record<string, unknown> }[];
  /** Each event stream's Last-Event-ID header (undefined for a first connection). */
  lastEventIds: (string | undefined)[];
  /** Adds items (the oldest dropped past the ring's limit) and sends them to every open event stream. */
  push(...items: StubItem[]): void;
  /** Ends every event stream, as a server restart or a network blip would: the page reconnects. */
  breakStreams(): void;
  step(step: Record<string, unknown>): void;
  close(): Promise<void>;
}

/** Starts the stub with `items` already in its ring (of `limit`, as --inspect-limit sets it). */
export async function startInspectStub(items: StubItem[] = [], mode = 'listen', dropped = 0, limit = Math.max(1000, items.length)): Promise<InspectStub> {
  const token = 'tok_stub_0123456789';
  const csrf = 'csrf_stub_0123456789';
  const streams = new Set<ServerResponse>();
  const posts: InspectStub['posts'] = [];
  const lastEventIds: InspectStub['lastEventIds'] = [];
  let port = 0;
  const send = (response: ServerResponse, event: string, data: unknown, id?: number): boolean =>
    response.write(`${id === undefined ? '' : `id: ${id}\n`}event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
  const refuse = (response: ServerResponse, reason: string): void => void response.writeHead(403, { 'content-type': 'text/plain' }).end(`${reason}\n`);
  const json = (response: ServerResponse, value: unknown): void => void response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(value));

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', `http://${request.headers.host}`);
    if (request.headers.host !== `127.0.0.1:${port}` && request.headers.host !== `localhost:${port}`) return refuse(response, 'foreign Host header');
    if ((url.searchParams.get('token') ?? request.headers['x-inspector-token']) !== token) return refuse(response, 'missing or wrong token');
    const path = url.pathname;
    if (path === '/') {
      response.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'content-security-policy': CSP });
      return void response.end(pageHtml(token));
    }
    if (path === '/app.js' || path === '/app.css') {
      response.writeHead(200, { 'content-type': path.endsWith('.js') ? 'text/javascript' : 'text/css' });
      return void response.end(pageFile(path === '/app.js' ? 'app.js' : 'app.css'));
    }
    if (path === '/events') {
      response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store' });
      response.write('retry: 100\n\n'); // reconnect soon after a break (the browser's default is 3 s)
      send(response, 'hello', { mode, limit, dropped, csrf });
      const lastId = request.headers['last-event-id'];
      lastEventIds.push(typeof lastId === 'string' ? lastId : undefined);
      const after = Number(lastId ?? Infinity);
      for (const item of items) if (item.seq > after) send(response, 'delivery', item, item.seq);
      streams.add(response);
      request.on('close', () => streams.delete(response));
      return;
    }
    if (path === '/api/deliveries') return json(response, { items, dropped });
    const one = /^\/api\/deliveries\/(\d+)(?:\/(replay|duplicate|curl))?$/.exec(path);
    const item = one && items.find((candidate) => candidate.seq === Number(one[1]));
    if (one && !item) return void response.writeHead(404).end('no such delivery\n');
    if (one && item && request.method === 'POST') {
      if (request.headers['x-csrf-token'] !== csrf) return refuse(response, 'missing CSRF token');
      if (request.headers.origin !== undefined && request.headers.origin !== `http://127.0.0.1:${port}`) return refuse(response, 'cross-origin POST');
      let text = '';
      for await (const chunk of request) text += String(chunk);
      posts.push({ path, body: JSON.parse(text || '{}') as Record<string, unknown> });
      return json(response, { status: 202, ms: 4, answer: { status: 202, headers: {}, body: `{"replayed":${item.seq}}` } });
    }
    if (one?.[2] === 'curl') return json(response, { command: `curl -X POST http://127.0.0.1:4242/webhooks -H 'Stripe-Signature: t=1,v1=fresh' --data-binary @event-${item!.seq}.json` });
    if (one) return json(response, item);
    if (path === '/api/export') {
      const seqs = url.searchParams.get('seq')?.split(',').map(Number);
      response.writeHead(200, { 'content-type': 'application/x-ndjson' });
      return void response.end(items.filter((candidate) => !seqs || seqs.includes(candidate.seq)).map((candidate) => `${candidate.event}\n`).join(''));
    }
    response.writeHead(404).end('not found\n');
  }

  const server = createServer((request, response) => void handle(request, response).catch((error: Error) => response.writeHead(500).end(error.message)));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as { port: number }).port;
  return {
    url: `http://127.0.0.1:${port}/?token=${token}`,
    token,
    csrf,
    items,
    posts,
    lastEventIds,
    push(...added) {
      items.push(...added);
      for (const stream of streams) for (const item of added) send(stream, 'delivery', item, item.seq);
      if (items.length <= limit) return;
      dropped += items.splice(0, items.length - limit).length;
      for (const stream of streams) send(stream, 'dropped', { dropped });
    },
    breakStreams() {
      for (const stream of streams) stream.destroy();
      streams.clear();
    },
    step(step) {
      for (const stream of streams) send(stream, 'step', step);
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const stream of streams) stream.end();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
