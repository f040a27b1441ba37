/**
 * The relay as the Stripe CLI and the app see it, over real HTTP on loopback: the token, the bytes and
 * headers both ways, failures as 502/504 with a Delivery saying why, the record, routing, --serial, close().
 */
import { once } from 'node:events';
import { gzipSync } from 'node:zlib';
import { request as httpRequest, type IncomingHttpHeaders, type OutgoingHttpHeaders } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { signatureHeader } from '../../src/offline/sign.js';
import type { Delivery, Received } from '../../src/relay/record.js';
import { startRelay, type Relay, type RelayOptions } from '../../src/relay/relay.js';
import { closedPort } from '../support/ports.js';
import { Recorder } from '../support/recorder.js';
import { startApp, type App, type Handler } from '../support/wire-app.js';

const apps: App[] = [];
let relay: Relay | undefined;

afterEach(async () => {
  await relay?.close();
  relay = undefined;
  await Promise.all(apps.splice(0).map((app) => app.close()));
});

async function app(handler?: Handler): Promise<App> {
  const started = await startApp(handler);
  apps.push(started);
  return started;
}

type Report = { kind: 'received'; report: Received } | { kind: 'delivery'; report: Delivery };

/** A relay whose reports land in `log`, in the order they were made. */
async function relayTo(forwardTo: string, options: Partial<RelayOptions> = {}) {
  const log = new Recorder<Report>(({ kind, report }) => `${kind} ${report.seq} ${report.id ?? '?'}`);
  const diagnostics: string[] = [];
  relay = await startRelay({
    routing: { forwardTo, routes: [] },
    onReceived: (report) => log.push({ kind: 'received', report }),
    onDelivery: (report) => log.push({ kind: 'delivery', report }),
    log: (text) => diagnostics.push(text),
    ...options,
  });
  const deliveries = () => log.items.flatMap((entry) => (entry.kind === 'delivery' ? [entry.report] : []));
  /** The deliveries once there are `n`. */
  const delivered = async (n: number) => {
    await log.waitFor(() => deliveries().length >= n, `${n} deliveries`);
    return deliveries();
  };
  /** Resolves once the relay has taken the n-th request (from 1). */
  const received = (n: number) => log.waitFor(() => log.items.filter((entry) => entry.kind === 'received').length >= n, `${n} received`);
  return { relay, log, diagnostics, deliveries, delivered, received };
}

interface Reply {
  status: number;
  headers: IncomingHttpHeaders;
  rawHeaders: string[];
  body: Buffer;
}

/** One request on its own connection, exactly as given (the Stripe CLI's side of the relay). */
function send(url: string, options: { method?: string; headers?: OutgoingHttpHeaders; body?: Buffer | string; chunked?: boolean } = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const body = options.body === undefined ? undefined : Buffer.from(options.body);
    const headers = { ...(body && !options.chunked && { 'Content-Length': body.length }), ...options.headers };
    const request = httpRequest(url, { method: options.method ?? 'POST', headers, agent: false }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => resolve({ status: response.statusCode!, headers: response.headers, rawHeaders: response.rawHeaders, body: Buffer.concat(chunks) }));
      response.on('error', reject);
    });
    request.on('error', reject);
    if (body && options.chunked) request.write(body);
    request.end(body && !options.chunked ? body : undefined);
  });
}

let nextId = 0;
function event(type: string, extra: Record<string, unknown> = {}): string {
  return JSON.stringify({ id: `evt_test_${++nextId}`, object: 'event', type, livemode: false, api_version: '2026-10-28.endive', created: 1_800_000_000, ...extra });
}

