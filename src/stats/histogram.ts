/**
 * Latencies in fixed memory, for bursts of any size: log-linear buckets, so a
 * percentile read back is within 1% of the exact nearest-rank value (or 0.05 ms,
 * whichever is larger), and the maximum is exact. 90,000 events cost the same
 * few kilobytes as 9.
 */

/** Below this (ms) the buckets are linear, 0.1 ms wide; above, each is ~2% wider than the last. */
const LINEAR_MS = 5;
const STEP = 0.1;
const LINEAR = Math.round(LINEAR_MS / STEP) + 1; // buckets 0.0, 0.1, … 5.0 ms
/** Where the logarithmic buckets start: just past the last linear one. */
const LOG_FROM = LINEAR_MS + STEP / 2;
/** Growth per bucket: a bucket's midpoint is within 1% of any value in it. */
const GROWTH = 1.02;
const LOG_GROWTH = Math.log(GROWTH);
/** 10 minutes is more than any delivery may take; longer values share the last bucket (max stays exact). */
const BUCKETS = LINEAR + Math.ceil(Math.log(600_000 / LOG_FROM) / LOG_GROWTH) + 1;

export class Histogram {
  private readonly counts = new Uint32Array(BUCKETS);
  private total = 0;
  private largest = 0;

  get count(): number {
    return this.total;
  }

  get max(): number {
    return this.largest;
  }

  add(ms: number): void {
    const value = ms > 0 ? ms : 0;
    this.counts[bucketOf(value)]!++;
    this.total++;
    if (value > this.largest) this.largest = value;
  }

  /** The nearest-rank percentile (p in 0..100), as its bucket's midpoint, never above the maximum; 0 for none. */
  percentile(p: number): number {
    if (this.total === 0) return 0;
    const rank = Math.min(this.total, Math.max(1, Math.ceil((p / 100) * this.total)));
    let seen = 0;
    for (let bucket = 0; bucket < BUCKETS; bucket++) {
      seen += this.counts[bucket]!;
      // The last bucket holds everything past the range: the maximum says more than its midpoint.
      if (seen >= rank) return bucket === BUCKETS - 1 ? this.largest : Math.min(midpoint(bucket), this.largest);
    }
    return this.largest;
  }
}

// Below LINEAR_MS a bucket is centred on a multiple of 0.1 ms: latencies are measured to 0.1 ms, so those read back exact.
function bucketOf(ms: number): number {
  if (ms < LOG_FROM) return Math.round(ms / STEP);
  return Math.min(BUCKETS - 1, LINEAR + Math.floor(Math.log(ms / LOG_FROM) / LOG_GROWTH));
}

function midpoint(bucket: number): number {
  if (bucket < LINEAR) return bucket * STEP;
  const low = LOG_FROM * GROWTH ** (bucket - LINEAR);
  return (low * (1 + GROWTH)) / 2;
}
