/**
 * What a driver has delivered during a flow run, and how the app answered each
 * event. Steps claim the first unclaimed event of their type seen since a given
 * point; whatever no step claims is a side effect.
 */
import { is2xx } from '../lib/answer.js';
import type { SideEffect, StepFailure } from './report.js';

/** What a driver reports as it happens: an event sent to the app, then the app's answer to it. */
export type DriverEvent =
  | {
      kind: 'delivered';
      id: string;
      type: string;
      /** The id of the object the event is about (`data.object.id`), when the driver knows it. */
      objectId?: string;
    }
  | {
      kind: 'answered';
      id: string;
      /** When the answer came (Date.now()). */
      at: number;
      /** The app's HTTP status, or null when it gave none. */
      status: number | null;
      /** Why the delivery failed, in the driver's words; absent means the status alone decides. */
      error?: string;
      /** The class of that failure (given with `error`); absent means the status alone decides. */
      failure?: StepFailure;
      /** The delivery's own duration when the driver measures one (offline: the POSTs' round trips). */
      ms?: number;
      /** Where it was sent (the relay's route, the offline POST's URL). */
      url?: string;
      /** --serial sent it ahead of an event that arrived before it. */
      reordered?: boolean;
    };

export interface Seen {
  /** Arrival order, from 0. */
  seq: number;
  type: string;
  id: string;
  objectId?: string;
  claimed: boolean;
  /** The app's HTTP status, once it answered. */
  status: number | null;
  /** Why the delivery failed, if the driver said. */
  error: string | undefined;
  /** Its class, once answered: the driver's, else `status` for a non-2xx answer. */
  failure: StepFailure | undefined;
  /** When the app answered, once it did. */
  answeredAt: number | undefined;
  ms: number | undefined;
  /** Where it was sent, once answered (when the driver says). */
  url?: string;
  reordered?: boolean;
}

export class Inbox {
  readonly seen: Seen[] = [];
  private readonly byId = new Map<string, Seen>();
  /** Each object's first event, by arrival order (seq). */
  private readonly firstAbout = new Map<string, number>();
  private failure: { error: unknown } | undefined;

  /** `changed` is called after every change: an event, an answer, a failure. */
  constructor(private readonly changed: () => void = () => {}) {}

  push(event: DriverEvent): void {
    const known = this.byId.get(event.id);
    if (event.kind === 'delivered') {
      if (known) return; // a redelivery after a reconnect is the same event
      const seen: Seen = { seq: this.seen.length, type: event.type, id: event.id, claimed: false, status: null, error: undefined, failure: undefined, answeredAt: undefined, ms: undefined };
      if (event.objectId !== undefined) {
        seen.objectId = event.objectId;
        if (!this.firstAbout.has(event.objectId)) this.firstAbout.set(event.objectId, seen.seq);
      }
      this.seen.push(seen);
      this.byId.set(event.id, seen);
    } else {
      if (!known || known.answeredAt !== undefined) return;
      known.answeredAt = event.at;
      known.status = event.status;
      known.error = event.error;
      known.failure = event.failure ?? (event.error !== undefined || !is2xx(event.status) ? 'status' : undefined);
      known.ms = event.ms;
      if (event.url !== undefined) known.url = event.url;
      if (event.reordered) known.reordered = true;
    }
    this.changed();
  }

  /** The run cannot go on (the driver died, or the run was aborted): every waiter rejects with this. */
  fail(error: unknown): void {
    this.failure ??= { error };
    this.changed();
  }

  /** A point in the stream: events arriving from now on have seq >= mark. */
  get mark(): number {
    return this.seen.length;
  }

  /**
   * Claims the first unclaimed event of `type` with seq >= `from`; no later claim gets it.
   * `fired`: the step ran a trigger at `from`, so a `*.created` event about an object seen
   * before then is not its own: that object existed already (a late event of an earlier step).
   */
  claim(type: string, from: number, fired = false): Seen | undefined {
    // seq is the index in `seen`.
    for (let i = from; i < this.seen.length; i++) {
      const seen = this.seen[i]!;
      if (seen.claimed || seen.type !== type) continue;
      if (fired && type.endsWith('.created') && seen.objectId !== undefined && this.firstAbout.get(seen.objectId)! < from) continue;
      seen.claimed = true;
      return seen;
    }
    return undefined;
  }

  /** Throws the failure, if there was one. */
  assertAlive(): void {
    if (this.failure) throw this.failure.error;
  }

  /** Whether any delivered event still waits for the app's answer. */
  get waiting(): boolean {
    return this.seen.some((seen) => seen.answeredAt === undefined);
  }

  sideEffects(): SideEffect[] {
    return this.seen
      .filter((seen) => !seen.claimed)
      .map(({ type, id, url, status, failure, reordered }) => ({ type, eventId: id, ...(url !== undefined && { url }), status, ...(failure && { failure }), ...(reordered && { reordered }) }));
  }
}