describe('the token', () => {
  it('refuses a request without the right token with 403, and records nothing', async () => {
    const target = await app();
    const { relay, log, diagnostics } = await relayTo(`${target.origin}/webhook`);
    const good = new URL(relay.url('forward'));
    const token = good.pathname.split('/')[1]!;
    const sameLength = token.replace(/^./, (c) => (c === '0' ? '1' : '0'));
    for (const path of ['/forward', '/', `/${'0'.repeat(31)}/forward`, `/${sameLength}/forward`, `/${token.toUpperCase()}/forward`, `/${token}`, `/${token}/other`, `/x/${token}/forward`]) {
      const reply = await send(`${good.origin}${path}`, { body: event('charge.succeeded') });
      expect([path, reply.status, reply.body.toString()]).toEqual([path, 403, 'stripe-hooks relay: forbidden\n']);
    }
    expect(log.items).toEqual([]);
    expect(target.requests).toEqual([]);
    expect(diagnostics.join('\n')).not.toContain(token);
    expect((await send(good.href, { body: event('charge.succeeded') })).status).toBe(200);
  });

  it('once told the session secret, refuses with 403 what Stripe did not sign with it (the token is in argv)', async () => {
    const target = await app();
    const { relay, log } = await relayTo(`${target.origin}/webhook`);
    const secret = 'whsec_' + 'c'.repeat(64);
    relay.expectSignedBy(secret);
    const body = event('charge.succeeded');
    for (const signature of [undefined, signatureHeader(body, 'whsec_' + 'd'.repeat(64)), signatureHeader(`${body} `, secret)]) {
      const reply = await send(relay.url('forward'), { body, headers: signature === undefined ? {} : { 'Stripe-Signature': signature } });
      expect([reply.status, reply.body.toString()]).toEqual([403, 'stripe-hooks relay: not signed by Stripe\n']);
    }
    expect(log.items).toEqual([]);
    expect(target.requests).toEqual([]);
    const signed = await send(relay.url('forward'), { body, headers: { 'Stripe-Signature': signatureHeader(body, secret) } });
    expect(signed.status).toBe(200);
    expect(target.requests).toHaveLength(1);
  });

  it('answers 405 to anything but POST, and records nothing', async () => {
    const target = await app();
    const { relay, log } = await relayTo(`${target.origin}/webhook`);
    for (const method of ['GET', 'PUT', 'DELETE']) {
      const reply = await send(relay.url('forward'), { method });
      expect([reply.status, reply.headers.allow]).toEqual([405, 'POST']);
    }
    expect(log.items).toEqual([]);
    expect(target.requests).toEqual([]);
  });
});

describe('forwarding', () => {
  const body = '{\n  "id": "evt_bytes",\n  "type": "customer.created",\n  "name": "Zoë Ångström 日本 🎉",\t"pad": "  "\n}\r\n';
  const stripeHeaders = {
    'User-Agent': 'Stripe/1.0 (+https://stripe.com/docs/webhooks)',
    'Content-Type': 'application/json; charset=utf-8',
    'Stripe-Signature': 't=1800000000,v1=5257a869e7ecebeda32affa62cdca3fa51cad7e77a0e56ff536d0ce8e108d8bd',
    Accept: '*/*; q=0.5, application/xml',
    'X-Custom': 'kept',
    Connection: 'keep-alive, X-Hop',
    'Keep-Alive': 'timeout=5',
    'X-Hop': 'named by Connection, so hop-by-hop',
    'Proxy-Authorization': 'Basic c2VjcmV0',
    TE: 'trailers',
  };

  it('sends the app the exact bytes and the end-to-end headers, with its own Host and the right length', async () => {
    const target = await app();
    const { relay } = await relayTo(`${target.origin}/webhook?x=1`);
    for (const chunked of [false, true]) {
      expect((await send(relay.url('forward'), { body, headers: stripeHeaders, chunked })).status).toBe(200);
      const got = await target.request(chunked ? 2 : 1);
      expect(got.url).toBe('/webhook?x=1');
      expect(got.body.equals(Buffer.from(body))).toBe(true);
      expect(got.headers).toMatchObject({
        host: `127.0.0.1:${target.port}`,
        'user-agent': stripeHeaders['User-Agent'],
        'content-type': stripeHeaders['Content-Type'],
        'stripe-signature': stripeHeaders['Stripe-Signature'],
        accept: stripeHeaders.Accept,
        'x-custom': 'kept',
        'content-length': String(Buffer.byteLength(body)),
      });
      for (const hop of ['keep-alive', 'x-hop', 'proxy-authorization', 'te', 'transfer-encoding']) expect(got.headers).not.toHaveProperty(hop);
    }
  });

  it('keeps a Host the caller set to something other than the relay (a --header Host: …)', async () => {
    const target = await app();
    const { relay } = await relayTo(`${target.origin}/webhook`);
    await send(relay.url('forward'), { body, headers: { Host: 'my-app.test' } });
    expect((await target.request(1)).headers.host).toBe('my-app.test');
  });

  it("hands the app's status, headers and body back byte-exact", async () => {
    const answer = Buffer.concat([Buffer.from('{"received":false,"why":"Zoë ✗"}\n'), Buffer.from([0xff, 0x00, 0x80])]);
    const target = await app((_request, res) => {
      res.setHeader('Set-Cookie', ['a=1', 'b=2']);
      res.writeHead(422, 'Unprocessable', { 'Content-Type': 'application/json', 'X-App': 'yes', Connection: 'keep-alive' });
      res.write(answer.subarray(0, 5)); // chunked, no length from the app
      res.end(answer.subarray(5));
    });
    const { relay } = await relayTo(`${target.origin}/webhook`);
    const reply = await send(relay.url('forward'), { body: event('charge.failed') });
    expect(reply.status).toBe(422);
    expect(reply.body.equals(answer)).toBe(true);
    expect(reply.headers).toMatchObject({ 'content-type': 'application/json', 'x-app': 'yes', 'set-cookie': ['a=1', 'b=2'], 'content-length': String(answer.length) });
    expect(reply.headers).not.toHaveProperty('transfer-encoding');
  });
});

