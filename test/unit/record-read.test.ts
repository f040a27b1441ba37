/** Reading a recording: every line checked first (file:line on a bad one), bodies read back byte-exact by offset. */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/errors.js';
import { MAX_EVENT_BYTES, recordingLine } from '../../src/record/format.js';
import { looksLikeRecording, openBodies, readRecording } from '../../src/record/read.js';
import { tempDir } from '../support/cli.js';

const body = (id: string, type: string, extra: Record<string, unknown> = {}) => JSON.stringify({ id, object: 'event', type, data: { object: { id: 'pi_1', ...extra } } }, null, 2);
const line = (text: string) => recordingLine({ receivedAt: Date.UTC(2026, 11, 1), body: text, headers: { 'user-agent': 'Stripe/1.0', 'stripe-signature': 't=1,v1=x' }, answer: { status: 200, ms: 3 } });

function write(content: string): { dir: string; file: string } {
  const dir = tempDir('record-read-');
  writeFileSync(join(dir, 'rec.ndjson'), content);
  return { dir, file: 'rec.ndjson' };
}

async function usageError(promise: Promise<unknown>): Promise<UsageError> {
  const error = await promise.then(() => undefined, (caught: unknown) => caught);
  expect(error).toBeInstanceOf(UsageError);
  return error as UsageError;
}

describe('readRecording', () => {
  it('puts lines written in answer order back in arrival order: by seq within each run, runs in file order', async () => {
    const at = (id: string, run: string | undefined, seq: number | undefined) =>
      recordingLine({ run, seq, receivedAt: Date.UTC(2026, 11, 1), body: body(id, 'charge.succeeded'), headers: {}, answer: { status: 200, ms: 3 } });
    // An older file's lines (no run, no seq) first, then two runs, each answered out of order.
    const { dir, file } = write([at('evt_old1', undefined, undefined), at('evt_old2', undefined, undefined), at('evt_a2', 'aaaa', 2), at('evt_a0', 'aaaa', 0), at('evt_a1', 'aaaa', 1), at('evt_b1', 'bbbb', 1), at('evt_b0', 'bbbb', 0)].join(''));
    const recording = await readRecording(file, dir);
    expect(recording.entries.map((entry) => entry.id)).toEqual(['evt_old1', 'evt_old2', 'evt_a0', 'evt_a1', 'evt_a2', 'evt_b0', 'evt_b1']);
    // A redelivery is the later arrival, wherever its line is.
    const again = write([at('evt_x', 'cccc', 1), at('evt_x', 'cccc', 0)].join(''));
    expect((await readRecording(again.file, again.dir)).entries.map((entry) => entry.line)).toEqual([2]);
  });

  it('keeps each event\'s id, type and line number, skips blank lines, and reads every body back byte for byte (multi-byte UTF-8 too)', async () => {
    const bodies = [body('evt_1', 'payment_intent.succeeded', { description: 'café ☕ 𝄞 日本' }), body('evt_2', 'charge.succeeded'), body('evt_3', 'invoice.paid', { note: 'ü'.repeat(70_000) })];
    const { dir, file } = write(`\n${line(bodies[0]!)}   \n${line(bodies[1]!).replace('\n', '\r\n')}\n${line(bodies[2]!).trimEnd()}`);
    const recording = await readRecording(file, dir);
    expect(recording).toMatchObject({ shown: 'rec.ndjson', name: 'rec.ndjson', redeliveries: 0 });
    expect(recording.entries.map(({ id, type, line: at }) => ({ id, type, at }))).toEqual([
      { id: 'evt_1', type: 'payment_intent.succeeded', at: 2 },
      { id: 'evt_2', type: 'charge.succeeded', at: 4 },
      { id: 'evt_3', type: 'invoice.paid', at: 6 },
    ]);
    const reader = await openBodies(recording);
    try {
      // Out of order: each body is found by its own offset, not by reading on.
      for (const i of [2, 0, 1]) expect(await reader.body(recording.entries[i]!)).toBe(bodies[i]);
    } finally {
      await reader.close();
    }
  });

  it('a line repeating an id (a recorded retry) is left out and counted', async () => {
    const { dir, file } = write(line(body('evt_1', 'invoice.paid')) + line(body('evt_2', 'invoice.created')) + line(body('evt_1', 'invoice.paid')));
    const recording = await readRecording(file, dir);
    expect(recording.entries.map((entry) => entry.id)).toEqual(['evt_1', 'evt_2']);
    expect(recording.redeliveries).toBe(1);
  });

  it('a last line cut short (no newline, does not parse: a kill during its write) is left out and named; a whole bad line is not', async () => {
    const whole = line(body('evt_1', 'invoice.paid')) + line(body('evt_2', 'invoice.created'));
    const cut = line(body('evt_3', 'invoice.paid')).slice(0, 40);
    const { dir, file } = write(`${whole}${cut}`);
    const recording = await readRecording(file, dir);
    expect(recording.entries.map((entry) => entry.id)).toEqual(['evt_1', 'evt_2']);
    expect(recording.torn).toBe(3);
    const terminated = write(`${whole}${cut}\n`);
    expect((await usageError(readRecording(terminated.file, terminated.dir))).message).toMatch(/^rec\.ndjson:3: /);
  });

  it.each([
    ['a line that is not JSON', '{"v":1,"event":', /^rec\.ndjson:3: not a JSON object/],
    ['an event without an evt_ id', JSON.stringify({ v: 1, event: JSON.stringify({ id: 'ch_1', type: 'charge.succeeded' }) }), /^rec\.ndjson:3: "event" has no evt_ id$/],
    ['another version', JSON.stringify({ v: 2, event: '{}' }), /^rec\.ndjson:3: unknown recording version 2/],
  ])('%s is a usage error naming file:line', async (_what, bad, message) => {
    const { dir, file } = write(line(body('evt_1', 'invoice.paid')) + '\n' + bad + '\n' + line(body('evt_2', 'invoice.paid')));
    const error = await usageError(readRecording(file, dir));
    expect(error.message).toMatch(message);
    expect(error.hint).toMatch(/listen --record/);
  });

  it('a missing file, a directory and an empty recording are one-line usage errors', async () => {
    const { dir } = write('\n\n');
    expect((await usageError(readRecording('nope.ndjson', dir))).message).toBe('recording nope.ndjson not found');
    mkdirSync(join(dir, 'sub'));
    expect((await usageError(readRecording('sub', dir))).message).toBe('sub is a directory, not a recording');
    expect((await usageError(readRecording('rec.ndjson', dir))).message).toBe('recording rec.ndjson has no events');
  });

  it('a body whose line changed after the check is not sent', async () => {
    const { dir, file } = write(line(body('evt_1', 'invoice.paid')));
    const recording = await readRecording(file, dir);
    writeFileSync(join(dir, file), line(body('evt_9', 'invoice.paid')));
    const reader = await openBodies(recording);
    try {
      expect((await usageError(reader.body(recording.entries[0]!))).message).toBe('rec.ndjson:1 changed during the replay: its bytes are not those checked');
    } finally {
      await reader.close();
    }
  });

  it('a line rewritten in place with the same id and length is not sent either', async () => {
    const { dir, file } = write(line(body('evt_1', 'invoice.paid')) + line(body('evt_2', 'invoice.paid')));
    const recording = await readRecording(file, dir);
    const path = join(dir, file);
    // Same id, same byte length, another type: only a check of the bytes themselves tells.
    const rewritten = readFileSync(path, 'utf8').replace('invoice.paid', 'invoice.void');
    expect(rewritten.length).toBe(readFileSync(path, 'utf8').length);
    writeFileSync(path, rewritten);
    const reader = await openBodies(recording);
    try {
      expect((await usageError(reader.body(recording.entries[0]!))).message).toBe('rec.ndjson:1 changed during the replay: its bytes are not those checked');
      expect(JSON.parse(await reader.body(recording.entries[1]!))).toMatchObject({ id: 'evt_2', type: 'invoice.paid' });
    } finally {
      await reader.close();
    }
  });
});

