// Concurrent .env writers: 8 processes write through the real writeEnvValue (src/lib/env-file.ts) at the same
// time, each its own key per round, 100 rounds. Every write is a read-modify-write of the whole file, so without
// taking turns one writer's rename drops another's key. A key is written once, so a key lost stays lost.
import { execFile } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { parse } from 'dotenv';
import { benchSource, remove } from './lib.js';

const WRITER = (rounds) => `
import { writeEnvValue } from ${JSON.stringify(benchSource('lib/env-file'))};
const [file, writer] = process.argv.slice(1);
for (let round = 0; round < ${rounds}; round++) await writeEnvValue(file, \`KEY_\${writer}_\${round}\`, \`whsec_\${writer}_\${round}\`);
`;

export async function envConcurrent(support, { writers = 8, rounds = 100 } = {}) {
  const dir = support.tempDir('stripe-hooks-env-concurrent-');
  const file = join(dir, '.env');
  const started = performance.now();
  const runs = Array.from({ length: writers }, (_, writer) =>
    promisify(execFile)(process.execPath, ['--input-type=module', '-e', WRITER(rounds), file, String(writer)]).then(
      () => undefined,
      (error) => `writer ${writer} failed: ${error.stderr?.split('\n').find(Boolean) ?? error.message}`,
    ),
  );
  const failures = (await Promise.all(runs)).filter(Boolean);
  const ms = performance.now() - started;
  const values = parse(readFileSync(file, 'utf8'));
  let kept = 0;
  for (let writer = 0; writer < writers; writer++) {
    for (let round = 0; round < rounds; round++) {
      if (values[`KEY_${writer}_${round}`] === `whsec_${writer}_${round}`) kept++;
      else failures.push(`KEY_${writer}_${round} lost`);
    }
  }
  const leftovers = readdirSync(dir).filter((name) => name !== '.env');
  if (leftovers.length) failures.push(`left behind: ${leftovers.join(', ')}`);
  remove(dir);
  return {
    name: `${writers} concurrent .env writers`,
    trials: writers * rounds,
    failures: failures.slice(0, 10).concat(failures.length > 10 ? [`… ${failures.length - 10} more`] : []),
    figures: [`${kept}/${writers * rounds} keys kept`, `${Math.round((writers * rounds) / (ms / 1000))} writes/s`],
  };
}
