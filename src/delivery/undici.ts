/**
 * The engine's burst transport (engine.ts says when): undici's keep-alive pools, driven through its dispatcher API
 * with a plain handler object: no stream, promise or AbortController per request, as a burst sends 90,000 of them.
 */
import type { IncomingHttpHeaders, OutgoingHttpHeaders } from 'node:http';
import type { Agent, Dispatcher } from 'undici';
import { bothLoopbacks } from '../lib/localhost.js';
import { EngineExchange, MAX_BODY, parserReason, SMUGGLING, type Engine, type EngineOptions, type EngineResult } from './engine.js';

// Undici's public entry (its index) is all we import, and it also loads fetch, WebSocket, caches and mocks: measured
// +160 ms and +7.5 MB over its Agent alone (docs/benchmarks.md).
let undici: Promise<typeof import('undici')> | undefined;

export function createUndiciEngine(options: EngineOptions): Engine {
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

  // The deadline (and the time measured) starts once undici is loaded: only the first requests ever wait for it.
  const send = (to: Agent, url: URL, body: string | Buffer, headers: OutgoingHttpHeaders, timeoutMs: number) =>
    new Promise<EngineResult>((resolve) => {
      const handler = new UndiciExchange(resolve, maxBody, timeoutMs);
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
    close: () => {
      if (closed) return;
      closed = true;
      void ready.then((created) => created.destroy()).catch(() => undefined);
    },
  };
}

/** One request's undici handler (undici 7's handler API: `onRequestStart` … `onResponseError`). */
class UndiciExchange extends EngineExchange implements Dispatcher.DispatchHandler {
  /** Set once the request was given a connection. */
  private controller: Dispatcher.DispatchController | undefined;
  private expired: Error | undefined;
  private status = 0;
  /** The answer's headers; undefined until they arrived. */
  private headers: IncomingHttpHeaders | undefined;

  onRequestStart(controller: Dispatcher.DispatchController): void {
    this.controller = controller;
    this.connected = true;
    if (this.expired) controller.abort(this.expired); // the deadline passed while it waited for a connection
  }

  onResponseStart(_controller: Dispatcher.DispatchController, status: number, headers: IncomingHttpHeaders): void {
    this.status = status;
    this.headers = headers;
  }

  onResponseData(_controller: Dispatcher.DispatchController, chunk: Buffer): void {
    this.data(chunk);
  }

  onResponseEnd(): void {
    const answer = this.answer(this.status, nodeHeaders(this.headers));
    // Undici frees the connection for the next request one event-loop turn after the answer (a setImmediate it
    // schedules once this returns). Settling after it lets the caller's next request reuse that connection
    // instead of opening another (or queueing behind the pool).
    queueMicrotask(() => setImmediate(() => this.settle(answer)));
  }

  onResponseError(_controller: Dispatcher.DispatchController | undefined, error: Error): void {
    this.fail(error);
  }

  cut(error: Error): void {
    this.expired = error;
    this.controller?.abort(error);
  }

  protected invalid(error: Error, code: string): string | undefined {
    // Request smuggling's classic shape: llhttp refuses the headers, and undici reports that as a length mismatch
    // when a Content-Length was among them (before handing any headers over).
    if (code === 'UND_ERR_RES_CONTENT_LENGTH_MISMATCH') return this.headers ? 'its body does not match its Content-Length' : SMUGGLING;
    if (code.startsWith('HPE_')) return code === 'HPE_UNEXPECTED_CONTENT_LENGTH' ? SMUGGLING : code;
    // Undici 7's parser errors carry no code (it looks llhttp's error number up in a table keyed by name), only the
    // parser's reason in the message: "Response does not match the HTTP/1.1 protocol (Invalid status code)".
    if (error.name !== 'HTTPParserError' || (error as NodeJS.ErrnoException).code) return undefined;
    return parserReason(/\(([^)]*)\)$/.exec(error.message)?.[1] ?? error.message);
  }
}

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
