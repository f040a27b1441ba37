/**
 * The lock file both writers share (lib/lock.ts): whole from the moment it exists, taken over from a writer that is
 * gone, waited for by .env writers and refused at once for a recording, and never followed through a symlink.
 */
import { lstatSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { tryLock, waitForLock, type Lock } from '../../src/lib/lock.js';
import { lockRecording } from '../../src/record/lock.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});
function lockPath(): string {
  const dir = mkdtempSync(join(tmpdir(), 'stripe-hooks-lock-'));
  dirs.push(dir);
  return join(dir, '.env.lock');
}
function taken(attempt: ReturnType<typeof tryLock>): Lock {
  if (!('release' in attempt)) throw new Error(`expected the lock, held by ${attempt.holder}`);
  return attempt;
}

describe('lock files', () => {
  it('holds its pid from the start, says who holds it, and is free again once released', () => {
    const path = lockPath();
    const lock = taken(tryLock(path));
    expect(readFileSync(path, 'utf8')).toBe(`${process.pid}\n`);
    expect(tryLock(path)).toEqual({ holder: process.pid });
    lock.release();
    taken(tryLock(path)).release();
  });

  it('takes over a lock whose writer is gone, or that holds no pid', () => {
    for (const stale of ['2147483646\n', '', 'garbage']) {
      const path = lockPath();
      writeFileSync(path, stale);
      taken(tryLock(path));
      expect(readFileSync(path, 'utf8')).toBe(`${process.pid}\n`);
    }
  });

  it('waits for a held lock until it is released, and gives up after the wait saying who holds it', async () => {
    const path = lockPath();
    const first = taken(tryLock(path));
    expect(await waitForLock(path, 20)).toEqual({ holder: process.pid });
    const waiting = waitForLock(path, 10_000);
    first.release();
    taken(await waiting).release();
  });

  it('never follows a symlink planted as the lock: it is removed, and what it points to is left alone', () => {
    const path = lockPath();
    const victim = join(path, '..', 'victim');
    writeFileSync(victim, `${process.pid}\n`); // reads as a live holder if followed
    symlinkSync(victim, path);
    taken(tryLock(path));
    expect(lstatSync(path).isFile()).toBe(true);
    expect(readFileSync(victim, 'utf8')).toBe(`${process.pid}\n`);
  });

  it('a recording refuses at once when another run holds its lock, even through a planted symlink', () => {
    const file = join(lockPath(), '..', 'rec.ndjson');
    const held = lockRecording(file);
    expect(() => lockRecording(file)).toThrow(`another stripe-hooks run (pid ${process.pid}) is recording to it`);
    held.release();
    const victim = join(file, '..', 'victim');
    writeFileSync(victim, `${process.pid}\n`);
    symlinkSync(victim, `${file}.lock`);
    lockRecording(file).release();
    expect(readFileSync(victim, 'utf8')).toBe(`${process.pid}\n`);
  });
});
