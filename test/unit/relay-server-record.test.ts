/**
 * What the relay reports and how it orders and stops, over real HTTP on loopback: the record of each delivery,
 * routing, --serial, close().
 */
import { gzipSync } from 'node:zlib';
import type { RecordEntry } from '../../src/record/writer.js';
import { describe, expect, it } from 'vitest';
import { app, closeAfterEach, event, relayTo, send } from '../support/relay-harness.js';
import { closed } from '../support/wire-app.js';

closeAfterEach();

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
  it('resolves promptly with a delivery in flight, cuts it, reports it once as interrupted, and sends nothing more', async () => {
    let calls = 0;
    const target = await app((_request, res) => {
      if (++calls === 1) res.writeHead(200).end('ok'); // the first opens a kept-alive connection; the second hangs on it
    });
    const records: RecordEntry[] = [];
    const { relay, deliveries } = await relayTo(`${target.origin}/webhook`, { onRecord: (entry) => records.push(entry) });
    expect((await send(relay.url('forward'), { body: event('a.b') })).status).toBe(200);
    const inFlight = send(relay.url('forward'), { body: event('a.b', { id: 'evt_in_flight' }) }).then(
      (reply) => reply.status,
      (error: NodeJS.ErrnoException) => error.code,
    );
    const hanging = await target.request(2);
    const started = performance.now();
    await relay.close();
    expect(performance.now() - started).toBeLessThan(1000);
    expect(await inFlight).toBe(503);
    await closed(hanging.socket);
    await new Promise((resolve) => setTimeout(resolve, 200)); // room for a wrongful retry or late report to show
    expect(target.requests).toHaveLength(2);
    expect(deliveries()).toHaveLength(2);
    expect(deliveries()[1]).toMatchObject({ id: 'evt_in_flight', seq: 1, status: null, failure: 'interrupted', error: 'the run ended before the app answered' });
    expect(records.map((entry) => [entry.id, entry.seq, entry.answer.failure])).toEqual([
      [expect.any(String), 0, undefined],
      ['evt_in_flight', 1, 'interrupted'],
    ]);
    await relay.close(); // twice is fine
    await expect(send(relay.url('forward'), { body: event('a.b') })).rejects.toMatchObject({ code: 'ECONNREFUSED' });
  });

  it('reports what --serial still holds as interrupted, in arrival order, and sends none of it', async () => {
    const target = await app();
    const records: RecordEntry[] = [];
    const { relay, log, received } = await relayTo(`${target.origin}/webhook`, { serial: { windowMs: 10_000 }, onRecord: (entry) => records.push(entry) });
    // Created in reverse: --serial would send the second first, had it the time.
    const waiting = [event('a.b', { id: 'evt_first', created: 20 }), event('a.b', { id: 'evt_second', created: 10 })].map(async (body, i) => {
      if (i === 1) await received(1);
      return send(relay.url('forward'), { body }).then((reply) => reply.status);
    });
    await received(2);
    await Promise.all([relay.close(), relay.close()]);
    expect(await Promise.all(waiting)).toEqual([503, 503]);
    expect(target.requests).toEqual([]);
    expect(log.items.map((entry) => `${entry.kind} ${entry.report.id} ${'failure' in entry.report ? entry.report.failure : ''}`.trim())).toEqual([
      'received evt_first',
      'received evt_second',
      'delivery evt_first interrupted',
      'delivery evt_second interrupted',
    ]);
    expect(records.map((entry) => [entry.id, entry.seq, entry.answer])).toEqual([
      ['evt_first', 0, { status: null, ms: expect.any(Number), failure: 'interrupted' }],
      ['evt_second', 1, { status: null, ms: expect.any(Number), failure: 'interrupted' }],
    ]);
  });
});