describe('failures', () => {
  it('answers 502 with a clear body when the app is down, and records the event as refused', async () => {
    const port = await closedPort();
    const { relay, delivered } = await relayTo(`http://127.0.0.1:${port}/webhook`);
    const reply = await send(relay.url('forward'), { body: event('charge.succeeded', { id: 'evt_down' }) });
    expect(reply.status).toBe(502);
    expect(reply.headers['content-type']).toBe('text/plain; charset=utf-8');
    expect(reply.body.toString()).toBe(`stripe-hooks relay: nothing is listening at http://127.0.0.1:${port} (ECONNREFUSED)\n`);
    const [delivery] = await delivered(1);
    expect(delivery).toMatchObject({ id: 'evt_down', type: 'charge.succeeded', status: null, failure: 'refused', body: '' });
    expect(delivery!.error).toContain('nothing is listening');
    // The relay keeps going: the next event gets through once the app is up.
    const target = await app();
    relay.close().catch(() => undefined);
    const next = await relayTo(`${target.origin}/webhook`);
    expect((await send(next.relay.url('forward'), { body: event('charge.succeeded') })).status).toBe(200);
  });

  it('keeps taking deliveries after one failed', async () => {
    let up = false;
    const target = await app((request, res) => (up ? void res.writeHead(200).end('ok') : request.socket.destroy()));
    const { relay, delivered } = await relayTo(`${target.origin}/webhook`);
    expect((await send(relay.url('forward'), { body: event('a.b') })).status).toBe(502);
    up = true;
    expect((await send(relay.url('forward'), { body: event('a.b') })).status).toBe(200);
    expect((await delivered(2)).map((d) => [d.status, d.failure])).toEqual([
      [null, 'reset'],
      [200, undefined],
    ]);
  });

  it('answers 504 when the app is too slow, and records a timeout', async () => {
    const target = await app(() => undefined);
    const { relay, delivered } = await relayTo(`${target.origin}/webhook`, { timeoutMs: 300 });
    const reply = await send(relay.url('forward'), { body: event('charge.succeeded', { id: 'evt_slow' }) });
    expect([reply.status, reply.body.toString()]).toEqual([504, 'stripe-hooks relay: no answer within 0.3 s\n']);
    const [delivery] = await delivered(1);
    expect(delivery).toMatchObject({ id: 'evt_slow', status: null, failure: 'timeout' });
    expect(delivery!.ms).toBeGreaterThanOrEqual(290);
  });

  it('answers 413 to a body over the limit, without forwarding it', async () => {
    const target = await app();
    const { relay, log } = await relayTo(`${target.origin}/webhook`);
    const huge = Buffer.alloc((16 << 20) + 1, 0x20);
    expect((await send(relay.url('forward'), { body: huge })).status).toBe(413);
    expect((await send(relay.url('forward'), { body: huge, chunked: true })).status).toBe(413);
    expect(log.items).toEqual([]);
    expect(target.requests).toEqual([]);
  });

  it('records the answer of a delivery the caller gave up on, and keeps running', async () => {
    let answer: (() => void) | undefined;
    const target = await app((_request, res) => {
      if (answer) res.writeHead(200).end('next');
      else answer = () => void res.writeHead(200).end('late');
    });
    const { relay, delivered } = await relayTo(`${target.origin}/webhook`);
    const gaveUp = new Promise<void>((resolve) => {
      const request = httpRequest(relay.url('forward'), { method: 'POST', agent: false }, () => undefined);
      request.on('error', () => resolve());
      request.end(event('a.b', { id: 'evt_abandoned' }));
      void target.request(1).then(() => request.destroy());
    });
    await gaveUp;
    await new Promise((resolve) => setTimeout(resolve, 50)); // for the relay to see the caller's socket close: nothing to await
    answer!();
    expect((await delivered(1))[0]).toMatchObject({ id: 'evt_abandoned', status: 200, body: 'late' });
    expect((await send(relay.url('forward'), { body: event('a.b') })).status).toBe(200);
  });

  it('survives a report callback that throws, serial or not', async () => {
    const target = await app();
    for (const serial of [undefined, { windowMs: 0 }]) {
      const { relay, diagnostics } = await relayTo(`${target.origin}/webhook`, {
        serial,
        onDelivery: () => {
          throw new Error('a consumer bug');
        },
      });
      expect((await send(relay.url('forward'), { body: event('a.b') })).status).toBe(200);
      expect((await send(relay.url('forward'), { body: event('a.b') })).status).toBe(200);
      await relay.close();
      expect(diagnostics).toEqual(['relay: Error: a consumer bug', 'relay: Error: a consumer bug']);
    }
  });
});

