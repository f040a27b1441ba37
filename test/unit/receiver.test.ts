/**
 * The receiver fixture on its own: it accepts exactly what Stripe's SDK accepts.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { buildEvent, signatureHeader } from '../support/fake-stripe/events.js';
import { startReceiver, type Receiver } from '../support/receiver.js';

let receiver: Receiver | undefined;

afterEach(async () => {
  await receiver?.close();
  receiver = undefined;
});

const SECRET = 'whsec_receiver_unit_test';

async function deliver(url: string, type: string, sign: (payload: string) => string) {
  const payload = JSON.stringify(buildEvent(type, { id: 'cus_1', object: 'customer' }, '2026-10-28.endive'), null, 2);
  const response = await fetch(url, { method: 'POST', body: payload, headers: { 'Content-Type': 'application/json', 'Stripe-Signature': sign(payload) } });
  return response.status;
}

describe('startReceiver', () => {
  it('verifies with the SDK, answers per event type, and rejects forged, stale or re-serialised bodies', async () => {
    let secret: string | undefined = undefined; // the receiver reads it on each delivery: none yet
    receiver = await startReceiver({ secretProvider: () => secret, status: { 'customer.deleted': 503 } });
    expect(await deliver(receiver.url, 'customer.created', (p) => signatureHeader(p, SECRET))).toBe(400); // no secret yet
    secret = SECRET;
    expect(await deliver(receiver.url, 'customer.created', (p) => signatureHeader(p, SECRET))).toBe(200);
    expect(await deliver(receiver.url, 'customer.deleted', (p) => signatureHeader(p, SECRET))).toBe(503);
    expect(await deliver(receiver.url, 'customer.updated', (p) => signatureHeader(p, 'whsec_forged'))).toBe(400);
    expect(await deliver(receiver.url, 'customer.updated', (p) => signatureHeader(p, SECRET, Math.floor(Date.now() / 1000) - 600))).toBe(400);
    expect(await deliver(receiver.url, 'customer.updated', (p) => signatureHeader(JSON.stringify(JSON.parse(p)), SECRET))).toBe(400);
    expect(receiver.deliveries.map((d) => [d.event?.type, d.verified, d.status])).toEqual([
      ['customer.created', false, 400],
      ['customer.created', true, 200],
      ['customer.deleted', true, 503],
      ['customer.updated', false, 400],
      ['customer.updated', false, 400],
      ['customer.updated', false, 400],
    ]);
    expect((await receiver.waitFor((d) => d.verified && d.event?.type === 'customer.created')).status).toBe(200);
  });

  it('records a delivery on arrival and answers a slow type later', async () => {
    receiver = await startReceiver({ secret: SECRET, delayMs: { 'invoice.paid': 40 } });
    const answered = deliver(receiver.url, 'invoice.paid', (p) => signatureHeader(p, SECRET));
    const arrived = await receiver.waitFor('invoice.paid');
    const started = Date.now();
    expect(arrived.verified).toBe(true);
    expect(await answered).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(30);
  });
});
