/**
 * The relay as the Stripe CLI and the app see it, over real HTTP on loopback: the token and the signature,
 * the bytes and headers both ways, and failures as 502/504 with a Delivery saying why.
 */
import { request as httpRequest } from 'node:http';
import { describe, expect, it } from 'vitest';
import { signatureHeader } from '../../src/offline/sign.js';
import { closedPort } from '../support/ports.js';
import { app, closeAfterEach, event, relayTo, send, SESSION_SECRET, stripeSignature } from '../support/relay-harness.js';

closeAfterEach();

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

  it('refuses with 403 what Stripe did not sign with the session secret, or signed over 300 s ago (the token is in argv)', async () => {
    const target = await app();
    const { relay, log, refused, diagnostics } = await relayTo(`${target.origin}/webhook`);
    const body = event('charge.succeeded');
    const old = Math.floor(Date.now() / 1000) - 301;
    for (const signature of [undefined, stripeSignature(body, 'whsec_' + 'd'.repeat(64)), stripeSignature(`${body} `), signatureHeader(body, SESSION_SECRET, old)]) {
      const reply = await send(relay.url('forward'), { body, sign: false, headers: signature === undefined ? {} : { 'Stripe-Signature': signature } });
      expect(reply.status).toBe(403);
      expect(reply.body.toString()).toMatch(/^stripe-hooks relay: (not signed by Stripe|signature too old)\n$/);
    }
    expect(refused).toEqual(['signature', 'signature', 'signature', 'stale']);
    expect(log.items).toEqual([]);
    expect(target.requests).toEqual([]);
    expect(diagnostics.join('\n')).not.toContain(relay.url('forward').split('/')[3]);
    const signed = await send(relay.url('forward'), { body });
    expect(signed.status).toBe(200);
    expect(target.requests).toHaveLength(1);
  });

  it('holds what arrives before the session secret is known, then lets through only what it signed', async () => {
    const target = await app();
    const { relay, log, refused, holding } = await relayTo(`${target.origin}/webhook`, { secret: null });
    const forged = send(relay.url('forward'), { body: event('charge.succeeded', { id: 'evt_forged' }), sign: false });
    const genuine = send(relay.url('forward'), { body: event('charge.succeeded', { id: 'evt_genuine' }) });
    // Both are held: nothing reaches the app or the record while the secret is unknown.
    await holding(2);
    expect([log.items, target.requests, refused]).toEqual([[], [], []]);
    relay.expectSignedBy(SESSION_SECRET);
    expect((await forged).status).toBe(403);
    expect((await genuine).status).toBe(200);
    expect(refused).toEqual(['signature']);
    expect(target.requests.map((request) => JSON.parse(request.body.toString()).id)).toEqual(['evt_genuine']);
    expect(log.items.map((entry) => `${entry.kind} ${entry.report.id}`)).toEqual(['received evt_genuine', 'delivery evt_genuine']);
  });

  it('answers 503 to what it still holds when the run ends before the secret is known', async () => {
    const target = await app();
    const { relay, refused, holding } = await relayTo(`${target.origin}/webhook`, { secret: null });
    const held = send(relay.url('forward'), { body: event('charge.succeeded') }).then((reply) => reply.status, (error: NodeJS.ErrnoException) => error.code);
    await holding(1);
    await relay.close();
    expect(await held).toBe(503);
    expect(refused).toEqual(['closed']);
    expect(target.requests).toEqual([]);
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

describe('the thin channel (a second stripe listen, for thin events)', () => {
  const THIN_SECRET = `whsec_${'7a'.repeat(32)}`;
  const thinEvent = (id: string, extra: Record<string, unknown> = {}) =>
    JSON.stringify({ id, object: 'v2.core.event', type: 'v1.billing.meter.no_meter_found', created: '2026-12-05T15:00:00.000Z', livemode: false, context: null, related_object: null, ...extra });

  it("admits each path only when signed with its own session's secret, and routes thin events to --thin-to", async () => {
    const target = await app();
    const { relay, log, refused } = await relayTo(`${target.origin}/webhook`, {
      channels: ['snapshot', 'thin'],
      routing: { forwardTo: `${target.origin}/webhook`, thinTo: `${target.origin}/thin`, routes: [] },
    });
    relay.expectSignedBy(THIN_SECRET, 'thin');
    const thin = thinEvent('evt_test_thin');
    const connect = thinEvent('evt_test_thinconnect', { context: 'acct_1' });
    // Crossed: each signed with the other session's secret.
    expect((await send(relay.url('thin'), { body: thin })).status).toBe(403);
    expect((await send(relay.url('forward'), { body: event('charge.succeeded'), headers: { 'Stripe-Signature': stripeSignature(event('charge.succeeded'), THIN_SECRET) } })).status).toBe(403);
    expect(refused).toEqual(['signature', 'signature']);
    expect((await send(relay.url('thin'), { body: thin, headers: { 'Stripe-Signature': stripeSignature(thin, THIN_SECRET) } })).status).toBe(200);
    expect((await send(relay.url('thin-connect'), { body: connect, headers: { 'Stripe-Signature': stripeSignature(connect, THIN_SECRET) } })).status).toBe(200);
    expect((await send(relay.url('forward'), { body: event('charge.succeeded', { id: 'evt_snap' }) })).status).toBe(200);
    expect(target.requests.map((request) => [request.url, JSON.parse(request.body.toString()).id])).toEqual([
      ['/thin', 'evt_test_thin'],
      ['/thin', 'evt_test_thinconnect'],
      ['/webhook', 'evt_snap'],
    ]);
    const delivered = log.items.flatMap((entry) => (entry.kind === 'delivery' ? [entry.report] : []));
    expect(delivered.map(({ id, thin: isThin, connect: isConnect, account }) => ({ id, thin: isThin, connect: isConnect, account }))).toEqual([
      { id: 'evt_test_thin', thin: true, connect: false, account: undefined },
      { id: 'evt_test_thinconnect', thin: true, connect: true, account: 'acct_1' },
      { id: 'evt_snap', thin: undefined, connect: false, account: undefined },
    ]);
  });

  it('refuses a channel no stripe listen forwards on as it refuses a wrong token', async () => {
    const target = await app();
    const { relay, refused } = await relayTo(`${target.origin}/webhook`);
    const thin = thinEvent('evt_test_nochannel');
    for (const path of ['thin', 'thin-connect'] as const) expect((await send(relay.url(path), { body: thin })).status).toBe(403);
    expect(refused).toEqual(['token', 'token']);
    expect(target.requests).toEqual([]);
  });
});

describe('forwarding', () => {
  const body = '{\n  "id": "evt_bytes",\n  "type": "customer.created",\n  "name": "Zoë Ångström 日本 🎉",\t"pad": "  "\n}\r\n';
  const stripeHeaders = {
    'User-Agent': 'Stripe/1.0 (+https://stripe.com/docs/webhooks)',
    'Content-Type': 'application/json; charset=utf-8',
    'Stripe-Signature': stripeSignature(body),
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
      const abandoned = event('a.b', { id: 'evt_abandoned' });
      const request = httpRequest(relay.url('forward'), { method: 'POST', agent: false, headers: { 'Stripe-Signature': stripeSignature(abandoned) } }, () => undefined);
      request.on('error', () => resolve());
      request.end(abandoned);
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
