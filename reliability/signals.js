// Ctrl+C (SIGINT) and SIGTERM at random moments of `listen` and of a live `trigger-flow payment`:
// the real Stripe CLI against the fake Stripe, deliveries to a verifying receiver on 127.0.0.1.
// Each trial waits for its phase (an output line or a delivery, never a guess), adds a random
// delay, signals, and then checks the exit code and that no process it started outlived it.
import { processesWithHome, randomInt, remove, runCli, sleep, stripeBin, testKey } from './lib.js';

const EXPECTED = { SIGINT: 130, SIGTERM: 143 };
const TRIGGERS = ['invoice.created', 'customer.subscription.updated', 'payment_intent.requires_action', 'payment_intent.created', 'payment_intent.processing', 'charge.succeeded', 'payment_intent.succeeded', 'transfer.created'];
/** The app takes this long to answer the event a `delivery` trial signals during. */
const SLOW_APP_MS = 3_000;
const SLOW_EVENT = { listen: 'invoice.created', 'trigger-flow': 'payment_intent.requires_action' };

const PHASES = {
  listen: ['spawn', 'starting', 'ready', 'delivery'],
  'trigger-flow': ['spawn', 'starting', 'ready', 'trigger', 'delivery'],
};

function argsFor(command, fake, receiver) {
  const common = ['--verbose', '-f', receiver.url, '--api-base', fake.url, '--stripe-bin', stripeBin];
  return command === 'listen' ? ['listen', ...common] : ['trigger-flow', 'payment', ...common];
}

/** Resolves at a random moment of the phase: waits for what marks it, then a random delay. */
async function reach(phase, { command, cli, fake, receiver }) {
  const line = (pattern) => cli.waitForLine(pattern, 'stderr');
  if (phase === 'spawn') return sleep(randomInt(400)); // possibly before our signal handlers exist
  if (phase === 'starting') {
    await line(/stripe listen started \(pid \d+\)/);
    return sleep(randomInt(100)); // Ready comes ~200 ms later
  }
  await line(command === 'listen' ? /Ready — forwarding/ : /Ready! /);
  if (phase === 'ready') return sleep(randomInt(command === 'listen' ? 500 : 150));
  if (phase === 'trigger') {
    const event = TRIGGERS[randomInt(TRIGGERS.length - 1)];
    await line(new RegExp(`running: .* trigger ${event.replace(/\./g, '\\.')} `));
    return sleep(randomInt(150)); // a trigger takes ~250 ms
  }
  if (command === 'listen') fake.emit(SLOW_EVENT.listen);
  await receiver.waitFor(SLOW_EVENT[command]);
  return sleep(randomInt(SLOW_APP_MS / 2)); // the app has not answered yet
}

async function trial(support, command, signal, phase) {
  const fake = await support.startFakeStripe();
  const receiver = await support.startReceiver({ secret: fake.secret, delayMs: { [SLOW_EVENT[command]]: SLOW_APP_MS } });
  const box = support.sandbox();
  const child = runCli(argsFor(command, fake, receiver), { box, env: { STRIPE_API_KEY: testKey } });
  const cli = support.watchLines(child, child.then((result) => result.exitCode), `stripe-hooks ${command}`);
  // What ran under this trial's HOME, sampled while it runs: the children the signal must reach.
  const seen = new Set();
  const sample = setInterval(() => processesWithHome(box.home).forEach((p) => p.comm === 'stripe' && seen.add(p.pid)), 25);
  const outcome = { command, signal, phase, stripeChildren: 0, orphans: [], problem: undefined };
  try {
    await reach(phase, { command, cli, fake, receiver });
    child.kill(signal);
    const result = await child;
    outcome.orphans = processesWithHome(box.home);
    outcome.stripeChildren = seen.size;
    if (result.exitCode === undefined && result.signal === signal) outcome.diedOfSignal = true;
    else if (result.exitCode !== EXPECTED[signal]) outcome.problem = `exit ${result.exitCode ?? result.signal}, expected ${EXPECTED[signal]}; stderr: ${result.stderr.split('\n').slice(-3).join(' | ')}`;
    else if (result.stderr.includes('\n    at ')) outcome.problem = 'a stack trace on stderr';
  } catch (error) {
    outcome.problem = `harness: ${error.message}`; // the phase never came: the run failed on its own
    child.kill('SIGKILL');
    await child;
  } finally {
    clearInterval(sample);
    for (const { pid } of processesWithHome(box.home)) process.kill(pid, 'SIGKILL'); // never leave one behind
    await receiver.close();
    await fake.close();
    remove(box.home, box.cwd);
  }
  return outcome;
}

/** One figures line per command: `perSignal` trials of each signal, the phases taken in turn. */
export async function signals(support, { perSignal = 10 } = {}) {
  const results = [];
  for (const command of ['listen', 'trigger-flow']) {
    const started = performance.now();
    const outcomes = [];
    for (let i = 0; i < perSignal * 2; i++) {
      const signal = i % 2 ? 'SIGTERM' : 'SIGINT';
      outcomes.push(await trial(support, command, signal, PHASES[command][Math.floor(i / 2) % PHASES[command].length]));
    }
    const orphans = outcomes.flatMap((o) => o.orphans);
    const early = outcomes.filter((o) => o.diedOfSignal).length;
    results.push({
      name: `signals ${command}`,
      trials: outcomes.length,
      ms: Math.round(performance.now() - started),
      failures: [
        ...outcomes.filter((o) => o.problem).map((o) => `${o.signal} at ${o.phase}: ${o.problem}`),
        ...outcomes.filter((o) => o.orphans.length).map((o) => `${o.signal} at ${o.phase}: left ${o.orphans.map((p) => `${p.comm} (pid ${p.pid})`).join(', ')}`),
      ],
      figures: [
        `${orphans.filter((p) => p.comm === 'stripe').length} orphaned stripe processes (${orphans.length} of any kind)`,
        `${outcomes.reduce((sum, o) => sum + o.stripeChildren, 0)} stripe children seen`,
        `phases ${PHASES[command].join('/')}`,
        ...(early ? [`${early} ended by the signal itself before stripe-hooks set its handlers (a shell reports 130/143 too)`] : []),
      ],
    });
  }
  return results;
}
