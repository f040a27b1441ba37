/**
 * Concurrent `.env` writers: real processes running writeEnvValue (src/lib/env-file.ts, bundled alone) at once, each with its own keys. Every
 * write is a read-modify-write of the whole file; without taking turns, one writer's rename drops another's key.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { parse } from 'dotenv';
import { afterEach, describe, expect, it } from 'vitest';
import { bundleAlone } from '../support/bundle.js';

const WRITERS = 8;
const ROUNDS = 25;
// Writes KEY_<writer>_<round> for each round in turn: a key lost once is never written again, so it shows.
const writerScript = (envFile: string) => `
import { writeEnvValue } from ${JSON.stringify(envFile)};
const [file, writer, rounds] = process.argv.slice(1);
for (let round = 0; round < Number(rounds); round++) await writeEnvValue(file, \`KEY_\${writer}_\${round}\`, \`whsec_\${writer}_\${round}\`);
`;

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('.env writers at the same time', () => {
  it(`${WRITERS} processes, ${ROUNDS} keys each: every key is kept, and no lock is left behind`, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'stripe-hooks-env-'));
    dirs.push(dir);
    const file = join(dir, '.env');
    const script = writerScript(await bundleAlone('src/lib/env-file.ts'));
    const run = (writer: number) => promisify(execFile)(process.execPath, ['--input-type=module', '-e', script, file, String(writer), String(ROUNDS)]);
    await Promise.all(Array.from({ length: WRITERS }, (_, writer) => run(writer)));
    const values = parse(readFileSync(file, 'utf8'));
    const expected = Object.fromEntries(Array.from({ length: WRITERS * ROUNDS }, (_, i) => [`KEY_${i % WRITERS}_${Math.floor(i / WRITERS)}`, `whsec_${i % WRITERS}_${Math.floor(i / WRITERS)}`]));
    expect(values).toEqual(expected);
    expect(readFileSync(file, 'utf8').split('\n').filter(Boolean)).toHaveLength(WRITERS * ROUNDS);
    expect(() => readFileSync(`${file}.lock`)).toThrow(/ENOENT/);
  });
});
