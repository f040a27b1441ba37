/**
 * A tiny HTTP server on 127.0.0.1 that serves fixed bodies by path and records
 * every request: the base of the fake npm registry and the fake release mirror.
 * Tests change what it serves between requests through `files`.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface StaticServer {
  /** Base URL with a trailing slash, e.g. http://127.0.0.1:41234/ */
  url: string;
  /** Path (decoded, no query) -> body. */
  files: Map<string, Buffer | string>;
  /** Every request as `METHOD path`, in order. */
  requests: string[];
  /** Paths answered with half their body and then never finished (a download that hangs). */
  stalled: Set<string>;
  /** Resolves when a request for `path` arrives (at once if one already has). */
  requested(path: string): Promise<void>;
  close(): Promise<void>;
}

export async function startStaticServer(files: Record<string, Buffer | string> = {}): Promise<StaticServer> {
  const served = new Map(Object.entries(files));
  const requests: string[] = [];
  const stalled = new Set<string>();
  const waiting: { path: string; resolve: () => void }[] = [];
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    requests.push(`${req.method} ${path}`);
    for (const waiter of waiting.filter((w) => w.path === path)) waiter.resolve();
    const body = served.get(path);
    if (body === undefined || (req.method !== 'GET' && req.method !== 'HEAD')) {
      res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ error: 'Not found' }));
      return;
    }
    const type = path.endsWith('.tgz') || path.endsWith('.gz') ? 'application/octet-stream' : typeof body === 'string' && body.startsWith('{') ? 'application/json' : 'text/plain';
    res.writeHead(200, { 'content-type': type, 'content-length': Buffer.byteLength(body) });
    if (stalled.has(path)) res.write(Buffer.from(body).subarray(0, Buffer.byteLength(body) >> 1));
    else res.end(req.method === 'HEAD' ? undefined : body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  return {
    url,
    files: served,
    requests,
    stalled,
    requested: (path) =>
      requests.some((request) => request.endsWith(` ${path}`))
        ? Promise.resolve()
        : new Promise<void>((resolve) => waiting.push({ path, resolve })),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
