/**
 * `--serial`: one delivery at a time, in the order Stripe created the events.
 * The Stripe CLI forwards each event on its own goroutine, so two events created
 * a moment apart can reach us reversed (stripe-cli#1191). Each arrival waits a
 * short window for an earlier-created event to catch up; then the earliest
 * created (ties: first arrived) goes next.
 */
interface Queued<T> {
  item: T;
  /** Stripe's `created` (unix seconds); Infinity when the body has none. */
  created: number;
  arrivedAt: number;
}

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

  push(item: T, created: number | undefined): void {
    if (this.closed) return;
    this.pending.push({ item, created: created ?? Infinity, arrivedAt: this.now() });
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
    // The first has waited longest: once its window is over, the earliest created of all goes (ties: first arrived).
    const wait = this.pending[0]!.arrivedAt + this.windowMs - this.now();
    if (wait > 0) {
      this.timer ??= setTimeout(() => {
        this.timer = undefined;
        this.pump();
      }, wait);
      return;
    }
    let next = 0;
    for (let i = 1; i < this.pending.length; i++) if (this.pending[i]!.created < this.pending[next]!.created) next = i;
    const [chosen] = this.pending.splice(next, 1);
    this.busy = true;
    void this.run(chosen!.item, next > 0).finally(() => {
      this.busy = false;
      this.pump();
    });
  }
}
