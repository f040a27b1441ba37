/**
 * What the relay hands --record (its onRecord option), over real HTTP on loopback: the exact body as a string
 * that re-encodes to the same bytes, the headers as Stripe sent them, the app's answer or failure class; nothing
 * for requests it refused, and no body in the `Delivery` it reports.
 */
import { describe, expect, it } from 'vitest';
import { signatureHeader } from '../../src/offline/sign.js';
import type { RecordEntry } from '../../src/record/writer.js';
import { closedPort } from '../support/ports.js';
import { app, closeAfterEach, event, relayTo, send } from '../support/relay-harness.js';

closeAfterEach();

describe('the relay hands --record each request it forwarded', () => {
  it('the exact body (a BOM, multi-byte characters), the headers and the answer; only for requests that passed the checks', async () => {
    const target = await app((request, res) => void res.writeHead(request.url === '/webhook' ? 201 : 200).end('ok'));
    const recorded: RecordEntry[] = [];
    const { relay, delivered } = await relayTo(`${target.origin}/webhook`, { onRecord: (entry) => recorded.push(entry) });
    const secret = 'whsec_' + 'c'.repeat(64);
    // Before the session is known only the token is checked; with no token nothing is recorded.
    expect((await send(relay.url('forward').replace(/\/[0-9a-f]{32}\//, '/' + '0'.repeat(32) + '/'), { body: event('x.y') })).status).toBe(403);
    relay.expectSignedBy(secret);
    const body = `\uFEFF${event('customer.created', { livemode: true, name: 'Zoë 🧾', nested: { a: [1, 2] } }).replace('{', '{\n  ')}`;
    expect((await send(relay.url('forward'), { body, headers: { 'Stripe-Signature': `t=${Math.floor(Date.now() / 1000)},v1=bad` } })).status).toBe(403);
    const signed = await send(relay.url('forward'), { body, headers: { 'Stripe-Signature': signatureHeader(body, secret), 'Content-Type': 'application/json; charset=utf-8', 'X-Tenant': 'acme' } });
    expect(signed.status).toBe(201);

    const [delivery] = await delivered(1);
    expect(recorded).toHaveLength(1);
    const [entry] = recorded;
    expect(Buffer.from(entry!.body!, 'utf8').equals(Buffer.from(body, 'utf8'))).toBe(true);
    expect(entry!.body!.charCodeAt(0)).toBe(0xfeff); // the BOM is kept, not eaten by the decoder
    expect(entry).toMatchObject({ receivedAt: delivery!.receivedAt, answer: { status: 201 } });
    // With a BOM it is not JSON: no facts, so the recorder will refuse it as no event a replay could read.
    expect([entry!.id, entry!.type, entry!.livemode]).toEqual([undefined, undefined, undefined]);
    expect(entry!.headers).toMatchObject({ 'content-type': 'application/json; charset=utf-8', 'x-tenant': 'acme' });
    expect(entry!.answer.ms).toBe(delivery!.ms);
    expect(JSON.stringify(delivery)).not.toContain('Zoë'); // the body stays out of what the queues hold
  });

  it('a failure class when the app is down, and no string for a body that is not UTF-8', async () => {
    const down = `http://127.0.0.1:${await closedPort()}/webhook`;
    const recorded: RecordEntry[] = [];
    const { relay, delivered } = await relayTo(down, { onRecord: (entry) => recorded.push(entry) });
    await send(relay.url('forward'), { body: Buffer.concat([Buffer.from(event('charge.failed').slice(0, -1)), Buffer.from(',"x":"\xff\xfe"}', 'latin1')]) });
    await delivered(1);
    expect(recorded).toHaveLength(1);
    expect(recorded[0]).toMatchObject({ body: undefined, answer: { status: null, failure: 'refused' } });
  });

  it("an event's facts: id, type, livemode", async () => {
    const target = await app();
    const recorded: RecordEntry[] = [];
    const { relay, delivered } = await relayTo(`${target.origin}/webhook`, { onRecord: (entry) => recorded.push(entry) });
    const body = event('invoice.paid', { id: 'evt_live_1', livemode: true });
    await send(relay.url('forward'), { body });
    await delivered(1);
    expect(recorded[0]).toMatchObject({ body, id: 'evt_live_1', type: 'invoice.paid', livemode: true, answer: { status: 200 } });
  });
});
