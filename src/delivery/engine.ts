/**
 * The one HTTP engine both senders use (the offline sender and the relay): POSTs a body with the given headers over
 * keep-alive connections (a pool per origin), within a total deadline per request, never following redirects, and
 * sorts a failure into the class a user can act on. `localhost` reaches an app on 127.0.0.1 or ::1. One abort
 * signal (or close()) cuts every connection at once.
 *
 * Two transports, one behaviour (test/unit/delivery-engine.test.ts runs every case on both). node:http, here, by
 * default: Node has it already, so a delivery at a time (the relay, one flow) costs nothing to start. undici
 * (./undici.ts) for a burst: about twice the requests per CPU second with many in flight, but loading it and
 * compiling its WebAssembly parser cost ~0.2 s of CPU and ~45 MB (docs/benchmarks.md), which a live run would pay
 * while `stripe listen` starts.
 */
import type { Agent, ClientRequest, IncomingHttpHeaders, IncomingMessage, OutgoingHttpHeaders } from 'node:http';
import type { Socket } from 'node:net';
import { bothLoopbacks } from '../lib/localhost.js';
import { nodeHttp } from '../lib/node-http.js';

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
  /** Many requests in flight for a while (a burst's --concurrency): worth undici's start-up cost (above). */
  burst?: boolean;
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
  let engine: Engine;
  if (options.burst) {
    // Loaded when the first burst starts: a command that sends nothing in bulk never reads undici.
    const loading = import('./undici.js').then(({ createUndiciEngine }) => (engine = createUndiciEngine(options)));
    engine = {
      post: (...args) => loading.then((loaded) => loaded.post(...args)),
      close: () => void loading.then((loaded) => loaded.close()),
    };
  } else {
    engine = createNodeEngine(options);
  }
  const close = () => {
    options.signal?.removeEventListener('abort', close);
    engine.close();
  };
  if (options.signal?.aborted) close();
  else options.signal?.addEventListener('abort', close, { once: true });
  return { post: (url, body, headers, timeoutMs) => engine.post(url, body, headers, timeoutMs), close };
}

function createNodeEngine(options: EngineOptions): Engine {
  const agentOptions = { keepAlive: true, maxSockets: options.connections ?? Infinity, ...bothLoopbacks };
  const plain = new (nodeHttp().Agent)(agentOptions);
  // node:https (and TLS) only for an https app.
  let secure: Agent | undefined;
  const agentFor = (url: URL) =>
    url.protocol !== 'https:' ? plain : (secure ??= new (process.getBuiltinModule('node:https').Agent)({ ...agentOptions, rejectUnauthorized: !options.skipVerify }));
  const maxBody = options.maxBody ?? MAX_BODY;
  const inFlight = new Set<NodeExchange>();
  let closed = false;
  return {
    post: (url, body, headers, timeoutMs) =>
      new Promise<EngineResult>((resolve) => {
        const exchange = new NodeExchange(resolve, maxBody, timeoutMs, inFlight);
        if (closed) exchange.fail(closedError());
        else exchange.send(agentFor(url), url, body, headers);
      }),
    close: () => {
      if (closed) return;
      closed = true;
      for (const exchange of inFlight) exchange.cut(closedError());
      plain.destroy();
      secure?.destroy();
    },
  };
}

/** One request's bookkeeping, the same on both transports: the deadline, the answer's body kept, settling once. */
export abstract class EngineExchange {
  private readonly started = performance.now();
  private readonly timer: NodeJS.Timeout;
  private settled = false;
  /** Set once the request had a connection (and so may have reached the app). */
  protected connected = false;
  private chunks: Buffer[] = [];
  private size = 0;

  constructor(
    private readonly resolve: (result: EngineResult) => void,
    private readonly maxBody: number,
    timeoutMs: number,
  ) {
    this.timer = setTimeout(() => this.expire(), timeoutMs);
  }

  /** Stops the request and cuts its connection (the app may still be writing). */
  abstract cut(error: Error): void;

  /** What was wrong with an answer the transport's parser refused; undefined for other errors. */
  protected abstract invalid(error: Error, code: string): string | undefined;

  protected data(chunk: Buffer): void {
    if (this.size < this.maxBody) this.chunks.push(chunk);
    this.size += chunk.length;
  }

