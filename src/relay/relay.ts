/**
 * The relay: an HTTP server on 127.0.0.1 between `stripe listen` and the app.
 * The Stripe CLI forwards to `http://127.0.0.1:<port>/<token>/<forward|connect>`
 * (snapshot events) or `…/<thin|thin-connect>` (thin events, from a second
 * `stripe listen`: stripe-cli/listen-selection.ts);
 * the relay POSTs the same bytes and headers to the event's route, once, and
 * hands the app's status, headers and body back, so Stripe sees what it would
 * see without it. Each delivery is reported as data (`onReceived`, then
 * `onDelivery`), and each is reported exactly once: answered, failed, or
 * `interrupted` when the relay closes first (in flight, or held by --serial).
 * Only requests with the per-run token and signed with the secret of the session
 * that forwards on that path are taken (admission.ts, one per channel); the rest
 * get 403 and an `onRefused`. Until a request is
 * verified, what it may cost is bounded (admission.ts `LIMITS`).
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders, IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { nodeHttp } from '../lib/node-http.js';
import type { RecordEntry } from '../record/writer.js';
import { MAX_EVENT_BYTES as MAX_REQUEST } from '../record/format.js'; // larger bodies are refused (Stripe's events are tens of KiB)
import { Admission, Budget, ConnectionGate, LIMITS, type Limits, type Refusal } from './admission.js';
import { bodyExcerpt, eventFacts, type Delivery, type Received } from './delivery-facts.js';
import { ReorderQueue } from './reorder.js';
import { targetFor, type Routing } from './routing.js';
import { createUpstream, type UpstreamResult } from './upstream.js';

/** What Stripe allows an endpoint, and how long the Stripe CLI waits for our answer once it has sent. */
const FORWARD_TIMEOUT_MS = 30_000;
/** The CLI's clock starts before ours (and runs while --serial holds an event): answering this much earlier lets its 504 arrive. */
const CLI_MARGIN_MS = 200;

/** Same-second order within --serial: an object's creation, then its changes, then its deletion. */
function lifecycleRank(type: string | undefined): number {
  if (type?.endsWith('.created')) return 0;
  return type?.endsWith('.deleted') ? 2 : 1;
}

/** Which `stripe listen` forwards on a path: the one for snapshot events (`forward`, `connect`), or for thin ones. */
export type Channel = 'snapshot' | 'thin';
export type RelayPath = 'forward' | 'connect' | 'thin' | 'thin-connect';
const CHANNEL: Record<RelayPath, Channel> = { forward: 'snapshot', connect: 'snapshot', thin: 'thin', 'thin-connect': 'thin' };

export interface RelayOptions {
  routing: Routing;
  /** The channels a `stripe listen` forwards on (default: snapshot only); a path of another one is refused as without the token. */
  channels?: readonly Channel[];
  /** --serial: one at a time, in `created` order, each arrival waiting this long for earlier events. */
  serial?: { windowMs: number };
  timeoutMs?: number;
  /** Accept any TLS certificate from the app (--skip-verify). */
  skipVerify?: boolean;
  onReceived?: (received: Received) => void;
  onDelivery: (delivery: Delivery) => void;
  /** A request refused (403, or 503 when the run ended first), and why; never with its path, which may hold the token. */
  onRefused?: (reason: Refusal) => void;
  /**
   * --record: each request that passed the token and signature checks, with its exact body and the app's
   * answer, once answered (or interrupted). Handed over here rather than kept in `Delivery`, which queues hold.
   */
  onRecord?: (entry: RecordEntry) => void;
  /**
   * --inspect: each delivery whole (the bytes and headers sent, the app's full answer), once reported. Only called
   * when given, so a relay without the inspector builds nothing more per delivery.
   */
  onExchange?: (exchange: RelayExchange) => void;
  /** Diagnostics for --verbose. */
  log?: (text: string) => void;
  /** Tighter (or looser) bounds on unverified requests than `LIMITS`: tests. */
  limits?: Partial<Limits>;
}

