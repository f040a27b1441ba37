/**
 * The end of a listen session as data: how many deliveries the app answered 2xx and how many it did not,
 * counted from the relayed events, with the recording's counts. `listen` prints it when it stops (Ctrl+C
 * included); the library's Listener.stop() resolves with it.
 */
import { is2xx } from '../lib/answer.js';
import type { RelayedEvent } from '../relay/listener.js';
import type { RecordSummary } from '../record/writer.js';

export interface ListenSummary {
  /** Deliveries the app answered with a 2xx. */
  delivered: number;
  /** Deliveries answered otherwise, or not at all (the app unreachable, timed out, …). */
  failed: number;
  /** Deliveries the run ended before the app answered (in flight, or held by --serial): not the app's failure. */
  interrupted: number;
  /** Requests the relay refused: without the run's token, or not signed with the session's secret. Never shown. */
  refused: number;
  /** With --record (the library's `record`). */
  record?: RecordSummary;
}

export function listenTally(): { add(event: RelayedEvent): void; summary(record?: RecordSummary): ListenSummary } {
  let delivered = 0;
  let failed = 0;
  let interrupted = 0;
  let refused = 0;
  return {
    add(event) {
      if (event.kind === 'refused') refused += 1;
      if (event.kind !== 'delivery') return;
      if (is2xx(event.delivery.status)) delivered += 1;
      else if (event.delivery.failure === 'interrupted') interrupted += 1;
      else failed += 1;
    },
    summary: (record) => ({ delivered, failed, interrupted, refused, ...(record && { record }) }),
  };
}
