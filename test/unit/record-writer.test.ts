/**
 * The recorder behind --record (src/record/writer.ts), on real files: created 0600, appended to only when it is
 * a recording (and made private), one whole line per event, livemode and our own secrets kept out, and bad paths
 * refused as usage errors with nothing created.
 */
import { chmodSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { parseRecordingLine } from '../../src/record/format.js';
import { openRecorder, type RecordEntry } from '../../src/record/writer.js';
import { UsageError } from '../../src/errors.js';
import { tempDir } from '../support/cli.js';

// writeSync as the real one, watched: a kill -9 can only tear a line written in more than one call.
vi.mock('node:fs', async (original) => {
  const fs = await original<typeof import('node:fs')>();
  return { ...fs, writeSync: vi.fn(fs.writeSync) };
});

let n = 0;
function entry(extra: Partial<RecordEntry> = {}, fields: Record<string, unknown> = {}): RecordEntry {
  const body = JSON.stringify({ id: `evt_w${++n}`, object: 'event', type: 'charge.succeeded', livemode: false, ...fields }, null, 2);
  return { receivedAt: 1_800_000_000_000, body, headers: { 'content-type': 'application/json', 'stripe-signature': 't=1,v1=ab' }, id: `evt_w${n}`, type: 'charge.succeeded', answer: { status: 200, ms: 3.2 }, ...extra };
}

const lines = (path: string) => readFileSync(path, 'utf8').split('\n');

describe('the recorder', () => {
  it('writes each line with its run and arrival seq; one writer per file: a second is refused until the first closes', () => {
    const path = join(tempDir(), 'rec.ndjson');
    const first = openRecorder(path, { live: false });
    expect(() => openRecorder(path, { live: false })).toThrow(`--record ${path}: another stripe-hooks run (pid ${process.pid}) is recording to it`);
    first.write(entry({ seq: 1 }));
    first.write(entry({ seq: 0 }));
    first.close();
    const [a, b] = lines(path).slice(0, 2).map(parseRecordingLine);
    expect([a!.seq, b!.seq]).toEqual([1, 0]);
    expect(a!.run).toMatch(/^[0-9a-f]{8}$/);
    expect(b!.run).toBe(a!.run);
    expect(existsSync(`${path}.lock`)).toBe(false);
    const second = openRecorder(path, { live: false }); // the first closed: free again, and a new run
    second.write(entry({ seq: 0 }));
    second.close();
    expect(parseRecordingLine(lines(path)[2]!).run).not.toBe(a!.run);
  });

  it('appends to a recording whose first line is longer than 1 MiB (lines may be up to 16 MiB)', () => {
    const path = join(tempDir(), 'rec.ndjson');
    const first = openRecorder(path, { live: false });
    expect(first.write(entry({}, { padding: 'x'.repeat(2 << 20) }))).toBe('recorded');
    first.close();
    const again = openRecorder(path, { live: false });
    expect(again.write(entry())).toBe('recorded');
    again.close();
    expect(lines(path).slice(0, 2).map((line) => parseRecordingLine(line).type)).toEqual(['charge.succeeded', 'charge.succeeded']);
  });

  it('takes over the lock of a writer that is gone (killed with -9)', () => {
    const path = join(tempDir(), 'rec.ndjson');
    writeFileSync(`${path}.lock`, '2147483646\n'); // no such process
    const recorder = openRecorder(path, { live: false });
    expect(readFileSync(`${path}.lock`, 'utf8')).toBe(`${process.pid}\n`);
    recorder.close();
    expect(existsSync(`${path}.lock`)).toBe(false);
  });

  it('creates the file 0600 and writes one whole line per event, the body byte-exact, without the signature', () => {
    const path = join(tempDir(), 'rec.ndjson');
    const recorder = openRecorder(path, { live: false });
    const first = entry({}, { note: 'caf\u00e9 \u{1F600} "quoted"\n\\', padding: 'x'.repeat(70_000) });
    expect(recorder.write(first)).toBe('recorded');
    expect(recorder.write(entry({ answer: { status: null, ms: 30_000, failure: 'timeout' } }))).toBe('recorded');
    recorder.close();
    expect(statSync(path).mode & 0o777).toBe(0o600);
    const writes = vi.mocked(writeSync).mock.calls.map((call) => Buffer.from(call[1] as unknown as Uint8Array).subarray(call[2] as number).toString('utf8'));
    expect(writes.slice(-2).join('')).toBe(readFileSync(path, 'utf8')); // one write call per line, each the whole line
    expect(writes.slice(-2).every((line) => line.endsWith('\n') && line.indexOf('\n') === line.length - 1)).toBe(true);
    const text = lines(path);
    expect(text).toHaveLength(3);
    expect(text[2]).toBe('');
    const [a, b] = text.slice(0, 2).map(parseRecordingLine);
    expect(Buffer.from(a!.body, 'utf8').equals(Buffer.from(first.body!, 'utf8'))).toBe(true);
    expect(a!.headers).toEqual({ 'content-type': 'application/json' });
    expect(b!.answer).toEqual({ status: null, ms: 30_000, failure: 'timeout' });
    expect(recorder.summary()).toEqual({ path, recorded: 2, livemodeSkipped: 0, notRecorded: 0 });
  });

  it('appends to an existing recording, and makes it private when others could read it', () => {
    const path = join(tempDir(), 'rec.ndjson');
    const before = openRecorder(path, { live: false });
    before.write(entry());
    before.close();
    chmodSync(path, 0o644);
    const again = openRecorder(path, { live: false });
    expect(again.tightened).toBe(true);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    again.write(entry());
    again.close();
    expect(lines(path).slice(0, 2).map((line) => parseRecordingLine(line).id)).toEqual([`evt_w${n - 1}`, `evt_w${n}`]);
    expect(openRecorder(path, { live: false }).tightened).toBe(false);
  });

  it('refuses to append to a file that is not a recording, and leaves it unchanged', () => {
    const dir = tempDir();
    for (const [name, text] of [['package.json', '{"name":"app"}\n'], ['blank.txt', '\n']] as const) {
      const path = join(dir, name);
      writeFileSync(path, text, { mode: 0o644 });
      expect(() => openRecorder(path, { live: false })).toThrow(`--record ${path} exists and is not a stripe-hooks recording`);
      expect(readFileSync(path, 'utf8')).toBe(text);
      expect(statSync(path).mode & 0o777).toBe(0o644);
    }
  });

  it('drops a last line an earlier recording was killed while writing, so new lines follow whole ones', () => {
    const path = join(tempDir(), 'torn.ndjson');
    const whole = readyLine();
    writeFileSync(path, `${whole}{"v":1,"recei`, { mode: 0o600 });
    const recorder = openRecorder(path, { live: false });
    expect(recorder.cut).toBe('{"v":1,"recei'.length);
    recorder.write(entry());
    recorder.close();
    const text = readFileSync(path, 'utf8');
    expect(text.startsWith(whole)).toBe(true);
    expect(lines(path).slice(0, -1).map((l) => parseRecordingLine(l).id)).toHaveLength(2);
    expect(text.endsWith('\n')).toBe(true);
  });

  it('refuses a missing directory, a directory, and a path through a file, creating nothing', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'file'), '');
    mkdirSync(join(dir, 'sub'));
    const cases: Array<[string, RegExp]> = [
      [join(dir, 'missing', 'rec.ndjson'), /the directory .*missing does not exist$/],
      [join(dir, 'sub'), /sub is a directory$/],
      [join(dir, 'file', 'rec.ndjson'), /a part of the path is not a directory$/],
    ];
    for (const [path, message] of cases) {
      const error = (() => {
        try {
          openRecorder(path, { live: false });
        } catch (caught) {
          return caught as UsageError;
        }
      })();
      expect(error).toBeInstanceOf(UsageError);
      expect(error!.message).toMatch(message);
      expect(error!.hint).toBeTruthy();
    }
    expect(existsSync(join(dir, 'missing'))).toBe(false);
  });

  it('keeps livemode events out unless live, counting them', () => {
    const path = join(tempDir(), 'rec.ndjson');
    const refusing = openRecorder(path, { live: false });
    expect(refusing.write(entry({ livemode: true }, { livemode: true }))).toBe('livemode');
    expect(refusing.write(entry())).toBe('recorded');
    expect(refusing.summary()).toMatchObject({ recorded: 1, livemodeSkipped: 1 });
    refusing.close();
    const live = openRecorder(path, { live: true });
    expect(live.write(entry({ livemode: true }, { livemode: true }))).toBe('recorded');
    live.close();
    expect(lines(path).slice(0, 2).map((line) => parseRecordingLine(line).livemode)).toEqual([false, true]);
  });

  it('writes no secret of ours: a secret-looking header is left out, an event holding our key or session secret is not written', () => {
    const key = 'sk_test_51AbCdEfGhIjKlMnOpQrStUvWx';
    const session = `whsec_${'e'.repeat(64)}`;
    const path = join(tempDir(), 'rec.ndjson');
    const recorder = openRecorder(path, { live: false, secrets: [key, undefined] });
    recorder.forbid(session);
    expect(recorder.write(entry({ headers: { 'x-api-key': `Bearer ${key}`, 'x-tenant': 'acme', 'x-other': 'rk_live_1234567890abcdef' } }))).toBe('recorded');
    expect(recorder.write(entry({}, { note: session }))).toBe('secret');
    expect(recorder.write(entry({}, { note: key }))).toBe('secret');
    recorder.close();
    const text = readFileSync(path, 'utf8');
    expect(text).not.toMatch(/sk_|rk_|whsec_/);
    expect(parseRecordingLine(lines(path)[0]!).headers).toEqual({ 'x-tenant': 'acme' });
    expect(recorder.summary()).toMatchObject({ recorded: 1, notRecorded: 2 });
  });

  it('writes only Stripe events a replay can read: not a body that is not UTF-8, nor one without an evt_ id and type', () => {
    const path = join(tempDir(), 'rec.ndjson');
    const recorder = openRecorder(path, { live: false });
    expect(recorder.write(entry({ body: undefined }))).toBe('not-event');
    expect(recorder.write(entry({ id: undefined, type: undefined, body: 'not json' }))).toBe('not-event');
    expect(recorder.write(entry({ type: undefined }))).toBe('not-event');
    recorder.close();
    expect(readFileSync(path, 'utf8')).toBe('');
    expect(recorder.summary()).toMatchObject({ recorded: 0, notRecorded: 3 });
  });

  it('close({ discard }) removes a file it created and wrote nothing to, never one it appended to', () => {
    const dir = tempDir();
    const fresh = join(dir, 'fresh.ndjson');
    openRecorder(fresh, { live: false }).close({ discard: true });
    expect(existsSync(fresh)).toBe(false);
    const kept = join(dir, 'kept.ndjson');
    const first = openRecorder(kept, { live: false });
    first.write(entry());
    first.close({ discard: true });
    openRecorder(kept, { live: false }).close({ discard: true });
    expect(lines(kept)).toHaveLength(2);
  });
});

function readyLine(): string {
  const path = join(tempDir(), 'one.ndjson');
  const recorder = openRecorder(path, { live: false });
  recorder.write(entry());
  recorder.close();
  return readFileSync(path, 'utf8');
}