/** One delivery whole, for the inspector (src/inspect/). */
export interface RelayExchange {
  delivery: Delivery;
  /** When it was reported, ms since the epoch. */
  at: number;
  body: Buffer;
  /** As sent to the app. */
  headers: OutgoingHttpHeaders;
  /** The app's answer; absent when there was none (see `delivery.failure`). */
  answer?: { status: number; headers: IncomingHttpHeaders; body: Buffer };
}

export interface Relay {
  /** The URL the Stripe CLI forwards normal (`forward`) or Connect (`connect`) events to, or thin ones (`thin`, `thin-connect`). */
  url(kind: RelayPath): string;
  /**
   * The secret of the session forwarding on `channel` (known once its `stripe listen` is ready): requests on that
   * channel held until now are judged, and from now on only those signed with it go through.
   */
  expectSignedBy(secret: string, channel?: Channel): void;
  /** Stops taking deliveries; those in flight or queued are reported `interrupted`, in arrival order. */
  close(): Promise<void>;
  /** What unverified requests hold now: open connections, and body bytes (now and at most). */
  load(): { connections: number; unverifiedBytes: number; peakUnverifiedBytes: number };
}

// Hop-by-hop headers (RFC 9110 §7.6.1) and the length, which the sender recomputes.
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'proxy-authenticate', 'proxy-authorization', 'te', 'trailer', 'transfer-encoding', 'upgrade', 'content-length']);

/** The headers without the hop-by-hop ones, counting those the Connection header names. */
function endToEnd(headers: IncomingHttpHeaders): OutgoingHttpHeaders {
  const named = new Set((headers.connection ?? '').toLowerCase().split(',').map((name) => name.trim()));
  const out: OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(headers)) if (value !== undefined && !HOP_BY_HOP.has(name) && !named.has(name)) out[name] = value;
  return out;
}

interface Job {
  received: Received;
  body: Buffer;
  headers: OutgoingHttpHeaders;
  /** As Stripe sent them, for --record. */
  requestHeaders: IncomingHttpHeaders;
  res: ServerResponse;
}

// Fatal: bytes that are not UTF-8 cannot round-trip through a string. ignoreBOM: a BOM is kept, not eaten.
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** The body as a string that re-encodes to the same bytes; undefined when it is not UTF-8. */
function exactText(body: Buffer): string | undefined {
  try {
    return utf8.decode(body);
  } catch {
    return undefined;
  }
}

function recordEntry(job: Job, result: Outcome): RecordEntry {
  const { received } = job;
  const answer = result.kind === 'answer' ? { status: result.status, ms: result.ms } : { status: null, ms: result.ms, failure: result.failure };
  return { seq: received.seq, receivedAt: received.receivedAt, url: received.url, body: exactText(job.body), headers: job.requestHeaders, livemode: received.livemode, id: received.id, type: received.type, answer };
}

/** What became of a delivery: the upstream's result, or the run ended before it came. */
type Outcome = UpstreamResult | { kind: 'failure'; failure: 'interrupted'; message: string; ms: number };

