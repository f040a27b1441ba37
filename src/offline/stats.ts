/** Figures for a burst: latency percentiles, rate, and one report row per flow step over all instances. */
import type { BurstStats, StepResult } from '../flows/report.js';

/** Nearest-rank percentile of ascending-sorted values (0 for none). */
export function percentile(sorted: readonly number[], p: number): number {
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
 * One row for step `results` of every instance: it passed only if it passed in all
 * of them; a failure shows the first failing instance's event, status and reason.
 */
export function aggregateStep(results: readonly StepResult[]): StepResult {
  const first = results[0]!;
  const failed = results.filter((result) => !result.ok);
  const shown = failed[0] ?? first;
  const ran = results.filter((result) => result.status !== null || result.eventId !== null);
  const ms = ran.map((result) => result.ms).sort((a, b) => a - b);
  return {
    event: first.event,
    trigger: null,
    eventId: shown.eventId,
    status: shown.status,
    ms: round(percentile(ms, 50)),
    ok: failed.length === 0,
    ...(failed.length > 0 && { error: `${failed.length} of ${results.length} instances failed; first: ${shown.error}` }),
  };
}
