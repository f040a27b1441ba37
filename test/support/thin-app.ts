/**
 * A webhook app for thin events (v2 event destinations), in the handlers a test needs:
 * - `verify` (the careful one): every body through the SDK's `stripe.parseEventNotification(rawBody, header,
 *   secret)`, 400 when it throws, 200 and the notification recorded when it does not;
 * - `both`: one URL for both kinds, told apart by the body's `object` before it is verified: a snapshot event
 *   through `stripe.webhooks.constructEvent`, a thin one through `parseEventNotification`;
 * - `skip` (the careless one): `parseEventNotificationWithoutVerification`, so anything parseable is taken;
 * - `construct`: thin events through `constructEvent`, which refuses every thin body, signed or not.
 */
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import Stripe from 'stripe';
import { afterEach } from 'vitest';
import { Recorder } from './recorder.js';

export type ThinHandler = 'verify' | 'both' | 'skip' | 'construct';

export interface ThinDelivery {
  rawBody: string;
  headers: IncomingHttpHeaders;
  /** What the SDK returned: a notification (thin) or an event (snapshot, with `both`). */
  event?: { id: string; object: string; type: string; [key: string]: unknown };
  verified: boolean;
  error?: string;
  status: number;
}

export type ThinApp = Awaited<ReturnType<typeof startThinApp>>;

export async function startThinApp(options: { secret: string; handler?: ThinHandler }) {
  const { secret, handler = 'verify' } = options;
  const stripe = new Stripe('sk_test_thin_app_never_calls_the_api');
  const deliveries = new Recorder<ThinDelivery>((d) => `${d.event?.type ?? '?'} [${d.event?.id ?? '?'}] ${d.status}`);
  const read = (rawBody: string, header: string): ThinDelivery['event'] => {
    switch (handler) {
      case 'skip':
        return stripe.parseEventNotificationWithoutVerification(rawBody) as unknown as ThinDelivery['event'];
      case 'construct':
        return stripe.webhooks.constructEvent(rawBody, header, secret) as unknown as ThinDelivery['event'];
      case 'both':
        if ((JSON.parse(rawBody) as { object?: unknown }).object !== 'v2.core.event') return stripe.webhooks.constructEvent(rawBody, header, secret) as unknown as ThinDelivery['event'];
        return stripe.parseEventNotification(rawBody, header, secret) as unknown as ThinDelivery['event'];
      case 'verify':
        return stripe.parseEventNotification(rawBody, header, secret) as unknown as ThinDelivery['event'];
    }
  };

  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const rawBody = Buffer.concat(chunks).toString('utf8');
    let event: ThinDelivery['event'];
    let error: string | undefined;
    try {
      event = read(rawBody, String(req.headers['stripe-signature'] ?? ''));
    } catch (caught) {
      error = caught instanceof Error ? caught.message : String(caught);
    }
    const status = error === undefined ? 200 : 400;
    deliveries.push({ rawBody, headers: req.headers, ...(event && { event }), verified: error === undefined && handler !== 'skip', ...(error !== undefined && { error }), status });
    res.writeHead(status, { 'Content-Type': 'application/json' }).end(JSON.stringify(error === undefined ? { received: true } : { error }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));

  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/thin`,
    deliveries: deliveries.items,
    async close(): Promise<void> {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** For a test file: starts thin apps that `afterEach` closes, a failed test's included. */
export function thinAppsPerTest(secret: string): (handler?: ThinHandler) => Promise<ThinApp> {
  const open: ThinApp[] = [];
  afterEach(async () => {
    await Promise.all(open.splice(0).map((app) => app.close()));
  });
  return async (handler) => {
    const app = await startThinApp({ secret, handler });
    open.push(app);
    return app;
  };
}
