/**
 * A `listen` session from start to stop: `stripe listen` behind the relay, started while the binary is proven;
 * the recording's lifecycle (its sink, the file discarded when the session never starts, closed when it stops);
 * and the counts of what was relayed, for the summary. The command renders the events and the summary.
 */
import { recordingSink, type RunRecording } from '../record/policy.js';
import { startRelayedListener, type RelayedEvent, type RelayedListenerOptions } from '../relay/listener.js';
import { startWhileProving, type Proof, type UnprovenCli } from '../stripe-cli/while-proving.js';
import { listenTally, type ListenSummary } from './summary.js';

export interface ListenSessionOptions {
  /** The Stripe CLI to run, still being proven (`stripe listen` starts meanwhile). */
  unproven: UnprovenCli;
  listener: Omit<RelayedListenerOptions, 'record' | 'signal'>;
  /** Aborting stops the session; the start then rejects with the signal's reason. */
  signal: AbortSignal;
  /** --record. */
  recording?: RunRecording;
}

export interface ListenSession {
  /** The session's signing secret. */
  secret: string;
  /** Thin events' secret, when their session has another one. */
  thinSecret?: string;
  /** What proving the binary found, when it arrives. */
  proven: Promise<Proof>;
  /** Every relayed event from `ready` on, counted as it passes; ends after stop(), throws if `stripe listen` dies. */
  events: AsyncIterable<RelayedEvent>;
  /** Stops `stripe listen` and the relay (a no-op when gone) and closes the recording; resolves with the counts. */
  stop(): Promise<ListenSummary>;
}

export async function startListenSession(options: ListenSessionOptions): Promise<ListenSession> {
  const { recording, listener } = options;
  const record = recording && recordingSink(recording.recorder, recording.onNotice);
  const { started, proven } = await startWhileProving(
    options.unproven,
    (bin, signal) => startRelayedListener({ ...listener, target: { ...listener.target, bin }, signal, record }),
    options.signal,
  ).catch((error: unknown) => {
    recording?.recorder.close({ discard: true }); // a session that never started leaves no file it created
    throw error;
  });
  const tally = listenTally();
  async function* counted(): AsyncGenerator<RelayedEvent> {
    for await (const event of started.events) {
      tally.add(event);
      yield event;
    }
  }
  let stopping: Promise<ListenSummary> | undefined;
  const stop = async () => {
    await started.stop();
    recording?.recorder.close(); // the relay is closed: nothing more comes
    return tally.summary(recording?.recorder.summary());
  };
  return { secret: started.secret, ...(started.thinSecret !== undefined && { thinSecret: started.thinSecret }), proven, events: counted(), stop: () => (stopping ??= stop()) };
}
