/**
 * An append-only log that tests can await: `waitFor` resolves with the first
 * recorded item (past or future) that matches, so nothing ever sleeps or polls.
 */
export type Match<T> = (item: T) => boolean;

interface Waiter<T> {
  match: Match<T>;
  resolve: (item: T) => void;
}

/** How long a waiter may take before it fails with a readable message (not a sleep: it only bounds a wait). */
const DEFAULT_WAIT_MS = 15_000;

export class Recorder<T> {
  readonly items: T[] = [];
  private waiters = new Set<Waiter<T>>();

  constructor(private readonly describe: (item: T) => string = (item) => JSON.stringify(item)) {}

  push(item: T): void {
    this.items.push(item);
    for (const waiter of [...this.waiters]) {
      if (waiter.match(item)) {
        this.waiters.delete(waiter);
        waiter.resolve(item);
      }
    }
  }

  find(match: Match<T>): T | undefined {
    return this.items.find(match);
  }

  filter(match: Match<T>): T[] {
    return this.items.filter(match);
  }

  /**
   * The first matching item already recorded, else the next one to arrive; rejects after `timeoutMs`,
   * or at once when `signal` aborts (a caller that stopped caring, e.g. its process exited).
   */
  waitFor(match: Match<T>, what: string, timeoutMs = DEFAULT_WAIT_MS, signal?: AbortSignal): Promise<T> {
    const found = this.items.find(match);
    if (found !== undefined) return Promise.resolve(found);
    return new Promise<T>((resolve, reject) => {
      const settle = () => {
        clearTimeout(timer);
        this.waiters.delete(waiter);
        signal?.removeEventListener('abort', abort);
      };
      const waiter: Waiter<T> = {
        match,
        resolve: (item) => {
          settle();
          resolve(item);
        },
      };
      const abort = () => {
        settle();
        reject(new Error(`stopped waiting for ${what}`));
      };
      const timer = setTimeout(() => {
        settle();
        const seen = this.items.map(this.describe).join(', ') || 'nothing';
        reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}; recorded so far: ${seen}`));
      }, timeoutMs);
      this.waiters.add(waiter);
      signal?.addEventListener('abort', abort, { once: true });
    });
  }
}
