/**
 * A push-based async iterable for one consumer: producers `push` values as they
 * happen, then `end()` it (optionally with an error the consumer's `for await`
 * throws). Values pushed before anyone iterates are kept, not lost; with `limit`,
 * only the newest `limit` are kept and the consumer is told how many it missed.
 */
export class AsyncQueue<T> implements AsyncIterable<T> {
  private readonly buffered: T[] = [];
  private waiting?: () => void;
  private done = false;
  private error?: unknown;
  private droppedCount = 0;

  /** `limit`: values kept unread at most (the oldest go); `dropped(n)` is what the consumer reads at the gap. */
  constructor(private readonly bound?: { limit: number; dropped: (count: number) => T }) {}

  push(value: T): void {
    if (this.done) return;
    this.buffered.push(value);
    // Always the oldest go, so the gap is at the front and one count before the next value marks it.
    if (this.bound && this.buffered.length > this.bound.limit) {
      this.buffered.shift();
      this.droppedCount += 1;
    }
    this.wake();
  }

  end(error?: unknown): void {
    if (this.done) return;
    this.done = true;
    this.error = error;
    this.wake();
  }

  async *[Symbol.asyncIterator](): AsyncIterator<T> {
    for (;;) {
      if (this.droppedCount > 0 && this.bound) {
        const count = this.droppedCount;
        this.droppedCount = 0;
        yield this.bound.dropped(count);
      } else if (this.buffered.length > 0) {
        yield this.buffered.shift()!;
      } else if (this.done) {
        if (this.error !== undefined) throw this.error;
        return;
      } else {
        await new Promise<void>((resolve) => (this.waiting = resolve));
      }
    }
  }

  private wake(): void {
    const waiting = this.waiting;
    this.waiting = undefined;
    waiting?.();
  }
}
