/**
 * --record on a path someone else prepared (src/record/writer.ts, lock.ts): the tests run as root, as CI
 * containers do, so a planted file or link would be written through. Each is refused as a usage error with
 * the target left byte for byte as it was (mode and owner too).
 */
import { chownSync, existsSync, linkSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/errors.js';
import { MAX_EVENT_BYTES } from '../../src/record/format.js';
import { openRecorder } from '../../src/record/writer.js';
import { tempDir } from '../support/cli.js';

const LINE = `${JSON.stringify({ v: 1, receivedAt: '2026-12-01T10:00:00.000Z', event: JSON.stringify({ id: 'evt_victim', type: 'charge.succeeded' }), headers: {}, answer: { status: 200, ms: 1 } })}\n`;
// A last line without its newline: what an append would cut.
const VICTIM = `${LINE}{"v":1,"recei`;

function refusal(path: string): UsageError {
  try {
    openRecorder(path, { live: false }).close();
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    expect((error as UsageError).hint).toBeTruthy();
    return error as UsageError;
  }
  throw new Error(`--record ${path} was accepted`);
}

/** The file's bytes, mode and owner, to compare before and after. */
const state = (path: string) => {
  const { mode, uid, nlink } = statSync(path);
  return { text: readFileSync(path, 'utf8'), mode, uid, nlink };
};

describe('--record on a hostile path', () => {
  it('refuses a recording another user owns, even as root, and leaves it as it was', () => {
    const path = join(tempDir(), 'rec.ndjson');
    writeFileSync(path, VICTIM, { mode: 0o644 });
    chownSync(path, 12345, 12345);
    const before = state(path);
    expect(refusal(path).message).toBe(`--record ${path} belongs to another user (uid 12345), who could read what is recorded`);
    expect(state(path)).toEqual(before);
  });

  it('refuses a symbolic link to another recording, writing nothing through it', () => {
    const dir = tempDir();
    const victim = join(dir, 'victim.ndjson');
    writeFileSync(victim, VICTIM, { mode: 0o600 });
    symlinkSync(victim, join(dir, 'rec.ndjson'));
    expect(refusal(join(dir, 'rec.ndjson')).message).toBe(`--record ${join(dir, 'rec.ndjson')} is a symbolic link (to ${victim}); --record never follows one`);
    expect(readFileSync(victim, 'utf8')).toBe(VICTIM);
  });

  it('says a dangling symbolic link is one, and creates nothing where it points', () => {
    const dir = tempDir();
    const path = join(dir, 'rec.ndjson');
    symlinkSync(join(dir, 'planted.ndjson'), path);
    expect(refusal(path).message).toBe(`--record ${path} is a symbolic link (to ${join(dir, 'planted.ndjson')}, which does not exist); --record never follows one`);
    expect(existsSync(join(dir, 'planted.ndjson'))).toBe(false);
  });

  it('refuses a recording with a second hard link', () => {
    const dir = tempDir();
    const path = join(dir, 'rec.ndjson');
    writeFileSync(path, VICTIM, { mode: 0o600 });
    linkSync(path, join(dir, 'other-name.ndjson'));
    const before = state(path);
    expect(refusal(path).message).toBe(`--record ${path} has 2 hard links: the recording could be read through another name`);
    expect(state(path)).toEqual(before);
  });

  it('never follows a lock that is a symbolic link: the link is removed (not its target) and the lock taken', () => {
    const dir = tempDir();
    const victim = join(dir, 'victim.ndjson');
    writeFileSync(victim, VICTIM, { mode: 0o600 });
    symlinkSync(victim, join(dir, 'rec.ndjson.lock'));
    const recorder = openRecorder(join(dir, 'rec.ndjson'), { live: false });
    expect(readFileSync(join(dir, 'rec.ndjson.lock'), 'utf8')).toBe(`${process.pid}\n`); // our lock, a file of its own
    recorder.close();
    expect(readFileSync(victim, 'utf8')).toBe(VICTIM);
    expect(readdirSync(dir).sort()).toEqual(['rec.ndjson', 'victim.ndjson']);
  });

  it('writes no line over 16 MiB (readers refuse one): the event is counted as not recorded', () => {
    const path = join(tempDir(), 'rec.ndjson');
    const recorder = openRecorder(path, { live: false });
    // Under the relay's body cap, but each newline doubles once the body is a JSON string.
    const body = JSON.stringify({ id: 'evt_big', type: 'charge.succeeded', pad: '\n'.repeat(MAX_EVENT_BYTES / 2) });
    const entry = { receivedAt: 0, body, headers: {}, id: 'evt_big', type: 'charge.succeeded', answer: { status: 200, ms: 1 } };
    expect(recorder.write(entry)).toBe('too-large');
    recorder.close();
    expect(readFileSync(path, 'utf8')).toBe('');
    expect(recorder.summary()).toMatchObject({ recorded: 0, notRecorded: 1 });
  });
});
