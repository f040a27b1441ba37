// Wall time of `stripe-hooks trigger-flow payment` against its manual equivalent: a bare `stripe listen`
// started and waited for until Ready, then a shell loop of the same `stripe trigger` commands, then the
// listener stopped. Both against the same fake Stripe on loopback, forwarding to the same no-op app,
// interleaved so both see the same machine load. Target: ratio of medians <= 1.10.
// A one-step flow against its own baseline (listen, one trigger) splits the difference into a fixed cost
// per run and a cost per step. The headline runs share one cache dir, as on a developer's machine (a
// warm-up run fills the probe cache: the binary's version and fixture list); a run with an empty cache
// (a fresh CI job) is measured beside them. BENCH_BEFORE=<dir of another built checkout> adds its
// `trigger-flow payment`, warm and cold, to the same rounds (before/after).
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { bareListen, BARE_READY, benchEnv, startUntilReady } from './lib/listeners.js';
import { benchSource, interleavedTimes, loadFakeStripe, median, medianAndSpread, pairedRatios, root, stripeBin } from './lib/measure.js';

const runs = Number(process.env.BENCH_RUNS ?? 7);
const target = 1.1;

const startFakeStripe = await loadFakeStripe();
const { BUILTIN_FLOWS } = await import(benchSource('flows/builtin'));
const { flowEvents } = await import(benchSource('flows/events'));

const fake = await startFakeStripe();
// The app: answers every delivery 200 at once (the wrapper's cost is what is measured, not the app's).
const app = createServer((req, res) => req.resume().on('end', () => res.writeHead(200).end('{}')));
await new Promise((resolve) => app.listen(0, '127.0.0.1', resolve));
const forwardTo = `http://127.0.0.1:${app.address().port}/webhook`;

// The triggers trigger-flow runs for the payment flow (the observed step runs none), and the events it listens for.
const payment = BUILTIN_FLOWS.find((flow) => flow.name === 'payment');
const fixtures = payment.steps.filter((step) => !step.observe).map((step) => step.trigger ?? step.event);
const oneStep = { steps: [{ event: fixtures[0] }] };
const oneStepDir = mkdtempSync(join(tmpdir(), 'bench-one-step-'));
// JSON, as a built-in flow needs no YAML parser (it would add ~20 ms of module loading).
writeFileSync(join(oneStepDir, 'one.json'), JSON.stringify(oneStep));

const sharedCache = mkdtempSync(join(tmpdir(), 'bench-trigger-flow-cache-'));
const env = ({ cold = false } = {}) => ({ ...benchEnv({ cache: cold ? undefined : sharedCache }), STRIPE: stripeBin, API_BASE: fake.url });
const loop = (events) => `for event in ${events.join(' ')}; do "$STRIPE" trigger "$event" --api-base "$API_BASE" >/dev/null || exit 1; done`;

function run(command, args, childEnv, cwd = root) {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env: childEnv, cwd, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (chunk) => (stderr += chunk));
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${command} ${args.join(' ')} exited ${code}:\n${stderr}`))));
  });
}

const since = (start) => Number(process.hrtime.bigint() - start) / 1e6;

/** The manual way: `stripe listen` until Ready, the loop of triggers, the listener stopped. */
async function manual(flow, triggers) {
  const start = process.hrtime.bigint();
  const childEnv = env();
  const listener = await startUntilReady(bareListen(fake.url, forwardTo, flowEvents(flow).join(',')), BARE_READY, childEnv);
  try {
    await run('/bin/sh', ['-c', loop(triggers)], childEnv);
  } finally {
    await listener.stop();
  }
  return since(start);
}

async function wrapped(args, { cwd, cold, checkout = root } = {}) {
  const start = process.hrtime.bigint();
  const cli = ['--', join(checkout, 'bin', 'stripe-hooks.js'), 'trigger-flow', ...args, '--forward-to', forwardTo, '--api-base', fake.url, '--stripe-bin', stripeBin];
  await run(process.execPath, cli, env({ cold }), cwd);
  return since(start);
}

try {
  const before = process.env.BENCH_BEFORE;
  const times = await interleavedTimes(
    runs,
    () => manual(payment, fixtures),
    () => wrapped(['payment']),
    () => manual(oneStep, fixtures.slice(0, 1)),
    () => wrapped(['--file', 'one.json'], { cwd: oneStepDir }),
    () => wrapped(['payment'], { cold: true }),
    ...(before ? [() => wrapped(['payment'], { checkout: before }), () => wrapped(['payment'], { checkout: before, cold: true })] : []),
  );
  const [b, w, b1, w1, cold, ...was] = times.map(median);
  const [bs, ws, , , colds, ...wass] = times;
  const ratio = w / b;
  const fixed = w1 - b1;
  const perStep = (w - b - fixed) / (fixtures.length - 1);
  console.log(`trigger-flow: node ${process.version}, ${runs} interleaved runs, load average ${loadavg()[0].toFixed(1)}`);
  console.log(`trigger-flow: stripe listen until Ready + a loop of ${fixtures.length} stripe triggers ${medianAndSpread(bs)}; stripe-hooks trigger-flow payment ${medianAndSpread(ws)}`);
  console.log(`trigger-flow: ratio ${ratio.toFixed(2)} (target <= ${target}) ${ratio <= target ? 'ok' : 'OVER TARGET'}; each round's own ratio ${pairedRatios(ws, bs)}`);
  console.log(`trigger-flow: fixed cost ${fixed.toFixed(0)} ms per run, ${perStep.toFixed(0)} ms per step (a one-step flow against listen + one trigger: ${w1.toFixed(0)} vs ${b1.toFixed(0)} ms)`);
  console.log(`trigger-flow: with an empty probe cache (a fresh CI job) ${medianAndSpread(colds)}, ratio ${(cold / b).toFixed(2)}; by round ${pairedRatios(colds, bs)}`);
  if (before) {
    console.log(`trigger-flow: before (${before}): ${medianAndSpread(wass[0])}, ratio ${(was[0] / b).toFixed(2)}; by round ${pairedRatios(wass[0], bs)}`);
    console.log(`trigger-flow: before, with an empty cache: ${medianAndSpread(wass[1])}, ratio ${(was[1] / b).toFixed(2)}; by round ${pairedRatios(wass[1], bs)}`);
  }
} finally {
  await fake.close();
  app.closeAllConnections();
  app.close();
}
