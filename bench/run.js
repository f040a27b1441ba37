// `npm run bench`: runs every benchmark in bench/ in turn and prints its figures.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const only = process.argv.slice(2);
const scripts = readdirSync(here)
  .filter((name) => name.endsWith('.js') && name !== 'run.js')
  .filter((name) => only.length === 0 || only.some((filter) => name.includes(filter)))
  .sort();
let failed = 0;
for (const script of scripts) {
  console.log(`\n== ${script}`);
  const result = spawnSync(process.execPath, [join(here, script)], { stdio: 'inherit' });
  if (result.status !== 0) failed++;
}
process.exitCode = failed ? 1 : 0;
