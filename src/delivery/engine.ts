/**
 * The one HTTP engine both senders use (the offline burst and the relay): POSTs
 * a body with the given headers over keep-alive connections (undici, a pool per
 * origin), within a total deadline per request, never following redirects, and
 * sorts a failure into the class a user can act on. `localhost` reaches an app on
 * 127.0.0.1 or ::1. One abort signal (or close()) cuts every connection at once.
 *
 * It drives undici's dispatcher API directly, with a plain handler object: no
 * stream, promise or AbortController per request, as a burst sends 90,000 of them.
 */
import type { IncomingHttpHeaders, OutgoingHttpHeaders } from 'node:http';
import { createRequire } from 'node:module';
import type { Agent as UndiciAgent, Dispatcher } from 'undici';
import { bothLoopbacks } from '../lib/localhost.js';

// The Agent alone, not undici's index: that also loads fetch, WebSocket, caches and mocks, ~6 MB more resident
// memory (measured: +17.3 MB vs +11.6 MB) for nothing this program calls. undici 6 has no `exports` map, so the
// path is reachable; package.json pins the 6.29 line and the unit tests exercise it.
const Agent = createRequire(import.meta.url)('undici/lib/dispatcher/agent.js') as typeof UndiciAgent;

export type FailureClass = 'refused' | 'timeout' | 'tls' | 'reset' | 'dns';

export interface EngineAnswer {
  kind: 'answer';
  status: number;
  headers: IncomingHttpHeaders;
  /** The answer's first `maxBody` bytes (all of it is read). */
  body: Buffer;
  ms: number;
}

export interface EngineFailure {
  kind: 'failure';
  failure: FailureClass;
  /** The underlying code (ECONNREFUSED, DEPTH_ZERO_SELF_SIGNED_CERT, …), or the message when there is none. */
  code: string;
  /** The total deadline passed (as opposed to an error from the connection). */
  deadline: boolean;
  /** The app did answer, but not in valid HTTP: what was wrong with it (a `reset`: the app may have acted). */
  invalid?: string;
  ms: number;
}

export type EngineResult = EngineAnswer | EngineFailure;

export interface EngineOptions {
  /** Connections per origin (unlimited by default). */
  connections?: number;
  /** Accept any TLS certificate (a self-signed one on a local https app). */
  skipVerify?: boolean;
  /** Bytes of each answer's body kept (1 MiB by default). */
  maxBody?: number;
  /** Aborting it closes every connection and fails the requests in flight. */
  signal?: AbortSignal;
}

export interface Engine {
  post(url: URL, body: string | Buffer, headers: OutgoingHttpHeaders, timeoutMs: number): Promise<EngineResult>;
  /** Closes every connection; requests in flight end as failures. */
  close(): void;
}

export const MAX_BODY = 1 << 20;

export function createEngine(options: EngineOptions = {}): Engine {
  const agent = new Agent({
    connections: options.connections ?? null,
    // The engine's own deadline bounds each request whole; undici's partial timers would only add work.
    headersTimeout: 0,
    bodyTimeout: 0,
    connect: { ...bothLoopbacks, rejectUnauthorized: !options.skipVerify, timeout: 0 },
  });
  const maxBody = options.maxBody ?? MAX_BODY;
  let closed = false;
  const close = () => {
    if (closed) return;
    closed = true;
    options.signal?.removeEventListener('abort', close);
    void agent.destroy().catch(() => undefined);
  };
  if (options.signal?.aborted) close();
  options.signal?.addEventListener('abort', close, { once: true });

  return {
    post: (url, body, headers, timeoutMs) =>
      new Promise<EngineResult>((resolve) => {
        const handler = new Exchange(resolve, maxBody, timeoutMs);
        // Undici coerces numbers (a Content-Length) itself; its type only admits strings.
        const request: Dispatcher.DispatchOptions = { origin: url.origin, path: url.pathname + url.search, method: 'POST', headers: headers as Record<string, string>, body };
        try {
          agent.dispatch(request, handler);
        } catch (error) {
          handler.onError(error as Error); // invalid headers, or the engine is closed
        }
      }),
    close,
  };
}

/** One request's undici handler: collects the answer, enforces the deadline, settles once. */
class Exchange implements Dispatcher.DispatchHandlers {
  private readonly started = performance.now();
  private readonly timer: NodeJS.Timeout;
  private abort: ((error?: Error) => void) | undefined;
  /** The request was given a connection (and so may have reached the app). */
  private connected = false;
  private expired = false;
  private settled = false;
  private status = 0;
  private raw: Buffer[] | string[] | null = null;
  private chunks: Buffer[] = [];
  private size = 0;

  constructor(
    private readonly resolve: (result: EngineResult) => void,
    private readonly maxBody: number,
    timeoutMs: number,
  ) {
    this.timer = setTimeout(() => this.expire(), timeoutMs);
  }

  onConnect(abort: (error?: Error) => void): void {
    this.abort = abort;
    this.connected = true;
    if (this.expired) abort(); // the deadline passed while it waited for a connection
  }

