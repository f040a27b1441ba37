/**
 * The inspector's memory: the last N items in arrival order, each with an increasing `seq` (the SSE id), and how
 * many older ones were dropped to keep it bounded. Items are kept in a plain array used as a circle, so adding one
 * costs the same at 1,000 items as at 10.
 */
export class Ring<T extends { seq: number }> {
  private readonly slots: (T | undefined)[];
  private start = 0;
  private size = 0;
  /** Items pushed out by newer ones. */
  dropped = 0;

  constructor(readonly limit: number) {
    this.slots = new Array<T | undefined>(limit);
  }

  /** Adds an item; returns the one it pushed out, if any. */
  push(item: T): T | undefined {
    if (this.size < this.limit) {
      this.slots[(this.start + this.size++) % this.limit] = item;
      return undefined;
    }
    const old = this.slots[this.start];
    this.slots[this.start] = item;
    this.start = (this.start + 1) % this.limit;
    this.dropped++;
    return old;
  }

  /** Every item kept, oldest first. */
  items(): T[] {
    const out: T[] = [];
    for (let i = 0; i < this.size; i++) out.push(this.slots[(this.start + i) % this.limit]!);
    return out;
  }

  /** The items kept whose seq is after `seq` (a reconnecting stream's Last-Event-ID). */
  after(seq: number): T[] {
    return this.items().filter((item) => item.seq > seq);
  }

  get(seq: number): T | undefined {
    // Seqs increase, so the item is at a known offset from the oldest when they are consecutive; search otherwise.
    const first = this.slots[this.start];
    if (first === undefined) return undefined;
    const guess = this.slots[(this.start + seq - first.seq) % this.limit];
    if (seq >= first.seq && guess?.seq === seq) return guess;
    return this.items().find((item) => item.seq === seq);
  }
}
