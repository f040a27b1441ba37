// Import cost of the library: `import('stripe-hooks')` against a bare `node -e 0`, interleaved so
// both see the same machine load; medians and their ratio (target <= 1.3). The package is resolved
// as a consumer resolves it, through package.json's `exports`: from a temp project whose
// node_modules/stripe-hooks is a symlink to this checkout (built).
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { median, root } from './lib/measure.js';

const runs = Number(process.env.BENCH_RUNS ?? 30);
const project = mkdtempSync(join(tmpdir(), 'stripe-hooks-import-'));
mkdirSync(join(project, 'node_modules'));
symlinkSync(root, join(project, 'node_modules', 'stripe-hooks'), 'dir');

function time(args) {
  const start = process.hrtime.bigint();
  const result = spawnSync(process.execPath, args, { stdio: 'ignore', cwd: project });
  if (result.status !== 0) throw new Error(`node ${args.join(' ')} exited ${result.status}`);
  return Number(process.hrtime.bigint() - start) / 1e6;
}

try {
  const library = ['-e', "import('stripe-hooks')"];
  const bare = ['-e', '0'];
  time(library); // warm the file cache once
  time(bare);
  const libraryTimes = [];
  const bareTimes = [];
  for (let i = 0; i < runs; i++) {
    libraryTimes.push(time(library));
    bareTimes.push(time(bare));
  }
  const ratio = median(libraryTimes) / median(bareTimes);
  console.log(`import: import('stripe-hooks') median ${median(libraryTimes).toFixed(1)} ms, node -e 0 median ${median(bareTimes).toFixed(1)} ms (${runs} interleaved runs)`);
  console.log(`import: ratio ${ratio.toFixed(2)} (target <= 1.3) ${ratio <= 1.3 ? 'ok' : 'OVER TARGET'}`);
} finally {
  rmSync(project, { recursive: true, force: true });
}