  protected answer(status: number, headers: IncomingHttpHeaders): EngineAnswer {
    const { chunks, size, maxBody } = this;
    const body = chunks.length === 1 && size <= maxBody ? chunks[0]! : Buffer.concat(chunks).subarray(0, maxBody);
    return { kind: 'answer', status, headers, body, ms: this.ms() };
  }

  fail(error: Error): void {
    const code = codeOf(error) || error.message;
    const failure: EngineFailure = { kind: 'failure', failure: classify(error, this.connected), code, deadline: false, ms: this.ms() };
    const invalid = this.invalid(error, code);
    if (invalid) failure.invalid = invalid;
    this.settle(failure);
  }

  protected settle(result: EngineResult): void {
    if (this.settled) return;
    this.settled = true;
    clearTimeout(this.timer);
    this.chunks = [];
    this.done();
    this.resolve(result);
  }

  /** Called once, as it settles. */
  protected done(): void {}

  private expire(): void {
    this.settle({ kind: 'failure', failure: 'timeout', code: 'ETIMEDOUT', deadline: true, ms: this.ms() });
    this.cut(Object.assign(new Error('the request passed its deadline'), { code: 'ETIMEDOUT' }));
  }

  private ms(): number {
    return Math.round((performance.now() - this.started) * 10) / 10;
  }
}

class NodeExchange extends EngineExchange {
  private request: ClientRequest | undefined;

  constructor(
    resolve: (result: EngineResult) => void,
    maxBody: number,
    timeoutMs: number,
    private readonly inFlight: Set<NodeExchange>,
  ) {
    super(resolve, maxBody, timeoutMs);
    inFlight.add(this);
  }

  send(agent: Agent, url: URL, body: string | Buffer, headers: OutgoingHttpHeaders): void {
    try {
      // A bracketed IPv6 literal ([::1]) is a hostname in a URL, an address without its brackets to node:http.
      const hostname = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
      this.request = nodeHttp().request({ agent, protocol: url.protocol, hostname, port: url.port, path: url.pathname + url.search, method: 'POST', headers });
    } catch (error) {
      return this.fail(error as Error); // invalid headers
    }
    const request = this.request;
    let response: IncomingMessage | undefined;
    request.on('socket', (socket: Socket) => {
      if (!socket.connecting) this.connected = true; // a kept-alive one
      else socket.once('connect', () => (this.connected = true));
    });
    request.on('response', (answer: IncomingMessage) => {
      response = answer;
      answer.on('data', (chunk: Buffer) => this.data(chunk));
      answer.on('end', () => this.settle(this.answer(answer.statusCode!, answer.headers)));
      answer.on('error', (error) => this.fail(error)); // the connection closed before the body's end
    });
    request.on('error', (error) => {
      // Bytes after a complete answer (more than its Content-Length) fail the connection, not the answer: its 'end' comes.
      if (!response?.complete) this.fail(error);
    });
    request.end(body);
  }

  cut(error: Error): void {
    this.fail(error);
    this.request?.destroy();
  }

  protected invalid(error: Error, code: string): string | undefined {
    if (!code.startsWith('HPE_')) return undefined;
    return parserReason((error as { reason?: string }).reason ?? code);
  }

  protected override done(): void {
    this.inFlight.delete(this);
  }
}

const closedError = () => Object.assign(new Error('the engine is closed'), { code: 'ECONNABORTED' });

/** What the report says of an answer with request smuggling's classic shapes. */
export const SMUGGLING = 'Content-Length with Transfer-Encoding, or two Content-Lengths';

/**
 * An HTTP parser's reason for refusing an answer, in the report's words. Request smuggling's classic shapes (a
 * Content-Length beside a Transfer-Encoding, two Content-Lengths) are named as such; llhttp words them variously.
 */
export function parserReason(reason: string): string {
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
  // UND_ERR_SOCKET: the app closed the connection; DESTROYED/ABORTED/ECONNABORTED: the engine was closed under the request.
  if (connected || /^(ECONNRESET|EPIPE|ECONNABORTED|UND_ERR_SOCKET|UND_ERR_DESTROYED|UND_ERR_CLOSED|UND_ERR_ABORTED)$/.test(code)) return 'reset';
  return 'refused'; // ECONNREFUSED, and unreachable hosts or networks: no connection was made
}
