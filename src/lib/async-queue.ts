/**
 * A push-based async iterable for one consumer: producers `push` values as they
 * happen, then `end()` it (optionally with an error the consumer's `for await`
 * throws). Values pushed before anyone iterates are kept, not lost.
 */
export class AsyncQueue<T> implements AsyncIterable<T> {
  private readonly buffered: T[] = [];
  private waiting?: () => void;
  private done = false;
  private error?: unknown;

  push(value: T): void {
    if (this.done) return;
    this.buffered.push(value);
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
      if (this.buffered.length > 0) {
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
