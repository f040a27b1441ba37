/**
 * `stripe listen` with the relay in front of the app: the Stripe CLI forwards
 * to the relay, the relay to each event's route. One stream of events comes
 * out: the CLI's readiness and errors (from its text), and every delivery
 * exactly (from the relay). This is what `listen` and `trigger-flow` run.
 *
 * Snapshot and thin events take one `stripe listen` each (stripe-cli/listen-selection.ts says why), started
 * together, each forwarding to its own relay paths and admitted with its own session's secret; the run is
 * ready once both are, and ends when either dies.
 */
import { AsyncQueue } from '../lib/async-queue.js';
import { spawnStripeListen, type StripeListen, type StripeListenOptions } from '../stripe-cli/listen.js';
import type { CliErrorCategory } from '../stripe-cli/listen-lines.js';
import { splitSelection, type EventSelection } from '../stripe-cli/listen-selection.js';
import type { RecordEntry } from '../record/writer.js';
import type { Refusal } from './admission.js';
import type { Delivery, Received } from './delivery-facts.js';
import { startRelay, type Channel, type Relay, type RelayOptions } from './relay.js';
import type { Routing } from './routing.js';

export type RelayedEvent =
  /** Ready (again, after a reconnect: the secrets then in force). `thinSecret`: thin events' secret, when it is another one. */
  | { kind: 'ready'; at: number; secret: string; apiVersion?: string; thinSecret?: string }
  /** The Stripe CLI handed the relay an event; the app has not answered yet. */
  | { kind: 'received'; at: number; received: Received }
  /** The app answered, could not be reached, or the run ended first (`failure: 'interrupted'`). */
  | { kind: 'delivery'; at: number; delivery: Delivery }
  /** A request the relay refused (no token, not signed with the session's secret, …): never shown, counted. */
  | { kind: 'refused'; at: number; reason: Refusal }
  | { kind: 'cli-error'; at: number; category: CliErrorCategory; message: string };

export interface RelayedListenerOptions extends Omit<StripeListenOptions, 'forwardTo' | 'forwardConnectTo' | 'events' | 'thin'>, EventSelection {
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
  /** The signing secret of the session for snapshot events (of the thin one when only thin events are selected). */
  secret: string;
  /** Thin events' secret, when a second session forwards them with a secret of its own. */
  thinSecret?: string;
  apiVersion?: string;
  /** Each `stripe listen`'s pid (two when snapshot and thin events are both selected). */
  pids: readonly number[];
  /** Every event from the first `ready` on; ends after stop(), throws if a Stripe CLI dies on its own (or on abort). */
  events: AsyncIterable<RelayedEvent>;
  /** Stops the Stripe CLI (resolves once it is gone), then the relay. */
  stop(): Promise<void>;
}

interface Session {
  channel: Channel;
  listen: StripeListen;
}

export async function startRelayedListener(options: RelayedListenerOptions): Promise<RelayedListener> {
  const { routing, serial, forwardTimeoutMs, skipVerify, record, onExchange, events, allThin, ...listen } = options;
  const split = splitSelection({ events, allThin });
  const channels = (['snapshot', 'thin'] as const).filter((channel) => split[channel] !== undefined);
  if (channels.length === 0) channels.push('snapshot'); // an empty list: buildListenArgs says what to pass
  const queue = new AsyncQueue<RelayedEvent>();
  const relay = await startRelay({
    routing,
    channels,
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
  const sessions = await startSessions(relay, channels, (channel) => ({
    ...listen,
    events: split[channel] ?? [],
    thin: channel === 'thin',
  })).catch(async (error: unknown) => {
    await relay.close();
    throw error;
  });
  const secrets = new Map<Channel, string>();
  const learn = (channel: Channel, secret: string) => {
    secrets.set(channel, secret);
    relay.expectSignedBy(secret, channel);
    record?.forbid(secret);
  };
  for (const { channel, listen: started } of sessions) learn(channel, started.secret);
  const first = sessions[0]!.listen;
  const ready = (at: number, apiVersion?: string): Extract<RelayedEvent, { kind: 'ready' }> => {
    const secret = secrets.get(channels[0]!)!;
    const thin = secrets.get('thin');
    return { kind: 'ready', at, secret, ...(apiVersion !== undefined && { apiVersion }), ...(thin !== undefined && thin !== secret && { thinSecret: thin }) };
  };
  const stop = async () => {
    await Promise.all(sessions.map(({ listen: started }) => started.stop()));
    await relay.close();
  };
  queue.push(ready(Date.now(), first.apiVersion));
  void Promise.all(
    sessions.map(async ({ channel, listen: started }) => {
      let initial = true; // its first `ready`: the one said above for all of them
      for await (const event of started.events) {
        if (event.kind !== 'ready') queue.push(event);
        else if (initial) initial = false;
        else {
          learn(channel, event.secret); // a reconnect could bring a new session
          queue.push(ready(event.at, event.apiVersion ?? first.apiVersion));
        }
      }
    }),
  ).then(
    () => end(),
    async (error: unknown) => {
      await Promise.all(sessions.map(({ listen: started }) => started.stop())); // one died: the run is over
      await end(error);
    },
  );
  async function end(failure?: unknown): Promise<void> {
    // Closed before the stream ends, so the deliveries it cuts (reported `interrupted`) are in it.
    await relay.close();
    queue.end(failure);
  }
  const { secret, thinSecret } = ready(0);
  return { secret, ...(thinSecret !== undefined && { thinSecret }), apiVersion: first.apiVersion, pids: sessions.map(({ listen: started }) => started.pid), events: queue, stop };
}

const URLS = { snapshot: ['forward', 'connect'], thin: ['thin', 'thin-connect'] } as const;

/**
 * One `stripe listen` per channel, started together. The first to fail fails the start: the others are aborted
 * (or stopped, when already ready) and waited for, and its error is thrown.
 */
async function startSessions(relay: Relay, channels: readonly Channel[], args: (channel: Channel) => Omit<StripeListenOptions, 'forwardTo' | 'forwardConnectTo'>): Promise<Session[]> {
  const abandon = new AbortController();
  let failure: { error: unknown } | undefined;
  const attempts = channels.map(async (channel) => {
    const options = args(channel);
    const signal = options.signal ? AbortSignal.any([options.signal, abandon.signal]) : abandon.signal;
    try {
      return { channel, listen: await spawnStripeListen({ ...options, signal, forwardTo: relay.url(URLS[channel][0]), forwardConnectTo: relay.url(URLS[channel][1]) }) };
    } catch (error) {
      failure ??= { error }; // the first: the others then fail with the abort below
      abandon.abort(error);
      throw error;
    }
  });
  const settled = await Promise.allSettled(attempts);
  if (!failure) return settled.map((result) => (result as PromiseFulfilledResult<Session>).value);
  await Promise.all(settled.flatMap((result) => (result.status === 'fulfilled' ? [result.value.listen.stop()] : [])));
  throw failure.error;
}
