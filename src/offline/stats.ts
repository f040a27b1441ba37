/** Figures for a burst: latency percentiles, rate, and one report row per flow step over all instances. */
import type { BurstStats, StepResult } from '../run/report.js';

/** Nearest-rank percentile of ascending-sorted values (0 for none). */
function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}

const round = (value: number) => Math.round(value * 10) / 10;

export function burstStats(latencies: readonly number[], failures: number, elapsedMs: number): BurstStats {
  const sorted = [...latencies].sort((a, b) => a - b);
  return {
    count: latencies.length,
    failures,
    eventsPerSecond: elapsedMs > 0 ? Math.round((latencies.length / elapsedMs) * 1000) : 0,
    latency: {
      p50: round(percentile(sorted, 50)),
      p95: round(percentile(sorted, 95)),
      p99: round(percentile(sorted, 99)),
      max: round(sorted.at(-1) ?? 0),
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
  private readonly ms: number[] = [];

  add(result: StepResult): void {
    this.count++;
    this.first ??= result;
    if (!result.ok) {
      this.failures++;
      this.failure ??= result;
    }
    if (result.status !== null || result.eventId !== null) this.ms.push(result.ms);
  }

  result(): StepResult {
    const shown = this.failure ?? this.first!;
    return {
      event: shown.event,
      trigger: null,
      eventId: shown.eventId,
      status: shown.status,
      ms: round(percentile(this.ms.sort((a, b) => a - b), 50)),
      ok: this.failures === 0,
      ...(this.failures > 0 && { error: `${this.failures} of ${this.count} instances failed; first: ${shown.error}` }),
    };
  }
}
