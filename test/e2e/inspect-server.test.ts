/**
 * The inspector's server over real HTTP on 127.0.0.1 (src/inspect/server.ts): each refusal (no token, a foreign
 * Host, a cross-origin POST, no CSRF token), the page's CSP, the event stream refilled after Last-Event-ID, replay and
 * edited replay reaching a verifying app with a fresh signature, curl and export, the ring's drop count, and the
 * session's secret and the API key in no answer.
 */
import { request } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import type { InspectItem } from '../../src/inspect/item.js';
import { createSender } from '../../src/inspect/actions.js';
import { itemOf, type Exchange } from '../../src/inspect/item.js';
import { startInspector, type Inspector } from '../../src/inspect/server.js';
import { signatureHeader } from '../../src/offline/sign.js';
import { parseRecordingLine } from '../../src/record/format.js';
import { call, openEvents } from '../support/inspector-client.js';
import { startReceiver, type Receiver } from '../support/receiver.js';

const SECRET = 'whsec_inspectortestsecret0123456789abcdef';
const API_KEY = 'sk_test_inspectorapikey0123456789abcdefgh';

let inspector: Inspector | undefined;
let receiver: Receiver | undefined;
const streams: Array<{ close(): void }> = [];

afterEach(async () => {
  streams.splice(0).forEach((stream) => stream.close());
  await inspector?.close();
  await receiver?.close();
  inspector = receiver = undefined;
});

/** A delivery as the relay hands it over: the body Stripe sent, signed `ageS` seconds ago, and the app's answer. */
function exchange(n: number, url: string, ageS = 2): Exchange {
  const body = JSON.stringify({ id: `evt_inspect${n}`, object: 'event', type: 'customer.created', api_version: '2024-06-20', created: 1_700_000_000, livemode: false, data: { object: { id: `cus_${n}`, object: 'customer', note: 'Zoë 🧾' } } });
  const now = Date.now();
  return {
    delivery: { seq: n, id: `evt_inspect${n}`, type: 'customer.created', livemode: false, apiVersion: '2024-06-20', connect: false, url, receivedAt: now, status: 200, ms: 3.2, body: '' },
    at: now,
    body: Buffer.from(body),
    headers: { 'content-type': 'application/json; charset=utf-8', 'user-agent': 'Stripe/1.0', 'stripe-signature': signatureHeader(body, SECRET, Math.floor(now / 1000) - ageS), authorization: `Bearer ${API_KEY}` },
    answer: { status: 200, headers: { 'content-type': 'application/json', 'x-echo': SECRET }, body: Buffer.from(`{"ok":true,"leak":"${API_KEY}"}`) },
  };
}

async function started(options: { limit?: number; items?: number; url?: string } = {}) {
  const sender = createSender(SECRET, [API_KEY]);
  inspector = await startInspector({ mode: 'listen', limit: options.limit, sender: () => sender });
  for (let n = 0; n < (options.items ?? 3); n++) inspector.add(itemOf(exchange(n, options.url ?? 'http://127.0.0.1:9/webhook'), n, SECRET, [API_KEY]));
  const page = new URL(inspector.url);
  const token = page.searchParams.get('token')!;
  return { base: page.origin, token, host: page.host, port: page.port };
}

async function csrfOf(base: string, token: string): Promise<string> {
  const stream = openEvents(base, `/events?token=${token}`);
  streams.push(stream);
  const hello = await stream.next();
  stream.close();
  return (hello.data as { csrf: string }).csrf;
}