export async function startRelay(options: RelayOptions): Promise<Relay> {
  const token = randomBytes(16).toString('hex');
  const timeoutMs = options.timeoutMs ?? FORWARD_TIMEOUT_MS;
  const upstream = createUpstream({ skipVerify: options.skipVerify });
  const channels = new Set<Channel>(options.channels ?? ['snapshot']);
  const admissions = new Map<Channel, Admission>([...channels].map((channel) => [channel, new Admission()]));
  const limits = { ...LIMITS, ...options.limits };
  const budget = new Budget<IncomingMessage>(limits.unverifiedBytes);
  const gate = new ConnectionGate<Socket>(limits.connections);
  let seq = 0;
  let self = '';
  let closing: Promise<void> | undefined;
  /** Admitted and not yet reported: in flight to the app, or waiting in --serial's queue. */
  const pending = new Set<Job>();

  /** Reports a delivery once: its answer, its failure, or that the run ended first. */
  function report(job: Job, result: Outcome, reordered = false): void {
    if (!pending.delete(job)) return;
    answerCli(job.res, result);
    options.onRecord?.(recordEntry(job, result));
    const delivery = deliveryOf(job.received, result, reordered);
    options.onDelivery(delivery);
    if (options.onExchange) {
      const answer = result.kind === 'answer' ? { status: result.status, headers: result.headers, body: result.body } : undefined;
      options.onExchange({ delivery, at: Date.now(), body: job.body, headers: job.headers, ...(answer && { answer }) });
    }
  }

  /** Never rejects: a failure here (a throwing onDelivery) must not stop --serial's queue or the process. */
  async function deliver(job: Job, reordered = false): Promise<void> {
    try {
      const { received } = job;
      const target = new URL(received.url);
      // Host is the app's unless a --header set one (it then differs from the relay's own).
      if (job.headers.host === self) job.headers.host = target.host;
      const left = FORWARD_TIMEOUT_MS - CLI_MARGIN_MS - (Date.now() - received.receivedAt);
      const result = await upstream.post(target, job.body, job.headers, Math.max(1, Math.min(timeoutMs, left)));
      report(job, result, reordered); // no-op when close() reported it interrupted meanwhile
    } catch (error) {
      bug(job.res, error);
    }
  }

  /** Refused, and its connection closed: whatever is left of its body is never read. */
  function refuse(res: ServerResponse, reason: Refusal): void {
    options.onRefused?.(reason);
    const headers = { 'Content-Type': 'text/plain', Connection: 'close' };
    if (reason === 'closed' || reason === 'busy') return void res.writeHead(503, headers).end('stripe-hooks relay: not taking deliveries\n');
    const why = reason === 'token' ? 'forbidden' : reason === 'stale' ? 'signature too old' : 'not signed by Stripe';
    options.log?.(`relay: refused a request (${why})`); // never its path: it may hold the token
    res.writeHead(403, headers).end(`stripe-hooks relay: ${why}\n`);
  }

  function bug(res: ServerResponse, error: unknown): void {
    options.log?.(`relay: ${String(error)}`);
    if (!res.headersSent) res.writeHead(500).end();
  }

  const queue = options.serial && new ReorderQueue<Job>(options.serial.windowMs, deliver);

  // Node checks these deadlines on each tick of connectionsCheckingInterval: a tick well inside the shorter one.
  const tick = Math.min(1_000, limits.headersTimeoutMs / 2);
  const server = nodeHttp().createServer({ connectionsCheckingInterval: tick }, (req, res) => void take(req, res).catch((error: unknown) => bug(res, error)));
  server.headersTimeout = limits.headersTimeoutMs;
  server.requestTimeout = limits.headersTimeoutMs + limits.bodyTimeoutMs; // until the body is in, not the app's answer
  server.on('connection', (socket: Socket) => gate.admit(socket));

  /**
   * The body, read and judged; its bytes count against the unverified budget until the verdict. `evicted`: a
   * smaller request needed the room, and this one has had its 503.
   */
  async function receive(req: IncomingMessage, res: ServerResponse, admission: Admission): Promise<Buffer | Refusal | 'large' | 'evicted'> {
    let evicted = false;
    const evict = () => {
      evicted = true;
      refuse(res, 'busy');
      req.destroy();
    };
    let size = 0;
    try {
      const chunks: Buffer[] = [];
      for await (const chunk of req as AsyncIterable<Buffer>) {
        if (size + chunk.length > MAX_REQUEST) return 'large';
        if (!budget.take(req, chunk.length, evict)) return 'busy';
        size += chunk.length;
        chunks.push(chunk);
      }
      const body = Buffer.concat(chunks);
      const signature = req.headers['stripe-signature'];
      const judged = admission.judge(body, typeof signature === 'string' ? signature : undefined);
      if (typeof judged !== 'string') options.log?.('relay: holding a request until the session secret is known');
      const verdict = await judged;
      if (evicted) return 'evicted';
      return verdict === 'admit' ? body : verdict;
    } catch (error) {
      if (evicted) return 'evicted';
      throw error;
    } finally {
      budget.give(req);
    }
  }

  async function take(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const kind = routeOf(req.url ?? '', token);
    const admission = kind && admissions.get(CHANNEL[kind]);
    if (kind === undefined || admission === undefined) return refuse(res, 'token');
    if (req.method !== 'POST') return void res.writeHead(405, { Allow: 'POST', Connection: 'close' }).end();
    const body = await receive(req, res, admission);
    if (body === 'evicted') return;
    if (body === 'large') return void res.writeHead(413, { Connection: 'close' }).end();
    if (typeof body === 'string') return refuse(res, body);
    gate.trust(req.socket);
    if (closing) return refuse(res, 'closed');
    const facts = eventFacts(body);
    const connect = kind === 'connect' || kind === 'thin-connect';
    const url = targetFor(options.routing, facts.type, connect, facts.thin === true);
    const received: Received = { seq: seq++, ...facts, connect, url, receivedAt: Date.now() };
    options.onReceived?.(received);
    const job = { received, body, headers: { ...endToEnd(req.headers), 'content-length': body.length }, requestHeaders: req.headers, res };
    pending.add(job);
    if (queue) queue.push(job, facts.created, lifecycleRank(facts.type));
    else await deliver(job);
  }

  server.keepAliveTimeout = 60_000; // the Stripe CLI keeps its connections to us open between events
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as AddressInfo;
  self = `127.0.0.1:${port}`;

  return {
    url: (kind) => `http://${self}/${token}/${kind}`,
    expectSignedBy: (secret, channel = 'snapshot') => admissions.get(channel)?.learn(secret),
    load: () => ({ connections: gate.open, unverifiedBytes: budget.held, peakUnverifiedBytes: budget.peak }),
    close: () =>
      (closing ??= new Promise<void>((resolve) => {
        for (const admission of admissions.values()) admission.close();
        queue?.close();
        // In flight or queued: the app's answer (if any) can no longer be told; each is kept as interrupted.
        for (const job of [...pending].sort((a, b) => a.received.seq - b.received.seq)) {
          report(job, { kind: 'failure', failure: 'interrupted', message: 'the run ended before the app answered', ms: Date.now() - job.received.receivedAt });
        }
        upstream.close();
        server.close(() => resolve());
        // After the held requests' 503s (their verdicts settle in the next microtasks) are written.
        setImmediate(() => server.closeAllConnections());
      })),
  };
}

