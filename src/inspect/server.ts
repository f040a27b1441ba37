/**
 * The inspector's HTTP server (docs/inspect.md): node:http on 127.0.0.1 at a free port, serving the page from
 * src/inspect/page/, the live list over server-sent events and a small JSON API. Every request needs the per-run
 * token (`?token=` or `X-Inspector-Token`) and a Host header naming the loopback address at our port (so a DNS
 * rebinding page cannot read it); a POST also needs the CSRF token the event stream's `hello` gives, and no
 * foreign Origin. Refusals are 403 with one line. Nothing sent holds the session's secret or the API key.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join } from 'node:path';
import { nodeHttp } from '../lib/node-http.js';
import { packageRoot } from '../lib/package-info.js';
import { curlCommand, exportLines, replayKept, type ReplayRequest, type Sender } from './actions.js';
import type { InspectItem, Kept } from './item.js';
import { pageHtml } from './page-files.js';
import { Ring } from './ring.js';

export type InspectMode = 'listen' | 'trigger-flow' | 'replay' | 'inspect';

/** The ring's default size (`--inspect-limit`). */
export const INSPECT_LIMIT = 1000;

export interface InspectorOptions {
  mode: InspectMode;
  limit?: number;
  /** Signs replays, duplicates and curl commands (known once the session's secret is); undefined: refused (409) saying why. */
  sender?: () => Sender | undefined;
  /** Where the page's files are (default: src/inspect/page/ in this package). */
  pageDir?: string;
}

/** A flow step as the page shows it: its result, and the seq of the delivery it answered when there was one. */
export interface InspectStep {
  index: number;
  event: string;
  ok: boolean;
  status: number | null;
  ms: number;
  eventId: string | null;
  failure?: string;
  error?: string;
  seq?: number;
}

export interface Inspector {
  /** The page's URL, token included. */
  url: string;
  add(kept: Kept): void;
  /** A flow step ended (trigger-flow): sent as an `event: step`, and to every stream that connects later. */
  step(step: InspectStep): void;
  /** How many items were pushed out of the ring. */
  dropped(): number;
  /** What it holds now, as a report shows it (report-html.ts). */
  snapshot(): { items: InspectItem[]; dropped: number; steps: InspectStep[] };
  close(): Promise<void>;
}

const CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
const TYPES: Record<string, string> = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8', '.svg': 'image/svg+xml', '.png': 'image/png' };
/** Bytes an event stream may hold unsent before it is cut. */
const MAX_BUFFERED = 16 << 20;
/** Bytes a POST body may have: an edited event is tens of KiB. */
const MAX_POST = 1 << 20;

const same = (a: string, b: string) => a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));

