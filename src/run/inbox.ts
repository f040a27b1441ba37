/**
 * What the listener has forwarded during a flow run, and how the app answered
 * each event. Steps claim the first unclaimed event of their type seen since a
 * given point; whatever no step claims is a side effect.
 */
import type { ListenerEvent } from '../stripe-cli/listen.js';
import type { SideEffect } from './report.js';

export interface Seen {
  /** Arrival order, from 0. */
  seq: number;
  type: string;
  id: string;
  claimed: boolean;
  /** The app's HTTP status, once it answered. */
  status: number | null;
  /** Why the app could not be reached, if it could not. */
  unreachable?: string;
  answeredAt?: number;
}

export class Inbox {
  readonly seen: Seen[] = [];
  private readonly byId = new Map<string, Seen>();
  private failure: { error: unknown } | undefined;
  private readonly listeners = new Set<() => void>();

  push(event: ListenerEvent): void {
    if (event.kind === 'forwarded') {
      if (this.byId.has(event.id)) return; // a redelivery after a reconnect is the same event
      const seen: Seen = { seq: this.seen.length, type: event.type, id: event.id, claimed: false, status: null };
      this.seen.push(seen);
      this.byId.set(event.id, seen);
    } else if (event.kind === 'response' || event.kind === 'unreachable') {
      const seen = event.id === undefined ? undefined : this.byId.get(event.id);
      if (!seen || seen.answeredAt !== undefined) return;
      seen.answeredAt = event.at;
      if (event.kind === 'response') seen.status = event.status;
      else seen.unreachable = event.url ? `${event.reason} at ${event.url}` : event.reason;
    } else {
      return;
    }
    this.notify();
  }

  /** The listener is gone: every waiter rejects with this. */
  fail(error: unknown): void {
    this.failure ??= { error };
    this.notify();
  }

  /** A point in the stream: events arriving from now on have seq >= mark. */
  get mark(): number {
    return this.seen.length;
  }

  /** Claims the first unclaimed event of `type` with seq >= `from` (once claimed, the same one is returned). */
  claim(type: string, from: number): Seen | undefined {
    const found = this.seen.find((seen) => seen.seq >= from && !seen.claimed && seen.type === type);
    if (found) found.claimed = true;
    return found;
  }

  /** Calls `listener` after every change (an event, an answer, a failure); returns the unsubscribe. */
  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  }

  /** Throws the listener's failure, if it has failed. */
  assertAlive(): void {
    if (this.failure) throw this.failure.error;
  }

  /** Forwarded events the app has not answered yet. */
  get unanswered(): Seen[] {
    return this.seen.filter((seen) => seen.answeredAt === undefined);
  }

  sideEffects(): SideEffect[] {
    return this.seen.filter((seen) => !seen.claimed).map(({ type, id, status }) => ({ type, eventId: id, status }));
  }

  private notify(): void {
    for (const listener of [...this.listeners]) listener();
  }
}
