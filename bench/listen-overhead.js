// Spawn-to-ready time of `stripe-hooks listen` against a bare `stripe listen`, both pointed
// at the same fake Stripe on loopback (the test harness's), interleaved so both see the same
// machine load; medians and the difference.
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { interleavedMedians, loadFakeStripe, root, stripeBin } from './lib/measure.js';

const runs = Number(process.env.BENCH_RUNS ?? 15);
const fake = await (await loadFakeStripe())();
const forwardTo = 'http://127.0.0.1:9/webhook';

/** Milliseconds from spawn until a stderr line matches `ready`; then stops the process and waits for it. */
function timeToReady(command, args, ready) {
  const home = mkdtempSync(join(tmpdir(), 'bench-listen-'));
  const env = { PATH: process.env.PATH, HOME: home, XDG_CONFIG_HOME: join(home, '.config'), STRIPE_API_KEY: 'sk_test_bench_listen', STRIPE_CLI_TELEMETRY_OPTOUT: '1', NO_COLOR: '1' };
  return new Promise((resolve, reject) => {
    const start = process.hrtime.bigint();
    const child = spawn(command, args, { env, stdio: ['ignore', 'ignore', 'pipe'] });
    let text = '';
    let elapsed;
    child.stderr.setEncoding('utf8').on('data', (chunk) => {
      text += chunk;
      if (elapsed === undefined && ready.test(text)) {
        elapsed = Number(process.hrtime.bigint() - start) / 1e6;
        child.kill('SIGTERM');
      }
    });
    child.on('exit', () => (elapsed === undefined ? reject(new Error(`${command} never got ready:\n${text}`)) : resolve(elapsed)));
  });
}

const events = ['--events', 'charge.succeeded'];
const bare = () => timeToReady(stripeBin, ['listen', '--forward-to', forwardTo, ...events, '--skip-update', '--api-base', fake.url], /Ready!/);
const wrapped = () =>
  timeToReady(process.execPath, ['--', join(root, 'bin', 'stripe-hooks.js'), 'listen', '--forward-to', forwardTo, ...events, '--api-base', fake.url, '--stripe-bin', stripeBin], /Ready — forwarding/);

try {
  const [b, w] = await interleavedMedians(runs, bare, wrapped);
  console.log(`listen: spawn to ready, bare stripe listen median ${b.toFixed(1)} ms, stripe-hooks listen median ${w.toFixed(1)} ms (${runs} interleaved runs)`);
  console.log(`listen: the wrapper adds ${(w - b).toFixed(1)} ms (ratio ${(w / b).toFixed(2)})`);
} finally {
  await fake.close();
}
