/**
 * `stripe listen` with the relay in front of the app: the Stripe CLI forwards
 * to the relay, the relay to each event's route. One stream of events comes
 * out: the CLI's readiness and errors (from its text), and every delivery
 * exactly (from the relay). This is what `listen` and `trigger-flow` run.
 */
import { AsyncQueue } from '../lib/async-queue.js';
import { spawnStripeListen, type StripeListenOptions } from '../stripe-cli/listen.js';
import type { CliErrorCategory } from '../stripe-cli/listen-lines.js';
import type { RecordEntry } from '../record/writer.js';
import type { Refusal } from './admission.js';
import type { Delivery, Received } from './delivery-facts.js';
import { startRelay, type RelayOptions } from './relay.js';
import type { Routing } from './routing.js';

export type RelayedEvent =
  | { kind: 'ready'; at: number; secret: string; apiVersion?: string }
  /** The Stripe CLI handed the relay an event; the app has not answered yet. */
  | { kind: 'received'; at: number; received: Received }
  /** The app answered, could not be reached, or the run ended first (`failure: 'interrupted'`). */
  | { kind: 'delivery'; at: number; delivery: Delivery }
  /** A request the relay refused (no token, not signed with the session's secret, …): never shown, counted. */
  | { kind: 'refused'; at: number; reason: Refusal }
  | { kind: 'cli-error'; at: number; category: CliErrorCategory; message: string };

export interface RelayedListenerOptions extends Omit<StripeListenOptions, 'forwardTo' | 'forwardConnectTo'> {
  routing: Routing;
  /** --serial with its reorder window. */
  serial?: { windowMs: number };
  /** How long the app has to answer (default: Stripe's 30 s). */
  forwardTimeoutMs?: number;
  skipVerify?: boolean;
  /** --inspect: each delivery whole (relay.ts `onExchange`). */
  onExchange?: RelayOptions['onExchange'];
  /** --record: where each request that passed the relay's checks goes, with every session's secret to keep out of it. */
  record?: RecordSink;
}

/** What --record needs from a run: each relayed request, and each signing secret as it is learnt (never to be written). */
export interface RecordSink {
  write(entry: RecordEntry): void;
  forbid(secret: string): void;
}

export interface RelayedListener {
  secret: string;
  apiVersion?: string;
  pid: number;
  /** Every event from the first `ready` on; ends after stop(), throws if the Stripe CLI dies on its own (or on abort). */
  events: AsyncIterable<RelayedEvent>;
  /** Stops the Stripe CLI (resolves once it is gone), then the relay. */
  stop(): Promise<void>;
}

export async function startRelayedListener(options: RelayedListenerOptions): Promise<RelayedListener> {
  const { routing, serial, forwardTimeoutMs, skipVerify, record, onExchange, ...listen } = options;
  const queue = new AsyncQueue<RelayedEvent>();
  const relay = await startRelay({
    routing,
    serial,
    timeoutMs: forwardTimeoutMs,
    skipVerify,
    onReceived: (received) => {
      // --verbose: when each event reached the relay, and where it goes (its answer is shown when it comes).
      options.log?.(`relay: took #${received.seq} ${received.type ?? '?'} [${received.id ?? '?'}] for ${received.url}`);
      queue.push({ kind: 'received', at: received.receivedAt, received });
    },
    onDelivery: (delivery) => queue.push({ kind: 'delivery', at: Date.now(), delivery }),
    onRefused: (reason) => queue.push({ kind: 'refused', at: Date.now(), reason }),
    onRecord: record && ((entry) => record.write(entry)),
    onExchange,
    log: options.log,
  });
  let listener;
  try {
    listener = await spawnStripeListen({ ...listen, forwardTo: relay.url('forward'), forwardConnectTo: relay.url('connect') });
  } catch (error) {
    await relay.close();
    throw error;
  }
  relay.expectSignedBy(listener.secret);
  record?.forbid(listener.secret);
  const stop = async () => {
    await listener.stop();
    await relay.close();
  };
  void (async () => {
    let failure: unknown;
    try {
      for await (const event of listener.events) {
        if (event.kind === 'ready') {
          relay.expectSignedBy(event.secret); // a reconnect could bring a new session
          record?.forbid(event.secret);
        }
        queue.push(event);
      }
    } catch (error) {
      failure = error;
    }
    // Closed before the stream ends, so the deliveries it cuts (reported `interrupted`) are in it.
    await relay.close();
    queue.end(failure);
  })();
  return { secret: listener.secret, apiVersion: listener.apiVersion, pid: listener.pid, events: queue, stop };
}
