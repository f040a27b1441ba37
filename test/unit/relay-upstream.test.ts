/**
 * The relay's client against real servers on loopback: every failure class from a real failure,
 * at most one POST per delivery (no retry after a reset), both loopbacks for `localhost`, and no redirects followed.
 */
import { once } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import { classify } from '../../src/delivery/engine.js';
import { createUpstream, type Upstream, type UpstreamResult } from '../../src/relay/upstream.js';
import { closedPort } from '../support/ports.js';
import { startApp, type App } from '../support/wire-app.js';

const apps: App[] = [];
let upstream: Upstream | undefined;

afterEach(async () => {
  upstream?.close();
  upstream = undefined;
  await Promise.all(apps.splice(0).map((app) => app.close()));
});

async function app(...args: Parameters<typeof startApp>): Promise<App> {
  const started = await startApp(...args);
  apps.push(started);
  return started;
}

function post(url: string, options: { skipVerify?: boolean; timeoutMs?: number; body?: string } = {}): Promise<UpstreamResult> {
  upstream ??= createUpstream({ skipVerify: options.skipVerify });
  const body = Buffer.from(options.body ?? '{"id":"evt_1"}');
  return upstream.post(new URL(url), body, { 'content-type': 'application/json', 'content-length': body.length }, options.timeoutMs ?? 5000);
}

function failure(result: UpstreamResult) {
  if (result.kind !== 'failure') throw new Error(`expected a failure, got ${result.status} ${result.body.toString()}`);
  return result;
}

function answer(result: UpstreamResult) {
  if (result.kind !== 'answer') throw new Error(`expected an answer, got ${result.failure}: ${result.message}`);
  return result;
}

describe('upstream failures, each from a real one', () => {
  it('refused: nothing listens on the port', async () => {
    const port = await closedPort();
    const result = failure(await post(`http://127.0.0.1:${port}/webhook`));
    expect(result.failure).toBe('refused');
    expect(result.message).toBe(`nothing is listening at http://127.0.0.1:${port} (ECONNREFUSED)`);
  });

  it('refused on localhost, after trying both loopbacks', async () => {
    const port = await closedPort();
    const result = failure(await post(`http://localhost:${port}/webhook`));
    expect(result.failure).toBe('refused');
    expect(result.message).toContain(`nothing is listening at http://localhost:${port}`);
  });

  it('reset: the app cuts the connection without answering', async () => {
    const target = await app((request) => request.socket.destroy());
    const result = failure(await post(`${target.origin}/webhook`));
    expect(result.failure).toBe('reset');
    expect(result.message).toBe('the app closed the connection without answering');
    expect(target.requests).toHaveLength(1); // a fresh socket that failed is not retried
  });

  it('reset, saying so: an answer that is not valid HTTP (both Content-Length and Transfer-Encoding)', async () => {
    const target = await app((request) => {
      request.socket.end('HTTP/1.1 200 OK\r\nContent-Length: 2\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\n\r\n');
    });
    const result = failure(await post(`${target.origin}/webhook`));
    expect(result.failure).toBe('reset');
    expect(result.message).toBe("the app's answer is not valid HTTP (Content-Length with Transfer-Encoding, or two Content-Lengths)");
  });

  it('reset, saying so: two Content-Lengths; a short body then a close stays a plain reset', async () => {
    const twice = await app((request) => request.socket.end('HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 2\r\n\r\nok'));
    expect(failure(await post(`${twice.origin}/webhook`)).message).toBe("the app's answer is not valid HTTP (Content-Length with Transfer-Encoding, or two Content-Lengths)");
    const short = await app((request) => request.socket.end('HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nok'));
    expect(failure(await post(`${short.origin}/webhook`))).toMatchObject({ failure: 'reset', message: 'the app closed the connection without answering' });
  });

  it('reset, saying so: a status line that is not HTTP', async () => {
    const target = await app((request) => request.socket.end('HTTP/1.1 2xx OK\r\n\r\n'));
    const result = failure(await post(`${target.origin}/webhook`));
    expect([result.failure, result.message]).toEqual(['reset', "the app's answer is not valid HTTP (Invalid status code)"]);
  });

  it('timeout: the app never answers', async () => {
    const target = await app(() => undefined);
    const result = failure(await post(`${target.origin}/webhook`, { timeoutMs: 200 }));
    expect(result.failure).toBe('timeout');
    expect(result.message).toBe('no answer within 0.2 s');
    expect(result.ms).toBeGreaterThanOrEqual(190);
    expect(result.ms).toBeLessThan(2000);
  });

  it('timeout: the app answers its headers, then stalls the body', async () => {
    const target = await app((_request, res) => res.writeHead(200, { 'content-length': 10 }).write('part'));
    const result = failure(await post(`${target.origin}/webhook`, { timeoutMs: 200 }));
    expect(result.failure).toBe('timeout');
  });

  it('tls: a self-signed certificate, accepted with skipVerify', async () => {
    const target = await app(undefined, { tls: true });
    const result = failure(await post(`${target.origin}/webhook`));
    expect(result.failure).toBe('tls');
    expect(result.message).toMatch(/^TLS failed with 127\.0\.0\.1:\d+ \(DEPTH_ZERO_SELF_SIGNED_CERT\); --skip-verify accepts/);
    upstream!.close();
    upstream = undefined;
    const accepted = answer(await post(`${target.origin}/webhook`, { skipVerify: true }));
    expect([accepted.status, accepted.body.toString()]).toEqual([200, 'ok']);
    const viaLocalhost = answer(await post(`https://localhost:${target.port}/webhook`, { skipVerify: true }));
    expect(viaLocalhost.status).toBe(200);
  });

  it('tls: an https URL to an app that speaks plain http', async () => {
    const target = await app();
    const result = failure(await post(`https://127.0.0.1:${target.port}/webhook`));
    expect(result.failure).toBe('tls');
  });

  it('dns: a host that cannot resolve (.invalid is never delegated, RFC 6761)', async () => {
    const result = failure(await post('http://no-such-app.invalid:4242/webhook'));
    expect(result.failure).toBe('dns');
    expect(result.message).toBe('cannot resolve no-such-app.invalid');
  });
});

