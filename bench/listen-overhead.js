// Spawn-to-ready time of `stripe-hooks listen` against a bare `stripe listen`, both pointed at the same fake
// Stripe on loopback (the test harness's), interleaved so all see the same machine load: medians and the
// differences. `stripe-hooks listen` twice: with the probe cache cold (an empty cache dir, as in a fresh CI
// job: the binary has to answer `stripe version`) and warm (a cache dir an earlier run filled).
// Target: <= bare + 120 ms, cold as well as warm. For scale, the floor: Node itself, as a script that only
// spawns the bare `stripe listen` (what any Node wrapper costs before it does anything).
// BENCH_BEFORE=<dir of another built checkout> measures that one too, in the same rounds (before/after).
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bareListen, BARE_READY, benchEnv, startUntilReady, wrappedListen, WRAPPED_READY } from './lib/listeners.js';
import { interleavedMedians, loadFakeStripe, root } from './lib/measure.js';

const runs = Number(process.env.BENCH_RUNS ?? 15);
const target = 120;
const fake = await (await loadFakeStripe())();
// Nothing listens there: no delivery happens before the listener is stopped.
const forwardTo = 'http://127.0.0.1:9/webhook';
const checkouts = [['', root], ...(process.env.BENCH_BEFORE ? [[' (before)', process.env.BENCH_BEFORE]] : [])];

async function timeToReady(argv, ready, env) {
  const listener = await startUntilReady(argv, ready, env);
  await listener.stop();
  return listener.ms;
}

const [bin, args] = bareListen(fake.url, forwardTo);
const nodeOnly = `const c = require('node:child_process').spawn(${JSON.stringify(bin)}, ${JSON.stringify(args)}, { stdio: 'inherit' });
process.on('SIGTERM', () => c.kill('SIGTERM')); c.on('exit', () => process.exit());`;
const measures = [() => timeToReady(bareListen(fake.url, forwardTo), BARE_READY), () => timeToReady([process.execPath, ['-e', nodeOnly]], BARE_READY)];
const labels = [];
for (const [label, checkout] of checkouts) {
  const argv = wrappedListen(fake.url, forwardTo, undefined, checkout);
  // Filled before measuring: the proof may end after Ready (then a run stopped at Ready leaves nothing
  // cached); with --verbose its verdict is told once it is saved.
  const warmCache = mkdtempSync(join(tmpdir(), 'bench-listen-cache-'));
  const [command, args] = argv;
  await (await startUntilReady([command, [...args, '--verbose']], /using the Stripe CLI/, benchEnv({ cache: warmCache }))).stop();
  measures.push(() => timeToReady(argv, WRAPPED_READY), () => timeToReady(argv, WRAPPED_READY, benchEnv({ cache: warmCache })));
  labels.push(`probe cache cold${label}`, `probe cache warm${label}`);
}

try {
  const [bare, node, ...wrapped] = await interleavedMedians(runs, ...measures);
  console.log(`listen: spawn to ready, medians of ${runs} interleaved runs: bare stripe listen ${bare.toFixed(0)} ms`);
  console.log(`listen: Node only spawning it ${node.toFixed(0)} ms: Node's own start-up adds ${(node - bare).toFixed(0)} ms`);
  for (const [index, ms] of wrapped.entries()) {
    const verdict = ms - bare <= target ? 'ok' : 'OVER TARGET';
    console.log(`listen: stripe-hooks listen, ${labels[index]} ${ms.toFixed(0)} ms: adds ${(ms - bare).toFixed(0)} ms (target <= ${target}) ${verdict}`);
  }
} finally {
  await fake.close();
}
