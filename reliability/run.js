// `npm run reliability`: what happens under signals, bad input, kill -9 and hostile archives, as figures.
// Not part of `npm test` (a few minutes on 2 cores). `npm run reliability -- signals` runs one category.
// One line per category; exit 1 if any trial failed its criterion, with the failures listed.
import { cpus, loadavg } from 'node:os';
import { loadSupport } from './lib.js';
import { actionHostile } from './action-hostile.js';
import { archives } from './archives.js';
import { envConcurrent } from './env-concurrent.js';
import { envKill } from './env-kill.js';
import { malformed } from './malformed.js';
import { recordingsHostile } from './recordings-hostile.js';
import { relayAbuse } from './relay-abuse.js';
import { signals } from './signals.js';
import { terminalHostile } from './terminal-hostile.js';

const CATEGORIES = {
  signals,
  malformed,
  'env-kill': envKill,
  'env-concurrent': envConcurrent,
  archives,
  'relay-abuse': relayAbuse,
  'action-hostile': actionHostile,
  'recordings-hostile': recordingsHostile,
  'terminal-hostile': terminalHostile,
};
const only = process.argv.slice(2);
const support = await loadSupport();
console.log(`node ${process.version}, ${cpus().length} cores, load average ${loadavg()[0].toFixed(1)} at the start`);
let failed = 0;
for (const [name, category] of Object.entries(CATEGORIES)) {
  if (only.length && !only.some((filter) => name.includes(filter))) continue;
  const started = performance.now();
  const results = [await category(support)].flat();
  const ms = Math.round(performance.now() - started);
  for (const result of results) {
    const status = result.failures.length ? 'FAIL' : 'ok';
    console.log(`${status.padEnd(4)} ${result.name}: ${result.trials} trials, ${result.failures.length} failures, ${result.figures.join(', ')}, ${result.ms ?? ms} ms`);
    for (const failure of result.failures) console.log(`       - ${failure}`);
    failed += result.failures.length;
  }
}
process.exitCode = failed ? 1 : 0;
