// Start-up cost: `stripe-hooks --help` against a bare `node -e 0`, interleaved so both see the same machine load;
// medians and their ratio. Target: 1.4 on Node 20; 1.25 where Node has a compile cache (22.1 and later), which
// bin/stripe-hooks.js turns on. BENCH_BEFORE=<another built checkout> times its --help in the same rounds.
import module from 'node:module';
import { join, resolve } from 'node:path';
import { root, timeInterleaved } from './lib/measure.js';

const runs = Number(process.env.BENCH_RUNS ?? 30);
const target = module.enableCompileCache ? 1.25 : 1.4;
const before = process.env.BENCH_BEFORE;
const ratio = timeInterleaved('startup', runs, [
  ['stripe-hooks --help', [join(root, 'bin', 'stripe-hooks.js'), '--help']],
  ...(before ? [[`before (${before}) --help`, [join(resolve(before), 'bin', 'stripe-hooks.js'), '--help']]] : []),
  ['node -e 0', ['-e', '0']],
]);
console.log(`startup: ratio ${ratio.toFixed(2)} (target <= ${target}) ${ratio <= target ? 'ok' : 'OVER TARGET'}`);
