// Import cost of the library: `import('stripe-hooks')` against a bare `node -e 0`, interleaved so both see the same
// machine load; medians and their ratio (target <= 1.15). The package is resolved as a consumer resolves it, through
// package.json's `exports`: from a temp project whose node_modules/stripe-hooks is a symlink to this checkout
// (built). BENCH_BEFORE=<another built checkout> imports that one too, from a project of its own, in the same rounds.
import { mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { root, timeInterleaved } from './lib/measure.js';

const runs = Number(process.env.BENCH_RUNS ?? 30);
const target = 1.15;
const before = process.env.BENCH_BEFORE;
const projects = [];

/** The arguments and options that import stripe-hooks from a temp project over `checkout`. */
function importing(checkout) {
  const project = mkdtempSync(join(tmpdir(), 'stripe-hooks-import-'));
  projects.push(project);
  mkdirSync(join(project, 'node_modules'));
  symlinkSync(checkout, join(project, 'node_modules', 'stripe-hooks'), 'dir');
  return [['-e', "import('stripe-hooks')"], { cwd: project }];
}

try {
  const ratio = timeInterleaved('import', runs, [
    ["import('stripe-hooks')", ...importing(root)],
    ...(before ? [[`before (${before})`, ...importing(resolve(before))]] : []),
    ['node -e 0', ['-e', '0']],
  ]);
  console.log(`import: ratio ${ratio.toFixed(2)} (target <= ${target}) ${ratio <= target ? 'ok' : 'OVER TARGET'}`);
} finally {
  for (const project of projects) rmSync(project, { recursive: true, force: true });
}
