// Start-up cost: `stripe-hooks --help` against a bare `node -e 0`, interleaved so
// both see the same machine load; medians and their ratio (target <= 1.5).
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { median, root } from './lib/measure.js';

const runs = Number(process.env.BENCH_RUNS ?? 30);

function time(args) {
  const start = process.hrtime.bigint();
  const result = spawnSync(process.execPath, args, { stdio: 'ignore' });
  if (result.status !== 0) throw new Error(`${args.join(' ')} exited ${result.status}`);
  return Number(process.hrtime.bigint() - start) / 1e6;
}

const cli = [join(root, 'bin', 'stripe-hooks.js'), '--help'];
const bare = ['-e', '0'];
time(cli); // warm the file cache once
time(bare);
const cliTimes = [];
const bareTimes = [];
for (let i = 0; i < runs; i++) {
  cliTimes.push(time(cli));
  bareTimes.push(time(bare));
}
const ratio = median(cliTimes) / median(bareTimes);
console.log(`startup: stripe-hooks --help median ${median(cliTimes).toFixed(1)} ms, node -e 0 median ${median(bareTimes).toFixed(1)} ms (${runs} interleaved runs)`);
console.log(`startup: ratio ${ratio.toFixed(2)} (target <= 1.5) ${ratio <= 1.5 ? 'ok' : 'OVER TARGET'}`);