describe('readRecording on hostile lines', () => {
  it('refuses a line longer than 16 MiB as file:line, valid as it may be', async () => {
    const { dir, file } = write(line(body('evt_1', 'invoice.paid')) + line(body('evt_2', 'invoice.paid', { pad: 'x'.repeat(MAX_EVENT_BYTES) })));
    const error = await usageError(readRecording(file, dir));
    expect(error.message).toBe('rec.ndjson:2: the line is longer than 16 MiB, the largest event stripe-hooks records');
    expect(error.hint).toBeTruthy();
  });

  it('refuses a line whose bytes are not UTF-8 (they would be sent as U+FFFD), but a torn last line is still left out', async () => {
    const good = Buffer.from(line(body('evt_1', 'invoice.paid', { name: 'caf\u00e9' })));
    const at = good.indexOf('caf') + 3;
    const bad = Buffer.concat([good.subarray(0, at), Buffer.from([0xe9]), good.subarray(at + 2)]); // Latin-1 é
    const { dir, file } = write('');
    writeFileSync(join(dir, file), Buffer.concat([good, bad]));
    expect((await usageError(readRecording(file, dir))).message).toMatch(/^rec\.ndjson:2: the line is not valid UTF-8/);
    writeFileSync(join(dir, file), Buffer.concat([good, good.subarray(0, at + 1)])); // killed inside the é: torn, not an error
    expect((await readRecording(file, dir)).torn).toBe(2);
  });

  it('refuses an event holding a lone surrogate, which no UTF-8 body can', async () => {
    // In the line's `event` string itself (the body's own JSON escapes, `"\\ud800"`, are plain ASCII and fine).
    const { dir, file } = write(line(body('evt_1', 'invoice.paid', { name: 'LONE' }).replace('LONE', '\ud800')));
    expect((await usageError(readRecording(file, dir))).message).toMatch(/^rec\.ndjson:1: "event" holds a lone surrogate/);
  });
});

describe('looksLikeRecording', () => {
  it('is decided by the first non-blank line', () => {
    expect(looksLikeRecording(`\n  \n${line(body('evt_1', 'invoice.paid'))}not json\n`)).toBe(true);
    expect(looksLikeRecording('name: refund\nsteps:\n  - event: charge.refunded\n')).toBe(false);
    expect(looksLikeRecording('{"name":"x","steps":[{"event":"invoice.paid"}]}')).toBe(false);
    expect(looksLikeRecording('\n\n')).toBe(false);
  });
});
