/**
 * The delivery engine against real servers on loopback, on both its transports (node:http, and undici for a
 * burst): connections kept alive and reused (counted at the server), the total deadline, an abort closing
 * everything, each failure class from a real failure, an answer that is not valid HTTP, both loopbacks for
 * `localhost`, and the bound on the body kept.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createEngine, type Engine, type EngineOptions, type EngineResult } from '../../src/delivery/engine.js';
import { closedPort } from '../support/ports.js';
import { closed, startApp, type App } from '../support/wire-app.js';

const apps: App[] = [];
const engines: Engine[] = [];

afterEach(async () => {
  engines.splice(0).forEach((engine) => engine.close());
  await Promise.all(apps.splice(0).map((app) => app.close()));
});

async function app(...args: Parameters<typeof startApp>): Promise<App> {
  const started = await startApp(...args);
  apps.push(started);
  return started;
}

let burst = false; // the transport under test: undici when true

function engine(options: EngineOptions = {}): Engine {
  const created = createEngine({ burst, ...options });
  engines.push(created);
  return created;
}

const post = (on: Engine, url: string, timeoutMs = 5000) => on.post(new URL(url), Buffer.from('{"id":"evt_1"}'), { 'content-type': 'application/json' }, timeoutMs);
const connections = (target: App) => new Set(target.requests.map((request) => request.socket)).size;

function answer(result: EngineResult) {
  if (result.kind !== 'answer') throw new Error(`expected an answer, got ${result.failure} (${result.code})`);
  return result;
}

function failure(result: EngineResult) {
  if (result.kind !== 'failure') throw new Error(`expected a failure, got ${result.status}`);
  return result;
}

describe.each([
  ['node:http', false],
  ['undici (a burst)', true],
])('the delivery engine on %s', (_transport, undici) => {
  beforeEach(() => {
    burst = undici;
  });

  describe('answers', () => {
    it('sends one request after another over one kept-alive connection', async () => {
      const target = await app();
      const sender = engine({ connections: 4 });
      for (let i = 0; i < 20; i++) expect(answer(await post(sender, `${target.origin}/${i}`)).status).toBe(200);
      expect(target.requests).toHaveLength(20);
      expect(connections(target)).toBe(1);
    });

    it('keeps no more connections than asked for, however many requests are in flight', async () => {
      const target = await app();
      const sender = engine({ connections: 3 });
      const worker = async () => {
        for (let i = 0; i < 10; i++) answer(await post(sender, `${target.origin}/webhook`));
      };
      await Promise.all(Array.from({ length: 6 }, worker));
      expect(target.requests).toHaveLength(60);
      expect(connections(target)).toBeLessThanOrEqual(3);
    });

    it('ends a request at its total deadline, even while the body trickles in, and cuts its connection', async () => {
      const target = await app((_request, res) => {
        res.writeHead(200, { 'content-length': 100 }).write('x');
        const drip = setInterval(() => res.write('x'), 50);
        res.on('close', () => clearInterval(drip));
      });
      const result = failure(await post(engine(), `${target.origin}/webhook`, 300));
      expect([result.failure, result.deadline]).toEqual(['timeout', true]);
      expect(result.ms).toBeGreaterThanOrEqual(290);
      expect(result.ms).toBeLessThan(2000);
      await closed(target.requests[0]!.socket);
    });

    it('on abort, fails the requests in flight and closes every connection; later requests fail at once', async () => {
      const target = await app(() => undefined); // never answers
      const controller = new AbortController();
      const sender = engine({ connections: 3, signal: controller.signal });
      const pending = Array.from({ length: 3 }, (_, i) => post(sender, `${target.origin}/${i}`));
      await target.request(3);
      controller.abort();
      const results = (await Promise.all(pending)).map(failure);
      expect(results.map((result) => [result.failure, result.deadline])).toEqual(Array(3).fill(['reset', false]));
      for (const { socket } of target.requests) await closed(socket);
      expect(failure(await post(sender, `${target.origin}/late`)).failure).toBe('reset');
      expect(target.requests).toHaveLength(3);
    });

    it('keeps the first maxBody bytes of an answer, reads the rest, and reuses the connection', async () => {
      const target = await app((_request, res) => res.writeHead(500).end('y'.repeat(100_000)));
      const sender = engine({ maxBody: 1000 });
      const first = answer(await post(sender, `${target.origin}/1`));
      expect([first.status, first.body.length, first.body.toString()]).toEqual([500, 1000, 'y'.repeat(1000)]);
      answer(await post(sender, `${target.origin}/2`));
      expect(connections(target)).toBe(1);
    });

    it('hands back the answer headers as Node names them: lower case, set-cookie a list', async () => {
      const target = await app((_request, res) => res.writeHead(201, [['X-Trace', 'a'], ['Set-Cookie', 'a=1'], ['Set-Cookie', 'b=2']]).end());
      const result = answer(await post(engine(), `${target.origin}/webhook`));
      expect([result.status, result.headers['x-trace'], result.headers['set-cookie']]).toEqual([201, 'a', ['a=1', 'b=2']]);
    });

    it('reaches `localhost` on whichever loopback the app listens on', async () => {
      const sender = engine();
      for (const host of ['::1', '127.0.0.1'] as const) {
        const target = await app((_request, res) => res.writeHead(200).end(host), { host });
        expect(answer(await post(sender, `http://localhost:${target.port}/webhook`)).body.toString()).toBe(host);
      }
    });
  });

  describe('failures, each from a real one', () => {
    it('refused', async () => {
      const port = await closedPort();
      expect(failure(await post(engine(), `http://127.0.0.1:${port}/`))).toMatchObject({ failure: 'refused', code: 'ECONNREFUSED', deadline: false });
      expect(failure(await post(engine(), `http://localhost:${port}/`))).toMatchObject({ failure: 'refused', code: 'ECONNREFUSED' });
    });

    it('reset, on a fresh connection', async () => {
      const target = await app((request) => request.socket.destroy());
      expect(failure(await post(engine(), `${target.origin}/`))).toMatchObject({ failure: 'reset' });
    });

    it('reset, on a connection that carried an answer before (never refused: the app may have read it)', async () => {
      const answered = new Set<unknown>();
      const target = await app((request, res) => {
        if (answered.has(request.socket)) return void request.socket.destroy();
        answered.add(request.socket);
        res.writeHead(200).end('ok');
      });
      const sender = engine();
      answer(await post(sender, `${target.origin}/1`));
      expect(failure(await post(sender, `${target.origin}/2`))).toMatchObject({ failure: 'reset' });
    });

    it('tls: self-signed, then accepted with skipVerify', async () => {
      const target = await app(undefined, { tls: true });
      expect(failure(await post(engine(), `${target.origin}/`))).toMatchObject({ failure: 'tls', code: 'DEPTH_ZERO_SELF_SIGNED_CERT' });
      expect(answer(await post(engine({ skipVerify: true }), `https://localhost:${target.port}/`)).status).toBe(200);
    });

    it('dns', async () => {
      expect(failure(await post(engine(), 'http://no-such-app.invalid:4242/'))).toMatchObject({ failure: 'dns', code: 'ENOTFOUND' });
    });

    it('reset, with what is wrong, for an answer that is not valid HTTP; an answer with bytes after its body stands', async () => {
      const wire = (text: string) => app((request) => request.socket.end(text));
      const invalid = async (text: string) => failure(await post(engine(), `${(await wire(text)).origin}/`));
      const smuggling = 'Content-Length with Transfer-Encoding, or two Content-Lengths';
      expect(await invalid('HTTP/1.1 200 OK\r\nContent-Length: 2\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\n\r\n')).toMatchObject({ failure: 'reset', invalid: smuggling });
      expect(await invalid('HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 2\r\n\r\nok')).toMatchObject({ failure: 'reset', invalid: smuggling });
      expect(await invalid('HTTP/1.1 2xx OK\r\n\r\n')).toMatchObject({ failure: 'reset', invalid: 'Invalid status code' });
      const short = await invalid('HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nok');
      expect([short.failure, short.invalid]).toEqual(['reset', undefined]);
      const extra = await wire('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nokEXTRA');
      expect(answer(await post(engine(), `${extra.origin}/`)).body.toString()).toBe('ok');
    });
  });
});
