/** The latency histogram against exact nearest-rank percentiles of the same random data. */
import { describe, expect, it } from 'vitest';
import { Histogram } from '../../src/stats/histogram.js';
import { burstStats } from '../../src/stats/burst.js';
import { createRandom } from '../../src/offline/random.js';

function exact(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length))) - 1]!;
}

const within = (got: number, want: number) => Math.abs(got - want) <= Math.max(0.01 * want, 0.05) + 1e-9;

describe('Histogram', () => {
  it.each([
    ['sub-millisecond', (r: () => number) => r() * 0.9],
    ['a few ms, across the linear and logarithmic buckets', (r: () => number) => 0.5 + r() * 8],
    ['long-tailed (log-uniform, 0.1 ms to 30 s)', (r: () => number) => 0.1 * 300_000 ** r()],
  ])('percentiles of %s latencies are within 1%% (or 0.05 ms) of the exact ones; max is exact', (_name, draw) => {
    const random = createRandom(42);
    for (const size of [1, 7, 100, 20_000]) {
      const values = Array.from({ length: size }, () => size % 2 ? draw(random.next) : Math.round(draw(random.next) * 10) / 10);
      const histogram = new Histogram();
      values.forEach((value) => histogram.add(value));
      for (const p of [1, 50, 90, 95, 99, 99.9, 100]) {
        const [got, want] = [histogram.percentile(p), exact(values, p)];
        expect(within(got, want), `p${p} of ${size}: ${got} vs ${want}`).toBe(true);
      }
      expect(histogram.max).toBe(Math.max(...values));
      expect(histogram.count).toBe(size);
    }
  });

  it('is 0 when empty, and keeps values past its range in its last bucket', () => {
    const histogram = new Histogram();
    expect([histogram.percentile(50), histogram.max]).toEqual([0, 0]);
    histogram.add(2_000_000);
    expect([histogram.percentile(50), histogram.max]).toEqual([2_000_000, 2_000_000]);
  });

  it('gives a burst its figures in the same shape as before', () => {
    const histogram = new Histogram();
    [1, 2, 3, 4, 100].forEach((ms) => histogram.add(ms));
    const stats = burstStats(histogram, 1, 1000);
    expect(stats).toMatchObject({ count: 5, failures: 1, eventsPerSecond: 5, latency: { p50: 3, max: 100 } });
    expect(Object.keys(stats.latency)).toEqual(['p50', 'p95', 'p99', 'max']);
    expect(within(stats.latency.p95, 100) && within(stats.latency.p99, 100)).toBe(true);
  });
});