export async function startInspector(options: InspectorOptions): Promise<Inspector> {
  const token = randomBytes(16).toString('hex');
  const csrf = randomBytes(16).toString('hex');
  const ring = new Ring<Kept>(options.limit ?? INSPECT_LIMIT);
  const pageDir = options.pageDir ?? join(packageRoot(), 'src', 'inspect', 'page');
  const streams = new Set<ServerResponse>();
  const steps: InspectStep[] = [];
  let port = 0;

  const hosts = () => [`127.0.0.1:${port}`, `localhost:${port}`];
  const origins = () => hosts().map((host) => `http://${host}`);
  const refuse = (res: ServerResponse, why: string) => void res.writeHead(403, { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' }).end(`stripe-hooks inspector: ${why}\n`);
  const json = (res: ServerResponse, status: number, value: unknown) => void res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store', 'X-Content-Type-Options': 'nosniff' }).end(JSON.stringify(value));

  function sse(res: ServerResponse, event: string, data: unknown, id?: number): void {
    // A reader that stopped reading (a paused tab) is cut rather than buffered without end: EventSource reconnects
    // with Last-Event-ID and gets what it missed from the ring.
    if (res.writableLength > MAX_BUFFERED) return void res.destroy();
    res.write(`${id === undefined ? '' : `id: ${id}\n`}event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
  }

  /** Why the request is refused, or undefined when it may go on. */
  function refusal(req: IncomingMessage, url: URL): string | undefined {
    if (!hosts().includes(req.headers.host ?? '')) return 'the Host header is not this loopback address (open the URL it printed)';
    const given = url.searchParams.get('token') ?? req.headers['x-inspector-token'];
    if (typeof given !== 'string' || !same(given, token)) return 'a missing or wrong token (open the URL it printed, token included)';
    if (req.method === 'POST') {
      const origin = req.headers.origin;
      if (origin !== undefined && !origins().includes(origin)) return 'a cross-origin request';
      const site = req.headers['sec-fetch-site'];
      if (site !== undefined && site !== 'same-origin' && site !== 'none') return 'a cross-site request';
      const sent = req.headers['x-csrf-token'];
      if (typeof sent !== 'string' || !same(sent, csrf)) return 'a missing or wrong X-CSRF-Token (the event stream\'s hello gives it)';
    }
    return undefined;
  }

  async function page(res: ServerResponse, name: string): Promise<void> {
    const type = TYPES[extname(name)];
    let body: Buffer | string | undefined;
    try {
      // The page's own URLs carry the run's token (page-files.ts), so its script and style load past the token check.
      body = name === 'index.html' && options.pageDir === undefined ? pageHtml(token) : await readFile(join(pageDir, name));
    } catch {
      body = undefined;
    }
    if (body === undefined || type === undefined) return json(res, 404, { error: 'not found' });
    res.writeHead(200, { 'Content-Type': type, 'Content-Security-Policy': CSP, 'Cache-Control': 'no-store', 'X-Content-Type-Options': 'nosniff', 'Referrer-Policy': 'no-referrer' }).end(body);
  }

  function events(req: IncomingMessage, res: ServerResponse): void {
    res.writeHead(200, { 'Content-Type': 'text/event-stream; charset=utf-8', 'Cache-Control': 'no-store', Connection: 'keep-alive', 'X-Accel-Buffering': 'no' });
    sse(res, 'hello', { mode: options.mode, limit: ring.limit, dropped: ring.dropped, csrf });
    const last = Number(req.headers['last-event-id']);
    for (const kept of Number.isSafeInteger(last) ? ring.after(last) : ring.items()) sse(res, 'delivery', kept.item, kept.seq);
    for (const step of steps) sse(res, 'step', step); // few, and without an id: each connection gets them all
    streams.add(res);
    res.on('close', () => streams.delete(res)); // the response's: the request's may close once it is read
  }

  async function body(req: IncomingMessage): Promise<ReplayRequest | string> {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of req as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > MAX_POST) return 'the body is over 1 MiB';
      chunks.push(chunk);
    }
    if (size === 0) return {};
    try {
      const value = JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown;
      if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'the body is not a JSON object';
      const { url, event } = value as Record<string, unknown>;
      if (url !== undefined && typeof url !== 'string') return '"url" is not a string';
      if (event !== undefined && typeof event !== 'string') return '"event" is not a string (the edited event, as JSON text)';
      return { ...(url !== undefined && { url }), ...(event !== undefined && { event }) };
    } catch {
      return 'the body is not JSON';
    }
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://inspector.invalid');
    const why = refusal(req, url);
    if (why) return refuse(res, why);
    const path = url.pathname;
    if (req.method === 'GET') {
      if (path === '/') return page(res, 'index.html');
      if (/^\/[\w-]+(\.[\w-]+)*\.(js|css|svg|png)$/.test(path)) return page(res, path.slice(1));
      if (path === '/events') return events(req, res);
      if (path === '/api/deliveries') return json(res, 200, { items: ring.items().map((kept) => kept.item), dropped: ring.dropped });
      if (path === '/api/export') return exported(res, url.searchParams.get('seq'));
    }
    const match = /^\/api\/deliveries\/(\d+)(?:\/(replay|duplicate|curl))?$/.exec(path);
    const kept = match && ring.get(Number(match[1]));
    if (!match) return json(res, 404, { error: 'not found' });
    if (!kept) return json(res, 404, { error: `no delivery #${match[1]} in the inspector (it keeps the last ${ring.limit})` });
    const action = match[2];
    if (req.method === 'GET' && action === undefined) return json(res, 200, kept.item);
    const sender = options.sender?.();
    if (req.method === 'GET' && action === 'curl') {
      if (!sender) return json(res, 409, { error: 'no signing secret in this session (give --secret)' });
      return json(res, 200, { command: curlCommand(kept, sender) });
    }
    if (req.method === 'POST' && (action === 'replay' || action === 'duplicate')) {
      if (!sender) return json(res, 409, { error: 'no signing secret and app URL in this session (give --forward-to and --secret)' });
      const asked = await body(req);
      if (typeof asked === 'string') return json(res, 400, { error: asked });
      const result = await replayKept(kept, action === 'duplicate' ? {} : asked, sender);
      return json(res, 'error' in result ? 400 : 200, result);
    }
    res.writeHead(405, { 'Content-Type': 'text/plain; charset=utf-8' }).end('method not allowed\n');
  }

  function exported(res: ServerResponse, seqs: string | null): void {
    const wanted = seqs === null ? undefined : new Set(seqs.split(',').map(Number));
    const chosen = ring.items().filter((kept) => !wanted || wanted.has(kept.seq));
    res.writeHead(200, { 'Content-Type': 'application/x-ndjson; charset=utf-8', 'Content-Disposition': 'attachment; filename="inspector.ndjson"', 'Cache-Control': 'no-store' }).end(exportLines(chosen));
  }

  const server = nodeHttp().createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) json(res, 500, { error: String(error) });
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  port = (server.address() as AddressInfo).port;

  return {
    url: `http://127.0.0.1:${port}/?token=${token}`,
    add(kept) {
      const old = ring.push(kept);
      for (const res of streams) {
        if (old) sse(res, 'dropped', { dropped: ring.dropped });
        sse(res, 'delivery', kept.item, kept.seq);
      }
    },
    step(step) {
      steps.push(step);
      for (const res of streams) sse(res, 'step', step);
    },
    dropped: () => ring.dropped,
    snapshot: () => ({ items: ring.items().map((kept) => kept.item), dropped: ring.dropped, steps: [...steps] }),
    close: () =>
      new Promise<void>((resolve) => {
        for (const res of streams) res.end();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
