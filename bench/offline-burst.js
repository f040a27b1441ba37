// Offline burst throughput: `trigger-flow payment --offline --repeat 10000 --concurrency 32` (90,000 signed
// events) into a no-op receiver on 127.0.0.1 (its own process), against two hand-written loops that sign and
// POST the same number of events of the same shapes and sizes (the flow's own events, fresh ids each) with the
// same headers and concurrency: (a) node:http with a keep-alive agent, (b) an undici Pool, `pool.request` and
// `body.dump()`. All are child processes, timed from spawn to exit, interleaved; medians and the CLI's
// throughput ratio to each (targets >= 1.0 and >= 0.85). Memory: the CLI's peak RSS at 9,000 and at 90,000
// events (target <= 100 MB, and flat: within 10 MB of each other). BENCH_RUNS sets the runs (3).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadavg } from 'node:os';
import { interleavedTimes, median, medianAndSpread, pairedRatios, root } from './lib/measure.js';

const cli = join(root, 'bin', 'stripe-hooks.js');
const lib = join(root, 'bench', 'lib');
const runs = Number(process.env.BENCH_RUNS ?? 3);
const REPEAT = Number(process.env.BENCH_REPEAT ?? 10_000);
const SMALL = REPEAT / 10;
const CONCURRENCY = 32;
const secret = 'whsec_benchOfflineBurst0123456789abc';
// The CLI reads it from the environment, as users are told to: a --secret flag would show in `ps` (and warn).
process.env.STRIPE_WEBHOOK_SECRET = secret;
const TIME = '/usr/bin/time';

function startReceiver() {
  const child = spawn(process.execPath, [join(lib, 'receiver.js')], { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve) => child.stdout.once('data', (port) => resolve({ child, url: `http://127.0.0.1:${String(port).trim()}/webhook` })));
}

/** Runs a command to completion: wall ms, stdout, and peak RSS in KB. */
function timed(command, args, input) {
  return new Promise((resolve, reject) => {
    const measure = existsSync(TIME);
    const started = process.hrtime.bigint();
    const child = measure
      ? spawn(TIME, ['-f', 'peak-rss-kb %M', command, ...args], { stdio: ['pipe', 'pipe', 'pipe'] })
      : spawn(command, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    let peak = 0;
    // Without /usr/bin/time, VmHWM (the kernel's high-water mark) read until exit is the peak.
    const poll = measure ? undefined : setInterval(() => (peak = Math.max(peak, vmHwm(child.pid))), 20);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.stdin.end(input ?? '');
    child.on('close', (code) => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      clearInterval(poll);
      if (code !== 0) return reject(new Error(`${args.slice(0, 3).join(' ')} exited ${code}: ${stderr.slice(-500)}`));
      const rss = measure ? Number(/peak-rss-kb (\d+)/.exec(stderr)?.[1] ?? 0) : peak;
      resolve({ ms, stdout, rss });
    });
  });
}

function vmHwm(pid) {
  try {
    return Number(/VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
  } catch {
    return 0;
  }
}

const { child: receiver, url } = await startReceiver();
try {
  // The bare loops' templates: the flow's own events, as the CLI would send them.
  const plan = spawnSync(process.execPath, [cli, 'trigger-flow', 'payment', '--offline', '--dry-run', '--json', '--forward-to', url, '--seed', '1'], { encoding: 'utf8' });
  if (plan.status !== 0) throw new Error(`dry run failed: ${plan.stderr}`);
  const perFlow = JSON.parse(plan.stdout).events.length;
  const total = REPEAT * perFlow;

  const peakRss = new Map(); // repeat -> every run's peak RSS in MB
  const cliRun = (repeat) => async () => {
    const args = [cli, 'trigger-flow', 'payment', '--offline', '--repeat', String(repeat), '--concurrency', String(CONCURRENCY), '--forward-to', url, '--seed', '1', '--json'];
    const run = await timed(process.execPath, args);
    const { burst } = JSON.parse(run.stdout);
    if (burst.count !== repeat * perFlow || burst.failures !== 0) throw new Error(`CLI burst: ${JSON.stringify(burst)}`);
    peakRss.set(repeat, [...(peakRss.get(repeat) ?? []), run.rss / 1024]);
    return run.ms;
  };
  const bareRun = (script) => async () => (await timed(process.execPath, [join(lib, script), url, secret, String(total), String(CONCURRENCY)], plan.stdout)).ms;
  const times = await interleavedTimes(runs, cliRun(REPEAT), bareRun('bare-http.js'), bareRun('bare-undici.js'));
  peakRss.set(REPEAT, peakRss.get(REPEAT).slice(1)); // the warm-up run's
  for (let i = 0; i < runs; i++) await cliRun(SMALL)();
  const [cliMs, httpMs, undiciMs] = times.map(median);

  const rate = (ms) => `${Math.round((total / ms) * 1000)} events/s`;
  const verdict = (ok) => (ok ? 'ok' : 'UNDER TARGET');
  console.log(`offline-burst: node ${process.version}, ${total} events, concurrency ${CONCURRENCY}, ${runs} interleaved runs each, wall time from spawn to exit, load average ${loadavg()[0].toFixed(1)}`);
  console.log(`offline-burst: stripe-hooks ${medianAndSpread(times[0])}, ${rate(cliMs)}; node:http loop ${medianAndSpread(times[1])}, ${rate(httpMs)}; undici loop ${medianAndSpread(times[2])}, ${rate(undiciMs)}`);
  // Throughput ratios: the loop's time over ours (above 1: we are faster); by round, each round's own.
  console.log(`offline-burst: throughput vs node:http loop ${(httpMs / cliMs).toFixed(2)}x (target >= 1.0) ${verdict(httpMs / cliMs >= 1)}; by round ${pairedRatios(times[1], times[0])}`);
  console.log(`offline-burst: throughput vs undici loop ${(undiciMs / cliMs).toFixed(2)}x (target >= 0.85) ${verdict(undiciMs / cliMs >= 0.85)}; by round ${pairedRatios(times[2], times[0])}`);
  const [small, large] = [peakRss.get(SMALL), peakRss.get(REPEAT)];
  const mb = (values) => `${median(values).toFixed(1)} MB (${Math.min(...values).toFixed(1)}–${Math.max(...values).toFixed(1)})`;
  const [peakSmall, peakLarge] = [Math.max(...small), Math.max(...large)];
  const source = existsSync(TIME) ? '/usr/bin/time' : '/proc VmHWM';
  console.log(`offline-burst: peak RSS ${mb(small)} at ${SMALL * perFlow} events, ${mb(large)} at ${total}, median (range) (target <= 100 MB, ${source}) ${peakLarge <= 100 && peakSmall <= 100 ? 'ok' : 'OVER TARGET'}`);
  const growth = median(large) - median(small);
  console.log(`offline-burst: RSS growth ${growth.toFixed(1)} MB from ${SMALL * perFlow} to ${total} events, medians (target <= 10 MB) ${growth <= 10 ? 'ok' : 'OVER TARGET'}`);
} finally {
  receiver.kill();
}