describe('classify', () => {
  it.each([
    [{ code: 'ENOTFOUND' }, 'dns'],
    [{ code: 'EAI_AGAIN' }, 'dns'],
    [{ code: 'ETIMEDOUT' }, 'timeout'],
    [{ code: 'ECONNRESET' }, 'reset'],
    [{ code: 'EPIPE' }, 'reset'],
    [{ code: 'ERR_TLS_CERT_ALTNAME_INVALID' }, 'tls'],
    [{ code: 'CERT_HAS_EXPIRED' }, 'tls'],
    [{ code: 'ECONNREFUSED' }, 'refused'],
    [{ code: 'EHOSTUNREACH' }, 'refused'],
    [{ code: 'UND_ERR_INFO' }, 'refused'],
    [Object.assign(new AggregateError([Object.assign(new Error('a'), { code: 'ETIMEDOUT' })]), {}), 'timeout'],
  ])('%j → %s', (error, expected) => {
    expect(classify(error as NodeJS.ErrnoException)).toBe(expected);
  });

  it('is never `refused` once the request had a connection: an unknown error after that is a reset', () => {
    expect(classify({ code: 'UND_ERR_INFO' } as NodeJS.ErrnoException, true)).toBe('reset');
    expect(classify({ code: 'ECONNREFUSED' } as NodeJS.ErrnoException, true)).toBe('reset');
    expect(classify({ code: 'ETIMEDOUT' } as NodeJS.ErrnoException, true)).toBe('timeout');
  });
});

describe('upstream answers', () => {
  it('sends once: a reset on a kept-alive connection (a handler that crashed on the event) is not retried, and is a reset', async () => {
    const answered = new Set<unknown>();
    // The app dies on the second request of a connection, after reading it: a second copy would reach a restarted
    // process or another cluster worker.
    const target = await app((request, res) => {
      if (answered.has(request.socket)) return void request.socket.destroy();
      answered.add(request.socket);
      res.writeHead(200).end(`answer ${answered.size}`);
    });
    expect(answer(await post(`${target.origin}/1`)).body.toString()).toBe('answer 1');
    const second = failure(await post(`${target.origin}/2`));
    expect([second.failure, second.message]).toEqual(['reset', 'the app closed the connection without answering']);
    expect(target.requests.map((r) => r.url)).toEqual(['/1', '/2']);
  });

  it('survives the app closing an idle kept-alive socket between two posts', async () => {
    const target = await app();
    expect(answer(await post(`${target.origin}/1`)).status).toBe(200);
    const first = target.requests[0]!.socket;
    first.end(); // the app's keep-alive timeout, now; 'close' once the relay has seen it and closed its side
    await once(first, 'close');
    expect(answer(await post(`${target.origin}/2`)).status).toBe(200);
    expect(target.requests).toHaveLength(2);
  });

  it('reaches `localhost` on whichever loopback the app listens on', async () => {
    for (const host of ['::1', '127.0.0.1'] as const) {
      const target = await app((_request, res) => res.writeHead(200).end(host), { host });
      const result = answer(await post(`http://localhost:${target.port}/webhook`));
      expect(result.body.toString()).toBe(host);
    }
  });

  it('hands a 3xx back instead of following it', async () => {
    const elsewhere = await app();
    const target = await app((_request, res) => res.writeHead(302, { Location: `${elsewhere.origin}/moved` }).end('moved'));
    const result = answer(await post(`${target.origin}/webhook`));
    expect([result.status, result.headers.location, result.body.toString()]).toEqual([302, `${elsewhere.origin}/moved`, 'moved']);
    expect(elsewhere.requests).toHaveLength(0);
  });

  it('drops the headers undici refuses to send (Expect, hop-by-hop ones) instead of failing the delivery', async () => {
    const target = await app();
    upstream = createUpstream();
    const body = Buffer.from('{}');
    const headers = { 'content-length': body.length, expect: '100-continue', 'keep-alive': 'timeout=5', 'x-kept': 'yes' };
    expect(answer(await upstream.post(new URL(`${target.origin}/webhook`), body, headers, 5000)).status).toBe(200);
    const request = await target.request(1);
    expect([request.headers.expect, request.headers['keep-alive'], request.headers['x-kept']]).toEqual([undefined, undefined, 'yes']);
  });

  it('sends the exact bytes and headers it is given', async () => {
    const target = await app();
    const body = '{"name":"Zoë 日本",  "x": 1}\n';
    answer(await post(`${target.origin}/webhook`, { body }));
    const request = await target.request(1);
    expect(request.method).toBe('POST');
    expect(request.body.equals(Buffer.from(body))).toBe(true);
    expect(request.headers['content-length']).toBe(String(Buffer.byteLength(body)));
  });
});