describe('the record', () => {
  it('reports each delivery as received, then answered, with its facts and increasing seq', async () => {
    const target = await app((request, res) => void res.writeHead(request.url === '/connect' ? 202 : 200).end('ok'));
    const { relay, log, delivered } = await relayTo(`${target.origin}/webhook`, {
      routing: { forwardTo: `${target.origin}/webhook`, forwardConnectTo: `${target.origin}/connect`, routes: [] },
    });
    await Promise.all([
      send(relay.url('forward'), { body: event('customer.created', { id: 'evt_a', created: 1_800_000_001 }) }),
      send(relay.url('connect'), { body: event('account.updated', { id: 'evt_b', account: 'acct_123', livemode: true, api_version: null }) }),
      send(relay.url('forward'), { body: 'not json' }),
    ]);
    await delivered(3);
    for (let seq = 0; seq < 3; seq++) {
      const entries = log.filter((entry) => entry.report.seq === seq).map((entry) => entry.kind);
      expect(entries).toEqual(['received', 'delivery']);
    }
    const bySeq = (await delivered(3)).sort((a, b) => a.seq - b.seq);
    const byId = Object.fromEntries(bySeq.map((d) => [d.id ?? 'none', d]));
    expect(byId.evt_a).toMatchObject({ type: 'customer.created', livemode: false, apiVersion: '2026-10-28.endive', created: 1_800_000_001, connect: false, url: `${target.origin}/webhook`, status: 200, body: 'ok' });
    expect(byId.evt_b).toMatchObject({ type: 'account.updated', livemode: true, account: 'acct_123', apiVersion: null, connect: true, url: `${target.origin}/connect`, status: 202 });
    expect(byId.none).toMatchObject({ connect: false, status: 200 });
    expect(byId.none!.type).toBeUndefined();
    expect(bySeq.map((d) => d.seq)).toEqual([0, 1, 2]);
  });

  it('keeps the first 2 KiB of the answer, cut on a character boundary, with secrets masked', async () => {
    const secret = 'sk_test_51AbCdEfGhIjKlMnOpQrStUvWx';
    const answer = `{"error":"bad key ${secret}"} ${'x'.repeat(2048 - 3 - `{"error":"bad key ${secret}"} `.length)}ab€ and more`;
    expect(Buffer.from(answer).subarray(0, 2048).toString().endsWith('ab\uFFFD')).toBe(true); // 2048 cuts the €
    const target = await app((_request, res) => void res.writeHead(500).end(answer));
    const { relay, delivered } = await relayTo(`${target.origin}/webhook`);
    const reply = await send(relay.url('forward'), { body: event('charge.failed') });
    expect(reply.body.toString()).toBe(answer); // the CLI still gets it all
    const [delivery] = await delivered(1);
    expect(delivery!.body).not.toContain(secret);
    expect(delivery!.body.startsWith('{"error":"bad key sk_test_…UvWx"} xxx')).toBe(true);
    expect(delivery!.body.endsWith('xab')).toBe(true);
    expect(Buffer.byteLength(delivery!.body)).toBeLessThanOrEqual(2048);
  });

  it('hands a gzip answer back coded, as the Stripe CLI asked, and records it decoded', async () => {
    const coded = gzipSync('{"error":"No signatures found matching the expected signature for payload"}');
    const target = await app((_request, res) => void res.writeHead(400, { 'Content-Type': 'application/json', 'Content-Encoding': 'gzip' }).end(coded));
    const { relay, delivered } = await relayTo(`${target.origin}/webhook`);
    const reply = await send(relay.url('forward'), { body: event('charge.failed'), headers: { 'Accept-Encoding': 'gzip' } });
    expect([reply.status, reply.headers['content-encoding'], reply.body.equals(coded)]).toEqual([400, 'gzip', true]);
    expect(target.requests[0]!.headers['accept-encoding']).toBe('gzip'); // the Stripe CLI's own, passed on
    expect((await delivered(1))[0]!.body).toBe('{"error":"No signatures found matching the expected signature for payload"}');
  });
});

