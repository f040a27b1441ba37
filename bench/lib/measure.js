// Shared by the benchmarks (bench/run.js runs only the .js files directly in bench/, not this folder).
import { execFileSync, spawnSync } from 'node:child_process';
import { loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const stripeBin = join(root, 'node_modules', '@stripe', 'cli-linux-x64', 'bin', 'stripe');

export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** The nearest-rank percentile (p in 0..100). */
export function percentile(values, p) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

/** A sample's median and interquartile range, for printing. */
export const medianAndSpread = (values) =>
  `${median(values).toFixed(1)} ms (IQR ${percentile(values, 25).toFixed(1)}–${percentile(values, 75).toFixed(1)})`;

/**
 * Times each command ([label, arguments to this Node, spawn options]) `runs` times, interleaved after one warm-up
 * run each, and prints each one's median and spread, and its ratio to the last (the baseline). Returns the first's ratio.
 */
export function timeInterleaved(name, runs, commands) {
  const time = (args, options) => {
    const start = process.hrtime.bigint();
    const result = spawnSync(process.execPath, args, { stdio: 'ignore', ...options });
    if (result.status !== 0) throw new Error(`node ${args.join(' ')} exited ${result.status}`);
    return Number(process.hrtime.bigint() - start) / 1e6;
  };
  for (const [, args, options] of commands) time(args, options); // the file cache (and Node's compile cache) warm
  const times = commands.map(() => []);
  for (let i = 0; i < runs; i++) for (const [index, [, args, options]] of commands.entries()) times[index].push(time(args, options));
  const base = median(times.at(-1));
  console.log(`${name}: node ${process.version}, ${runs} interleaved runs, load average ${loadavg()[0].toFixed(1)}`);
  for (const [index, [label]] of commands.entries()) {
    console.log(`${name}: ${label} ${medianAndSpread(times[index])}${index < commands.length - 1 ? `, ratio ${(median(times[index]) / base).toFixed(2)}` : ''}`);
  }
  return median(times[0]) / base;
}

/**
 * Runs each async measurement once to warm the file cache, then `runs` times each,
 * alternating, so all see the same machine load; returns each one's times, by round.
 */
export async function interleavedTimes(runs, ...measures) {
  for (const measure of measures) await measure();
  const times = measures.map(() => []);
  for (let i = 0; i < runs; i++) {
    for (const [index, measure] of measures.entries()) times[index].push(await measure());
  }
  return times;
}

/** interleavedTimes' medians, in order. */
export async function interleavedMedians(runs, ...measures) {
  return (await interleavedTimes(runs, ...measures)).map(median);
}

/**
 * Each round's ratio of `times` to `base` (same round, so the same machine load), as "median (IQR a–b)": steadier on
 * a shared machine than the ratio of the two medians, whose rounds may have seen different loads.
 */
export const pairedRatios = (times, base) => {
  const ratios = times.map((time, round) => time / base[round]);
  return `${median(ratios).toFixed(2)} (IQR ${percentile(ratios, 25).toFixed(2)}–${percentile(ratios, 75).toFixed(2)})`;
};

/**
 * Compiles the test harness and the src/ modules that scripts import on their own (tsconfig.bench.json) to .bench/,
 * one file per module, since plain Node 20 cannot import .ts and dist/ is a bundle.
 */
export function compileToBench() {
  execFileSync(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(root, 'tsconfig.bench.json')], { stdio: 'inherit' });
}

/** The URL of src/<module>.ts as compileToBench() left it. */
export const benchSource = (module) => pathToFileURL(join(root, '.bench', 'src', `${module}.js`)).href;

/** The test harness's fake Stripe. */
export async function loadFakeStripe() {
  compileToBench();
  return (await import(join(root, '.bench', 'test', 'support', 'fake-stripe', 'server.js'))).startFakeStripe;
}

/** One delivery through `fake`'s listener: ms from emit to the CLI's webhook_response. */
export async function deliverThrough(fake) {
  const start = process.hrtime.bigint();
  const event = fake.emit('charge.succeeded');
  const response = await fake.waitForResponse(event.id, 10_000);
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (response.status !== 200) throw new Error(`delivery ${event.id} answered ${response.status}`);
  return ms;
}
