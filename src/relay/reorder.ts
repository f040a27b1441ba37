/**
 * `--serial`: one delivery at a time, in the order Stripe created the events.
 * The Stripe CLI forwards each event on its own goroutine, so two events created
 * a moment apart can reach us reversed (stripe-cli#1191). Each arrival waits a
 * short window for an earlier-created event to catch up; then the earliest
 * created goes next. `created` is in whole seconds, so within one second a
 * `rank` decides (the relay ranks an object's *.created before its updates),
 * then arrival.
 */
interface Queued<T> {
  item: T;
  /** Stripe's `created` (unix seconds); Infinity when the body has none. */
  created: number;
  rank: number;
  arrivedAt: number;
}

/** Whether `a` goes before `b` (both waiting; `a` arrived later). */
const before = <T>(a: Queued<T>, b: Queued<T>) => a.created < b.created || (a.created === b.created && a.rank < b.rank);

export class ReorderQueue<T> {
  /** In arrival order. */
  private readonly pending: Array<Queued<T>> = [];
  private busy = false;
  private timer: NodeJS.Timeout | undefined;
  private closed = false;

  /**
   * `run` delivers one item and must not reject; `reordered` says it overtook an item that arrived before it.
   * `now` is injectable for tests.
   */
  constructor(
    private readonly windowMs: number,
    private readonly run: (item: T, reordered: boolean) => Promise<void>,
    private readonly now: () => number = Date.now,
  ) {}

  push(item: T, created: number | undefined, rank = 0): void {
    if (this.closed) return;
    this.pending.push({ item, created: created ?? Infinity, rank, arrivedAt: this.now() });
    this.pump();
  }

  /** Drops what is still waiting (returned, in arrival order); nothing more runs. */
  close(): T[] {
    this.closed = true;
    clearTimeout(this.timer);
    return this.pending.splice(0).map((queued) => queued.item);
  }

  private pump(): void {
    if (this.busy || this.closed || this.pending.length === 0) return;
    // The first has waited longest: once its window is over, the first in created order goes.
    const wait = this.pending[0]!.arrivedAt + this.windowMs - this.now();
    if (wait > 0) {
      this.timer ??= setTimeout(() => {
        this.timer = undefined;
        this.pump();
      }, wait);
      return;
    }
    let next = 0;
    for (let i = 1; i < this.pending.length; i++) if (before(this.pending[i]!, this.pending[next]!)) next = i;
    const [chosen] = this.pending.splice(next, 1);
    this.busy = true;
    void this.run(chosen!.item, next > 0).finally(() => {
      this.busy = false;
      this.pump();
    });
  }
}