describe('routing', () => {
  it("sends each event to its route's URL and records it", async () => {
    const main = await app();
    const billing = await app();
    const { relay, delivered } = await relayTo(`${main.origin}/webhook`, {
      routing: { forwardTo: `${main.origin}/webhook`, routes: [{ glob: 'invoice.*', url: `${billing.origin}/billing` }] },
    });
    await send(relay.url('forward'), { body: event('invoice.paid', { id: 'evt_inv' }) });
    await send(relay.url('forward'), { body: event('customer.created', { id: 'evt_cus' }) });
    expect(billing.requests.map((r) => [r.url, JSON.parse(r.body.toString()).id])).toEqual([['/billing', 'evt_inv']]);
    expect(main.requests.map((r) => [r.url, JSON.parse(r.body.toString()).id])).toEqual([['/webhook', 'evt_cus']]);
    expect((await delivered(2)).map((d) => [d.id, d.url])).toEqual([
      ['evt_inv', `${billing.origin}/billing`],
      ['evt_cus', `${main.origin}/webhook`],
    ]);
  });
});

describe('--serial', () => {
  it('delivers reversed events in created order, one at a time, and says which it reordered', async () => {
    const steps: string[] = [];
    const target = await app((request, res) => {
      const { type } = JSON.parse(request.body.toString()) as { type: string };
      steps.push(`start ${type}`);
      setTimeout(() => {
        steps.push(`end ${type}`);
        res.writeHead(200).end(type);
      }, 30);
    });
    const { relay, received, delivered } = await relayTo(`${target.origin}/webhook`, { serial: { windowMs: 300 } });
    const updated = send(relay.url('forward'), { body: event('customer.subscription.updated', { created: 1_800_000_101 }) });
    await received(1);
    const created = send(relay.url('forward'), { body: event('customer.subscription.created', { created: 1_800_000_100 }) });
    expect((await created).body.toString()).toBe('customer.subscription.created');
    expect((await updated).body.toString()).toBe('customer.subscription.updated');
    expect(steps).toEqual(['start customer.subscription.created', 'end customer.subscription.created', 'start customer.subscription.updated', 'end customer.subscription.updated']);
    expect((await delivered(2)).map((d) => [d.type, d.seq, d.reordered])).toEqual([
      ['customer.subscription.created', 1, true],
      ['customer.subscription.updated', 0, undefined],
    ]);
  });
});

describe('close()', () => {
  it('resolves promptly with a delivery in flight, cuts it, and reports nothing more', async () => {
    let calls = 0;
    const target = await app((_request, res) => {
      if (++calls === 1) res.writeHead(200).end('ok'); // the first opens a kept-alive connection; the second hangs on it
    });
    const { relay, deliveries } = await relayTo(`${target.origin}/webhook`);
    expect((await send(relay.url('forward'), { body: event('a.b') })).status).toBe(200);
    const inFlight = send(relay.url('forward'), { body: event('a.b') }).then(
      (reply) => reply.status,
      (error: NodeJS.ErrnoException) => error.code,
    );
    const hanging = await target.request(2);
    const started = performance.now();
    await relay.close();
    expect(performance.now() - started).toBeLessThan(1000);
    expect(await inFlight).toBe('ECONNRESET');
    if (!hanging.socket.destroyed) await once(hanging.socket, 'close');
    await new Promise((resolve) => setTimeout(resolve, 200)); // room for a wrongful retry or late report to show
    expect(target.requests).toHaveLength(2);
    expect(deliveries()).toHaveLength(1);
    await relay.close(); // twice is fine
    await expect(send(relay.url('forward'), { body: event('a.b') })).rejects.toMatchObject({ code: 'ECONNREFUSED' });
  });

  it('drops what --serial still holds, answering nothing', async () => {
    const target = await app();
    const { relay, log, received } = await relayTo(`${target.origin}/webhook`, { serial: { windowMs: 10_000 } });
    const waiting = send(relay.url('forward'), { body: event('a.b') }).catch((error: NodeJS.ErrnoException) => error.code);
    await received(1);
    await Promise.all([relay.close(), relay.close()]);
    expect(await waiting).toBe('ECONNRESET');
    expect(target.requests).toEqual([]);
    expect(log.items.map((entry) => entry.kind)).toEqual(['received']);
  });
});
