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
import type { Agent, Dispatcher } from 'undici';
import { bothLoopbacks } from '../lib/localhost.js';

// Undici's public entry (its index) is all we import, and it also loads fetch, WebSocket, caches and mocks: measured
// +160 ms and +7.5 MB over its Agent alone (docs/benchmarks.md). Loaded when the first engine is created, not on
// import: a command that sends nothing pays nothing, and the relay's load overlaps `stripe listen` starting.
let undici: Promise<typeof import('undici')> | undefined;

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
  let agent: Agent | undefined;
  const ready = (undici ??= import('undici')).then(
    ({ Agent }) =>
      (agent = new Agent({
        connections: options.connections ?? null,
        // The engine's own deadline bounds each request whole; undici's partial timers would only add work.
        headersTimeout: 0,
        bodyTimeout: 0,
        connect: { ...bothLoopbacks, rejectUnauthorized: !options.skipVerify, timeout: 0 },
      })),
  );
  const maxBody = options.maxBody ?? MAX_BODY;
  let closed = false;
  const close = () => {
    if (closed) return;
    closed = true;
    options.signal?.removeEventListener('abort', close);
    void ready.then((created) => created.destroy()).catch(() => undefined);
  };
  if (options.signal?.aborted) close();
  options.signal?.addEventListener('abort', close, { once: true });

  // The deadline (and the time measured) starts once undici is loaded: only the first requests ever wait for it.
  const send = (to: Agent, url: URL, body: string | Buffer, headers: OutgoingHttpHeaders, timeoutMs: number) =>
    new Promise<EngineResult>((resolve) => {
      const handler = new Exchange(resolve, maxBody, timeoutMs);
      // Undici coerces numbers (a Content-Length) itself; its type only admits strings.
      const request: Dispatcher.DispatchOptions = { origin: url.origin, path: url.pathname + url.search, method: 'POST', headers: headers as Record<string, string>, body };
      try {
        to.dispatch(request, handler);
      } catch (error) {
        handler.fail(error as Error); // invalid headers, or the engine is closed
      }
    });
  return {
    post: (url, body, headers, timeoutMs) => (agent ? send(agent, url, body, headers, timeoutMs) : ready.then((created) => send(created, url, body, headers, timeoutMs))),
    close,
  };
}

/**
 * One request's undici handler (undici 7's handler API: `onRequestStart` … `onResponseError`): collects the answer,
 * enforces the deadline, settles once.
 */
class Exchange implements Dispatcher.DispatchHandler {
  private readonly started = performance.now();
  private readonly timer: NodeJS.Timeout;
  /** Set once the request was given a connection (and so may have reached the app). */
  private controller: Dispatcher.DispatchController | undefined;
  private expired = false;
  private settled = false;
  private status = 0;
  /** The answer's headers; undefined until they arrived. */
  private headers: IncomingHttpHeaders | undefined;
  private chunks: Buffer[] = [];
  private size = 0;

  constructor(
    private readonly resolve: (result: EngineResult) => void,
    private readonly maxBody: number,
    timeoutMs: number,
  ) {
    this.timer = setTimeout(() => this.expire(), timeoutMs);
  }

  onRequestStart(controller: Dispatcher.DispatchController): void {
    this.controller = controller;
    if (this.expired) controller.abort(deadlineError()); // the deadline passed while it waited for a connection
  }

  onResponseStart(_controller: Dispatcher.DispatchController, status: number, headers: IncomingHttpHeaders): void {
    this.status = status;
    this.headers = headers;
  }

  onResponseData(_controller: Dispatcher.DispatchController, chunk: Buffer): void {
    if (this.size < this.maxBody) this.chunks.push(chunk);
    this.size += chunk.length;
  }

  onResponseEnd(): void {
    const { chunks, size, maxBody } = this;
    const body = chunks.length === 1 && size <= maxBody ? chunks[0]! : Buffer.concat(chunks).subarray(0, maxBody);
    const answer: EngineAnswer = { kind: 'answer', status: this.status, headers: nodeHeaders(this.headers), body, ms: this.ms() };
    // Undici frees the connection for the next request one event-loop turn after the answer (a setImmediate it
    // schedules once this returns). Settling after it lets the caller's next request reuse that connection
    // instead of opening another (or queueing behind the pool).
    queueMicrotask(() => setImmediate(() => this.settle(answer)));
  }

  onResponseError(_controller: Dispatcher.DispatchController | undefined, error: Error): void {
    this.fail(error);
  }

  fail(error: Error): void {
    const code = codeOf(error) || error.message;
    const failure: EngineFailure = { kind: 'failure', failure: classify(error, this.controller !== undefined), code, deadline: false, ms: this.ms() };
    const invalid = invalidAnswer(code, this.headers !== undefined) ?? parserReason(error);
    if (invalid) failure.invalid = invalid;
    this.settle(failure);
  }

  private expire(): void {
    this.expired = true;
    this.settle({ kind: 'failure', failure: 'timeout', code: 'ETIMEDOUT', deadline: true, ms: this.ms() });
    this.controller?.abort(deadlineError());
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

const deadlineError = () => Object.assign(new Error('the request passed its deadline'), { code: 'ETIMEDOUT' });

/**
 * Undici's parsed headers (lower-case names, a repeated header as a list) as Node's IncomingHttpHeaders: set-cookie
 * always a list, other repeats joined with ", ".
 */
function nodeHeaders(headers: IncomingHttpHeaders = {}): IncomingHttpHeaders {
  for (const [name, value] of Object.entries(headers)) {
    if (name === 'set-cookie') headers[name] = typeof value === 'string' ? [value] : value;
    else if (Array.isArray(value)) headers[name] = value.join(', ');
  }
  return headers;
}

const SMUGGLING = 'Content-Length with Transfer-Encoding, or two Content-Lengths';

/** What is wrong with an answer undici's parser refused (HPE_…, a length mismatch); undefined for other errors. */
function invalidAnswer(code: string, hadHeaders: boolean): string | undefined {
  if (!code.startsWith('HPE_') && code !== 'UND_ERR_RES_CONTENT_LENGTH_MISMATCH') return undefined;
  // Request smuggling's classic shape: llhttp refuses the headers, and undici reports that as a length mismatch
  // when a Content-Length was among them (before handing any headers over).
  if (code === 'HPE_UNEXPECTED_CONTENT_LENGTH' || (code === 'UND_ERR_RES_CONTENT_LENGTH_MISMATCH' && !hadHeaders)) {
    return SMUGGLING;
  }
  return code === 'UND_ERR_RES_CONTENT_LENGTH_MISMATCH' ? 'its body does not match its Content-Length' : code;
}

/**
 * Undici 7's parser errors carry no code (it looks llhttp's error number up in a table keyed by name), only the
 * parser's reason in the message: "Response does not match the HTTP/1.1 protocol (Invalid status code)".
 */
function parserReason(error: Error): string | undefined {
  if (error.name !== 'HTTPParserError' || (error as NodeJS.ErrnoException).code) return undefined;
  const reason = /\(([^)]*)\)$/.exec(error.message)?.[1] ?? error.message;
  return /content-length/i.test(reason) ? SMUGGLING : reason;
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
