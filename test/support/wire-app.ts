/**
 * The app behind the relay at the wire level, for the relay's unit tests: a real HTTP(S) server on a loopback
 * that records every request byte-exact (raw headers, socket) and answers however the test's handler says (or
 * never, or by cutting the socket). End-to-end tests script answers with the simpler ./app.ts.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import { createServer as createNetServer, type AddressInfo, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface AppRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  /** Header names as sent, with their values, in order. */
  rawHeaders: string[];
  body: Buffer;
  socket: Socket;
}

export type Handler = (request: AppRequest, res: ServerResponse) => void;

export interface App {
  /** `http(s)://<host>:<port>` with no trailing slash. */
  origin: string;
  port: number;
  requests: AppRequest[];
  /** Resolves with the n-th request (from 1) once it has arrived. */
  request(n: number): Promise<AppRequest>;
  close(): Promise<void>;
}

/**
 * Resolves once the app's side of a connection has closed. Not `events.once(socket, 'close')`: that rejects on an
 * 'error' first, and a client that cuts the connection may leave the server socket a read ECONNRESET on its way.
 */
export function closed(socket: Socket): Promise<void> {
  return socket.destroyed ? Promise.resolve() : new Promise((resolve) => socket.once('close', () => resolve()));
}

export const answerOk: Handler = (_request, res) => void res.writeHead(200, { 'Content-Type': 'text/plain' }).end('ok');

export interface AppOptions {
  /** 127.0.0.1 (default) or ::1; the other loopback is left with nothing listening on the same port. */
  host?: '127.0.0.1' | '::1';
  /** Serve HTTPS with a self-signed certificate for localhost and 127.0.0.1. */
  tls?: boolean;
}

export async function startApp(handler: Handler = answerOk, options: AppOptions = {}): Promise<App> {
  const host = options.host ?? '127.0.0.1';
  const requests: AppRequest[] = [];
  const waiters: Array<{ n: number; resolve: (request: AppRequest) => void }> = [];
  const onRequest = (req: import('node:http').IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const request = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, rawHeaders: req.rawHeaders, body: Buffer.concat(chunks), socket: req.socket };
      requests.push(request);
      for (const waiter of waiters.filter((w) => w.n === requests.length)) waiter.resolve(request);
      handler(request, res);
    });
  };
  const server: Server = options.tls ? createTlsServer(selfSignedCertificate(), onRequest) : createServer(onRequest);
  const port = await listenOnlyOn(server, host);
  return {
    origin: `${options.tls ? 'https' : 'http'}://${host.includes(':') ? `[${host}]` : host}:${port}`,
    port,
    requests,
    request: (n) => (requests[n - 1] ? Promise.resolve(requests[n - 1]!) : new Promise((resolve) => waiters.push({ n, resolve }))),
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** Listens on `host`, on a port the other loopback has free, so `localhost` can reach the app only one way. */
async function listenOnlyOn(server: Server, host: string): Promise<number> {
  const other = host === '::1' ? '127.0.0.1' : '::1';
  for (;;) {
    await new Promise<void>((resolve, reject) => server.once('error', reject).listen(0, host, () => resolve()));
    const { port } = server.address() as AddressInfo;
    const probe = createNetServer();
    const free = await new Promise<boolean>((resolve) => probe.once('error', () => resolve(false)).listen(port, other, () => resolve(true)));
    if (free) {
      await new Promise<void>((resolve) => probe.close(() => resolve()));
      return port;
    }
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

let certificate: { key: Buffer; cert: Buffer } | undefined;

/** A fresh self-signed certificate (openssl, once per test file). */
function selfSignedCertificate(): { key: Buffer; cert: Buffer } {
  if (certificate) return certificate;
  const dir = mkdtempSync(join(tmpdir(), 'relay-tls-'));
  try {
    execFileSync('openssl', [
      'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1',
      '-subj', '/CN=localhost', '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1',
      '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'),
    ], { stdio: 'ignore' });
    certificate = { key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')) };
    return certificate;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
