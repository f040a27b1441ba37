/**
 * A webhook handler the way a careful app writes one: every delivery is verified with the
 * official SDK's `stripe.webhooks.constructEvent(rawBody, header, secret)` (a thin event
 * destination's, `thin: true`, with `stripe.parseEventNotification`, which refuses a snapshot
 * event as constructEvent refuses a thin one) and recorded.
 * Unverifiable deliveries get 400; verified ones get 200 unless the test set another status.
 */
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import Stripe from 'stripe';
import { afterEach } from 'vitest';
import { Recorder, type Match } from './recorder.js';

export interface Delivery {
  path: string;
  rawBody: string;
  headers: IncomingHttpHeaders;
  /** The event, from the SDK when verified, else parsed as plain JSON (undefined if not JSON). */
  event: { id: string; type: string; [key: string]: unknown } | undefined;
  verified: boolean;
  /** Why verification failed. */
  error?: string;
  /** What the receiver answered. */
  status: number;
}

export interface ReceiverOptions {
  /** The signing secret deliveries must verify with… */
  secret?: string;
  /** …or a function asked at each delivery (e.g. once `stripe listen` has printed it). */
  secretProvider?: () => string | undefined;
  /** The status for verified deliveries: one for all, per event type (default 200), or computed. */
  status?: number | Record<string, number> | ((event: NonNullable<Delivery['event']>) => number);
  /** Milliseconds to wait before answering, per event type: a slow app (e.g. to outlast a step timeout). */
  delayMs?: Record<string, number>;
  /** A thin event destination: verify with `parseEventNotification` (snapshot events then fail verification). */
  thin?: boolean;
}

export type Receiver = Awaited<ReturnType<typeof startReceiver>>;

function statusFor(options: ReceiverOptions, event: NonNullable<Delivery['event']>): number {
  const { status } = options;
  if (typeof status === 'number') return status;
  if (typeof status === 'function') return status(event);
  return status?.[event.type] ?? 200;
}

function parseLoosely(rawBody: string): Delivery['event'] {
  try {
    const value = JSON.parse(rawBody) as Delivery['event'];
    return value && typeof value === 'object' ? value : undefined;
  } catch {
    return undefined;
  }
}

export async function startReceiver(options: ReceiverOptions = {}) {
  // The SDK needs a key to construct, but webhook verification never touches the network.
  const stripe = new Stripe('sk_test_receiver_never_calls_the_api');
  const deliveries = new Recorder<Delivery>((d) => `${d.event?.type ?? '?'} [${d.event?.id ?? '?'}] ${d.verified ? 'verified' : `unverified: ${d.error}`}`);

  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const rawBody = Buffer.concat(chunks).toString('utf8');
    const secret = options.secret ?? options.secretProvider?.();
    const header = req.headers['stripe-signature'];
    let event: Delivery['event'];
    let error: string | undefined;
    try {
      if (!secret) throw new Error('the receiver has no signing secret yet');
      event = (options.thin ? stripe.parseEventNotification(rawBody, header ?? '', secret) : stripe.webhooks.constructEvent(rawBody, header ?? '', secret)) as unknown as Delivery['event'];
    } catch (caught) {
      error = caught instanceof Error ? caught.message : String(caught);
    }
    const verified = error === undefined;
    const status = verified && event ? statusFor(options, event) : 400;
    deliveries.push({ path: req.url ?? '/', rawBody, headers: req.headers, event: event ?? parseLoosely(rawBody), verified, error, status });
    const delay = event ? options.delayMs?.[event.type] : undefined;
    if (delay) await new Promise((resolve) => setTimeout(resolve, delay));
    res.writeHead(status, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify(verified ? { received: true } : { error }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    /** Where to forward: `http://127.0.0.1:PORT/webhook`. */
    url: `${base}/webhook`,
    base,
    deliveries: deliveries.items,
    /** The first delivery (already received or next) of this event type, or matching the predicate. */
    waitFor(match: string | Match<Delivery>, timeoutMs?: number): Promise<Delivery> {
      const test = typeof match === 'string' ? (d: Delivery) => d.event?.type === match : match;
      return deliveries.waitFor(test, `a delivery of ${typeof match === 'string' ? match : 'a matching event'}`, timeoutMs);
    },
    async close(): Promise<void> {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/**
 * For a test file: a function that starts a receiver (with `defaults` unless given options), every one of which
 * is closed after each test, a failed one included.
 */
export function receiversPerTest(defaults: ReceiverOptions = {}): (options?: ReceiverOptions) => Promise<Receiver> {
  const open: Receiver[] = [];
  afterEach(async () => {
    await Promise.all(open.splice(0).map((receiver) => receiver.close()));
  });
  return async (options = defaults) => {
    const receiver = await startReceiver(options);
    open.push(receiver);
    return receiver;
  };
}
