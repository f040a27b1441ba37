/**
 * The library's Listener event stream: `listen --json`'s objects plus what only a program needs told as
 * events (an event the recording left out, the recording stopping, events dropped while nobody read), kept
 * in a bounded queue, and `waitFor` for the next matching delivery, fed before the queue so the bound
 * never hides a delivery from it.
 */
import { abortError, FailedError } from '../errors.js';
import { AsyncQueue } from '../lib/async-queue.js';
import type { RecordNotice, SkipReason } from '../record/policy.js';
import type { ListenDelivery, ListenJsonEvent } from './json.js';

/** An event the recording left out: `livemode` (no `live: true`), `secret` (it holds the key or a signing secret), `not-event`, `too-large` (a line over 16 MiB). */
export interface ListenRecordSkipped {
  kind: 'record-skipped';
  time: string;
  reason: SkipReason;
  id?: string;
  type?: string;
}

/** The recording stopped (a failed write: the disk full, …); the listener goes on. */
export interface ListenRecordFailed {
  kind: 'record-failed';
  time: string;
  error: string;
}

/** `count` events were dropped, the oldest first, because more than QUEUE_LIMIT waited unread; read where the gap is. */
export interface ListenDropped {
  kind: 'dropped';
  time: string;
  count: number;
}

export type ListenerEvent = ListenJsonEvent | ListenRecordSkipped | ListenRecordFailed | ListenDropped;

/** Events kept unread at most: a listener nobody iterates must not grow without bound. */
export const QUEUE_LIMIT = 1000;

const WAIT_MS = 30_000;

/** A delivery's type, or a test of the whole delivery. */
export type DeliveryMatch = string | ((delivery: ListenDelivery) => boolean);

export function noticeEvent(notice: RecordNotice, at = Date.now()): ListenRecordSkipped | ListenRecordFailed {
  const time = new Date(at).toISOString();
  if (notice.kind === 'record-failed') return { kind: 'record-failed', time, error: notice.error };
  return { kind: 'record-skipped', time, reason: notice.reason, ...(notice.id !== undefined && { id: notice.id }), ...(notice.type !== undefined && { type: notice.type }) };
}

interface Waiter {
  what: string;
  test: (delivery: ListenDelivery) => boolean;
  resolve: (delivery: ListenDelivery) => void;
  reject: (error: unknown) => void;
}

export class ListenerStream {
  private readonly queue = new AsyncQueue<ListenerEvent>({
    limit: QUEUE_LIMIT,
    dropped: (count) => ({ kind: 'dropped', time: new Date().toISOString(), count }),
  });
  private readonly waiters = new Set<Waiter>();
  private ended?: { error?: unknown };

  constructor(private readonly signal?: AbortSignal) {}

  get events(): AsyncIterable<ListenerEvent> {
    return this.queue;
  }

  push(event: ListenerEvent): void {
    this.queue.push(event);
    if (event.kind !== 'delivery') return;
    for (const waiter of this.waiters) if (waiter.test(event)) waiter.resolve(event);
  }

  /** No more events; a waitFor still waiting rejects (with `error`, when the listener failed). */
  end(error?: unknown): void {
    this.queue.end(error);
    this.ended = { error };
    for (const waiter of this.waiters) waiter.reject(this.endError(error, waiter.what));
  }

  /** The first matching delivery from now on; rejects ERR_STRIPE_HOOKS_FAILED after `timeoutMs` (default 30,000) or once the listener ends. */
  waitFor(match: DeliveryMatch, options: { timeoutMs?: number } = {}): Promise<ListenDelivery> {
    const timeout = options.timeoutMs ?? WAIT_MS;
    const what = typeof match === 'string' ? `${match} delivery` : 'matching delivery';
    const test = typeof match === 'string' ? (delivery: ListenDelivery) => delivery.type === match : match;
    if (this.ended) return Promise.reject(this.endError(this.ended.error, what));
    return new Promise<ListenDelivery>((resolve, reject) => {
      const settle = () => {
        clearTimeout(timer);
        this.waiters.delete(waiter);
      };
      const waiter: Waiter = {
        what,
        test,
        resolve: (delivery) => (settle(), resolve(delivery)),
        reject: (error) => (settle(), reject(error)),
      };
      const timer = setTimeout(() => waiter.reject(new FailedError(`no ${what} within ${timeout / 1000} s`, { hint: 'check that the event was sent and that its type is among the listener\'s events' })), timeout);
      this.waiters.add(waiter);
    });
  }

  private endError(error: unknown, what: string): unknown {
    if (this.signal?.aborted) return abortError(this.signal.reason);
    return error ?? new FailedError(`the listener stopped before a ${what}`);
  }
}
