// The app on a free loopback port, driven by the stripe-hooks API: the payment flow as correctly signed
// events, at-least-once delivery, and the handler audit. Offline: no Stripe account, no network.
import { once } from 'node:events';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { auditHandler, deliverFlow } from 'stripe-hooks';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createApp } from '../src/app.js';
import { createShop } from '../src/shop.js';

// Any secret works: the app verifies with the one it was given, and stripe-hooks signs with the same.
const secret = 'whsec_expressExampleTestSecret0123456789';
let server: Server;
let url: string;
let shop: ReturnType<typeof createShop>;

beforeEach(async () => {
  shop = createShop();
  server = createApp({ secret, shop }).listen(0, '127.0.0.1');
  await once(server, 'listening');
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhook`;
});

afterEach(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

describe('the webhook endpoint', () => {
  it('acknowledges every event of the payment flow, in order', async () => {
    const report = await deliverFlow({ flow: 'payment', url, secret, seed: 1 });
    expect(report.ok).toBe(true);
    expect(report.steps.map((step) => step.status)).toEqual(Array(9).fill(200));
    await shop.settled();
    expect(shop.fulfilled).toHaveLength(1);
  });

  it('fulfils the order once when every event is delivered twice', async () => {
    const report = await deliverFlow({ flow: 'payment', url, secret, duplicate: true });
    expect(report.ok).toBe(true);
    await shop.settled();
    expect(shop.fulfilled).toHaveLength(1);
    expect(shop.fulfilled[0]).toMatch(/^pi_/);
  });

  it('passes the handler audit: forged, unsigned, stale and tampered events refused, duplicates acknowledged', async () => {
    const audit = await auditHandler({ url, secret });
    expect(audit.checks.filter((check) => !check.ok)).toEqual([]);
    expect(audit.ok).toBe(true);
  });

  it('refuses events signed with another secret', async () => {
    const report = await deliverFlow({ flow: 'payment', url, secret: 'whsec_notTheAppsSecret0123456789abcd' });
    expect(report.ok).toBe(false);
    expect(report.steps[0]?.status).toBe(400);
    await shop.settled();
    expect(shop.fulfilled).toEqual([]);
  });
});