/** The RelayPath of `/<token>/<path>`; undefined when the token is wrong or missing. */
function routeOf(path: string, token: string): RelayPath | undefined {
  const match = /^\/([0-9a-f]{32})\/(forward|connect|thin|thin-connect)(?:[/?]|$)/.exec(path);
  if (!match || !timingSafeEqual(Buffer.from(match[1]!), Buffer.from(token))) return undefined;
  return match[2] as RelayPath;
}

/** What the Stripe CLI gets back: the app's answer as it was, or 502/504 saying why there was none. */
function answerCli(res: ServerResponse, result: Outcome): void {
  if (res.destroyed || res.headersSent) return;
  if (result.kind === 'answer') {
    res.writeHead(result.status, { ...endToEnd(result.headers), 'content-length': result.body.length }).end(result.body);
    return;
  }
  const status = result.failure === 'timeout' ? 504 : result.failure === 'interrupted' ? 503 : 502;
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8' }).end(`stripe-hooks relay: ${result.message}\n`);
}

function deliveryOf(received: Received, result: Outcome, reordered: boolean): Delivery {
  const delivery: Delivery =
    result.kind === 'answer'
      ? { ...received, status: result.status, ms: result.ms, body: bodyExcerpt(result.body, result.headers['content-encoding'], result.headers['content-type']) }
      : { ...received, status: null, failure: result.failure, error: result.message, ms: result.ms, body: '' };
  if (reordered) delivery.reordered = true;
  return delivery;
}