  onHeaders(status: number, raw: Buffer[] | string[] | null): boolean {
    this.status = status;
    this.raw = raw;
    return true;
  }

  onData(chunk: Buffer): boolean {
    if (this.size < this.maxBody) this.chunks.push(chunk);
    this.size += chunk.length;
    return true;
  }

  onComplete(): void {
    const { chunks, size, maxBody } = this;
    const body = chunks.length === 1 && size <= maxBody ? chunks[0]! : Buffer.concat(chunks).subarray(0, maxBody);
    const answer: EngineAnswer = { kind: 'answer', status: this.status, headers: parseHeaders(this.raw), body, ms: this.ms() };
    // Undici frees the connection for the next request one event-loop turn after the answer (a setImmediate it
    // schedules once this returns). Settling after it lets the caller's next request reuse that connection
    // instead of opening another (or queueing behind the pool).
    queueMicrotask(() => setImmediate(() => this.settle(answer)));
  }

  onError(error: Error): void {
    const code = codeOf(error) || error.message;
    const failure: EngineFailure = { kind: 'failure', failure: classify(error, this.connected), code, deadline: false, ms: this.ms() };
    const invalid = invalidAnswer(code, this.raw);
    if (invalid) failure.invalid = invalid;
    this.settle(failure);
  }

  private expire(): void {
    this.expired = true;
    this.settle({ kind: 'failure', failure: 'timeout', code: 'ETIMEDOUT', deadline: true, ms: this.ms() });
    this.abort?.();
  }

  private settle(result: EngineResult): void {
    if (this.settled) return;
    this.settled = true;
    clearTimeout(this.timer);
    this.chunks = [];
    this.resolve(result);
  }

  private ms(): number {
    return Math.round((performance.now() - this.started) * 10) / 10;
  }
}

/** Raw header pairs as Node's IncomingHttpHeaders: lower-case names, set-cookie a list, other repeats joined. */
function parseHeaders(raw: Buffer[] | string[] | null): IncomingHttpHeaders {
  const headers: Record<string, string | string[]> = {};
  if (!raw) return headers;
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i]!.toString('latin1').toLowerCase();
    const value = raw[i + 1]!.toString('latin1');
    const seen = headers[name];
    if (name === 'set-cookie') headers[name] = [...((seen as string[] | undefined) ?? []), value];
    else headers[name] = seen === undefined ? value : `${seen as string}, ${value}`;
  }
  return headers;
}

/** What is wrong with an answer undici's parser refused (HPE_…, a length mismatch); undefined for other errors. */
function invalidAnswer(code: string, raw: Buffer[] | string[] | null): string | undefined {
  if (!code.startsWith('HPE_') && code !== 'UND_ERR_RES_CONTENT_LENGTH_MISMATCH') return undefined;
  // Request smuggling's classic shape: llhttp refuses the headers, and undici reports that as a length mismatch
  // when a Content-Length was among them (before handing any headers over).
  if (code === 'HPE_UNEXPECTED_CONTENT_LENGTH' || (code === 'UND_ERR_RES_CONTENT_LENGTH_MISMATCH' && raw === null)) {
    return 'Content-Length with Transfer-Encoding, or two Content-Lengths';
  }
  return code === 'UND_ERR_RES_CONTENT_LENGTH_MISMATCH' ? 'its body does not match its Content-Length' : code;
}

/** The first error's code: with several addresses tried, Node throws an AggregateError of them. */
export function codeOf(error: NodeJS.ErrnoException): string {
  const inner = (error as { errors?: NodeJS.ErrnoException[] }).errors;
  const cause = (error as { cause?: NodeJS.ErrnoException }).cause;
  return error.code ?? inner?.find((e) => e.code)?.code ?? cause?.code ?? '';
}

/**
 * The class of a failed request. `connected`: it had been given a connection, so the app may have read it; only a
 * request that never had one is `refused` (nothing answers there), and anything unknown after that is a `reset`.
 */
export function classify(error: NodeJS.ErrnoException, connected = false): FailureClass {
  const code = codeOf(error);
  if (code === 'ENOTFOUND' || code.startsWith('EAI_')) return 'dns';
  if (code === 'ETIMEDOUT' || code === 'ESOCKETTIMEDOUT' || code === 'UND_ERR_CONNECT_TIMEOUT') return 'timeout';
  if (/^(ERR_TLS|ERR_SSL|EPROTO|CERT_|DEPTH_ZERO|SELF_SIGNED|UNABLE_TO_|ERR_OSSL)/.test(code)) return 'tls';
  // UND_ERR_SOCKET: the app closed the connection; DESTROYED/ABORTED: the engine was closed under the request.
  if (connected || /^(ECONNRESET|EPIPE|ECONNABORTED|UND_ERR_SOCKET|UND_ERR_DESTROYED|UND_ERR_CLOSED|UND_ERR_ABORTED)$/.test(code)) return 'reset';
  return 'refused'; // ECONNREFUSED, and unreachable hosts or networks: no connection was made
}
