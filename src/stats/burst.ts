/**
 * Figures for a burst: latency percentiles, rate, and one report row per flow step over all instances.
 * Latencies go into fixed-size histograms (histogram.ts), so a burst's memory does not grow
 * with its size; percentiles are within 1% (or 0.05 ms) of the exact nearest-rank values.
 */
import { Histogram } from './histogram.js';
import type { BurstStats, StepResult } from '../run/report.js';
import { plural } from '../lib/plural.js';

const round = (value: number) => Math.round(value * 10) / 10;

/** Every POST's latency, the failed ones, and progress, over all instances of a run. */
export class Tally {
  readonly latencies = new Histogram();
  failures = 0;
  private done = 0;

  constructor(
    private readonly total: number,
    private readonly onProgress?: (done: number, total: number) => void,
  ) {}

  posted(ms: number, failed: boolean, unsent: number): void {
    this.latencies.add(ms);
    if (failed) this.failures++;
    this.count(1 + unsent); // a copy not sent counts as done for the progress bar
  }

  count(deliveries: number): void {
    this.done += deliveries;
    this.onProgress?.(this.done, this.total);
  }
}

export function burstStats(latencies: Histogram, failures: number, elapsedMs: number): BurstStats {
  return {
    count: latencies.count,
    failures,
    eventsPerSecond: elapsedMs > 0 ? Math.round((latencies.count / elapsedMs) * 1000) : 0,
    latency: {
      p50: round(latencies.percentile(50)),
      p95: round(latencies.percentile(95)),
      p99: round(latencies.percentile(99)),
      max: round(latencies.max),
    },
  };
}

/**
 * One report row for a flow step over every instance of a burst, folded in as each
 * instance finishes (a burst keeps no per-event results): it passed only if it passed
 * in all of them; a failure shows the first failing instance's event, status and reason.
 */
export class StepAggregate {
  private first: StepResult | undefined;
  private failure: StepResult | undefined;
  private failures = 0;
  private count = 0;
  private readonly ms = new Histogram();

  add(result: StepResult): void {
    this.count++;
    this.first ??= result;
    if (!result.ok) {
      this.failures++;
      this.failure ??= result;
    }
    if (result.status !== null || result.eventId !== null) this.ms.add(result.ms);
  }

  result(): StepResult {
    const shown = this.failure ?? this.first!;
    return {
      event: shown.event,
      trigger: null,
      eventId: shown.eventId,
      ...(shown.url !== undefined && { url: shown.url }),
      status: shown.status,
      ms: round(this.ms.percentile(50)),
      ok: this.failures === 0,
      ...(this.failures > 0 && { failure: shown.failure, error: `${this.failures} of ${plural(this.count, 'instance')} failed; first: ${shown.error}` }),
    };
  }
}