describe('the inspector server', () => {
  it('refuses a request without the token, with a foreign Host, a cross-origin POST and a POST without the CSRF token', async () => {
    const { base, token, port } = await started();
    for (const path of ['/', '/events', '/api/deliveries', '/api/deliveries/0', '/api/export', '/app.js']) {
      const none = await call(base, path);
      expect(none.status, path).toBe(403);
      expect(none.text).toMatch(/^stripe-hooks inspector: a missing or wrong token.*\n$/);
      expect((await call(base, `${path}${path.includes('?') ? '&' : '?'}token=${'0'.repeat(32)}`)).status, path).toBe(403);
    }
    const rebound = await call(base, `/api/deliveries?token=${token}`, { headers: { Host: `evil.example:${port}` } });
    expect(rebound.status).toBe(403);
    expect(rebound.text).toMatch(/Host header/);
    expect((await call(base, `/api/deliveries?token=${token}`, { headers: { Host: `127.0.0.1:${Number(port) + 1}` } })).status).toBe(403);
    expect((await call(base, `/api/deliveries?token=${token}`, { headers: { Host: `localhost:${port}` } })).status).toBe(200);
    expect((await call(base, '/api/deliveries', { headers: { 'X-Inspector-Token': token } })).status).toBe(200);

    const csrf = await csrfOf(base, token);
    const post = (headers: Record<string, string>) => call(base, `/api/deliveries/0/duplicate?token=${token}`, { method: 'POST', headers });
    const cross = await post({ 'X-CSRF-Token': csrf, Origin: 'http://evil.example' });
    expect(cross.status).toBe(403);
    expect(cross.text).toMatch(/cross-origin/);
    expect((await post({ 'X-CSRF-Token': csrf, Origin: base, 'Sec-Fetch-Site': 'cross-site' })).status).toBe(403);
    const noCsrf = await post({ Origin: base });
    expect(noCsrf.status).toBe(403);
    expect(noCsrf.text).toMatch(/X-CSRF-Token/);
    expect((await post({ 'X-CSRF-Token': 'f'.repeat(32) })).status).toBe(403);
    expect((await call(base, `/api/deliveries/0/replay?token=${token}`, { method: 'POST', headers: { 'X-CSRF-Token': csrf, Origin: base, 'Content-Type': 'application/json' }, body: '{"url":"http://127.0.0.1:9/x"}' })).status).toBe(200); // allowed: it answers with the failure
  });

  it('serves the page with a strict CSP and no inline script', async () => {
    const { base, token } = await started();
    const page = await call(base, `/?token=${token}`);
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    expect(page.headers['content-security-policy']).toMatch(/default-src 'self'; script-src 'self'; style-src 'self'/);
    expect(page.text).not.toMatch(/<script>(?!<\/script>)|<script(?![^>]*\bsrc=)[^>]*>[^<]/);
  });

  it('lists deliveries with the signature explained, and never shows the secret, the API key or the Stripe-Signature value', async () => {
    const { base, token } = await started();
    const list = await call(base, `/api/deliveries?token=${token}`);
    const { items, dropped } = JSON.parse(list.text) as { items: InspectItem[]; dropped: number };
    expect(dropped).toBe(0);
    expect(items.map((item) => item.seq)).toEqual([0, 1, 2]);
    const item = items[0]!;
    expect(item).toMatchObject({ kind: 'delivery', id: 'evt_inspect0', type: 'customer.created', status: 200, route: 'http://127.0.0.1:9/webhook', answer: { status: 200 } });
    expect(JSON.parse(item.event).data.object.note).toBe('Zoë 🧾');
    expect(item.signature).toMatchObject({ tolerance: 300, verifies: true });
    expect(item.signature!.v1).toHaveLength(1);
    expect(item.signature!.skewSeconds).toBeGreaterThanOrEqual(1);
    expect(item.request.headers['stripe-signature']).toBeUndefined();
    const one = await call(base, `/api/deliveries/1?token=${token}`);
    expect(JSON.parse(one.text).seq).toBe(1);
    expect((await call(base, `/api/deliveries/99?token=${token}`)).status).toBe(404);
    for (const text of [list.text, one.text, (await call(base, `/api/export?token=${token}`)).text, (await call(base, `/api/deliveries/0/curl?token=${token}`)).text]) {
      expect(text).not.toContain(SECRET);
      expect(text).not.toContain(API_KEY);
      expect(text).not.toContain(`t=${item.signature!.t},v1=${item.signature!.v1[0]}`); // the header itself: only its parsed parts are shown
    }
  });

  it('streams deliveries over SSE and refills from Last-Event-ID after a reconnect', async () => {
    const { base, token } = await started({ items: 3 });
    const first = openEvents(base, `/events?token=${token}`);
    streams.push(first);
    expect(await first.opened).toBe(200);
    const hello = await first.next();
    expect(hello.event).toBe('hello');
    expect(hello.data).toMatchObject({ mode: 'listen', limit: 1000, dropped: 0 });
    expect(((hello.data as { csrf: string }).csrf)).toMatch(/^[0-9a-f]{32}$/);
    for (const seq of [0, 1, 2]) expect(await first.next()).toMatchObject({ id: String(seq), event: 'delivery', data: { seq } });
    inspector!.add(itemOf(exchange(3, 'http://127.0.0.1:9/webhook'), 3, SECRET, [API_KEY]));
    expect(await first.next()).toMatchObject({ id: '3', event: 'delivery' });
    first.close();
    inspector!.add(itemOf(exchange(4, 'http://127.0.0.1:9/webhook'), 4, SECRET, [API_KEY]));
    inspector!.add(itemOf(exchange(5, 'http://127.0.0.1:9/webhook'), 5, SECRET, [API_KEY]));
    const again = openEvents(base, `/events?token=${token}`, { 'Last-Event-ID': '3' });
    streams.push(again);
    expect((await again.next()).event).toBe('hello');
    expect(await again.next()).toMatchObject({ id: '4', data: { seq: 4 } });
    expect(await again.next()).toMatchObject({ id: '5', data: { seq: 5 } });
  });

  it('keeps the last N and counts the dropped ones, in the list and on the stream', async () => {
    const { base, token } = await started({ limit: 2, items: 5 });
    const { items, dropped } = JSON.parse((await call(base, `/api/deliveries?token=${token}`)).text) as { items: Array<{ seq: number }>; dropped: number };
    expect(items.map((item) => item.seq)).toEqual([3, 4]);
    expect(dropped).toBe(3);
    expect((await call(base, `/api/deliveries/0?token=${token}`)).status).toBe(404);
    const stream = openEvents(base, `/events?token=${token}`);
    streams.push(stream);
    expect((await stream.next()).data).toMatchObject({ limit: 2, dropped: 3 });
    await stream.next();
    await stream.next();
    inspector!.add(itemOf(exchange(5, 'http://127.0.0.1:9/webhook'), 5, SECRET, [API_KEY]));
    expect(await stream.next()).toMatchObject({ event: 'dropped', data: { dropped: 4 } });
    expect(await stream.next()).toMatchObject({ event: 'delivery', data: { seq: 5 } });
  });

  it('cuts a stream whose reader stopped reading instead of buffering without end', async () => {
    const { base, token } = await started({ items: 0 });
    const cut = new Promise<void>((resolve, reject) => {
      const req = request(new URL(`/events?token=${token}`, base), (res) => {
        res.pause(); // a tab that stopped reading
        res.on('close', () => resolve());
        const big = exchange(0, 'http://127.0.0.1:9/webhook');
        big.answer!.body = Buffer.alloc(60 << 10, 'a');
        for (let n = 0; n < 400; n++) inspector!.add(itemOf({ ...big, delivery: { ...big.delivery, seq: n } }, n, SECRET, []));
      });
      req.on('error', reject);
      req.end();
    });
    await cut;
    expect((await call(base, `/api/deliveries?token=${token}`)).status).toBe(200); // the server is fine
  });

  it('replays to a verifying app with a fresh valid signature, as it was, duplicated and edited', async () => {
    receiver = await startReceiver({ secret: SECRET });
    const { base, token } = await started({ url: receiver.url });
    const csrf = await csrfOf(base, token);
    const post = (path: string, body?: unknown) =>
      call(base, `${path}?token=${token}`, { method: 'POST', headers: { 'X-CSRF-Token': csrf, Origin: base, 'Content-Type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });

    const before = Math.floor(Date.now() / 1000);
    const replayed = JSON.parse((await post('/api/deliveries/1/replay', {})).text) as { status: number; answer: { status: number; body: string } };
    expect(replayed).toMatchObject({ status: 200, answer: { status: 200, body: '{"received":true}' } });
    const first = await receiver.waitFor((d) => d.event?.id === 'evt_inspect1');
    expect(first.verified).toBe(true);
    expect(Number(/t=(\d+)/.exec(String(first.headers['stripe-signature']))![1])).toBeGreaterThanOrEqual(before); // fresh, not the original's
    expect(first.rawBody).toBe(exchange(1, receiver.url).body.toString());

    expect(JSON.parse((await post('/api/deliveries/1/duplicate')).text).status).toBe(200);
    await receiver.waitFor((d) => d !== first && d.event?.id === 'evt_inspect1');

    const edited = JSON.stringify({ ...JSON.parse(exchange(2, receiver.url).body.toString()), id: 'evt_inspectedited', type: 'customer.updated' }, null, 2);
    expect(JSON.parse((await post('/api/deliveries/2/replay', { event: edited })).text).status).toBe(200);
    const got = await receiver.waitFor('customer.updated');
    expect(got.verified).toBe(true);
    expect(got.rawBody).toBe(edited);

    const elsewhere = await startReceiver({ secret: SECRET });
    try {
      expect(JSON.parse((await post('/api/deliveries/0/replay', { url: elsewhere.url })).text)).toMatchObject({ status: 200, url: elsewhere.url });
      expect((await elsewhere.waitFor('customer.created')).verified).toBe(true);
    } finally {
      await elsewhere.close();
    }
    const bad = await post('/api/deliveries/0/replay', { event: '{not json' });
    expect(bad.status).toBe(400);
    expect(JSON.parse(bad.text).error).toMatch(/not JSON/);
  });

  it('gives a curl command that a verifying app accepts, and an export that reads back as a recording', async () => {
    receiver = await startReceiver({ secret: SECRET });
    const { base, token } = await started({ url: receiver.url });
    const { command } = JSON.parse((await call(base, `/api/deliveries/0/curl?token=${token}`)).text) as { command: string };
    expect(command).toMatch(/^curl .*Stripe-Signature: t=\d+,v1=[0-9a-f]{64}/);
    expect(command).not.toContain(SECRET);
    const { execa } = await import('execa');
    await execa('sh', ['-c', command]);
    expect((await receiver.waitFor('customer.created')).verified).toBe(true);

    const exported = await call(base, `/api/export?token=${token}&seq=0,2`);
    expect(exported.headers['content-type']).toMatch(/^application\/x-ndjson/);
    const lines = exported.text.trimEnd().split('\n').map((line) => parseRecordingLine(line));
    expect(lines.map((line) => line.id)).toEqual(['evt_inspect0', 'evt_inspect2']);
    expect(lines[0]!.body).toBe(exchange(0, receiver.url).body.toString());
    expect(lines[0]!.answer).toEqual({ status: 200, ms: 3.2 });
    expect(JSON.parse((await call(base, `/api/export?token=${token}`)).text.split('\n')[0]!).seq).toBe(0);
  });
});
