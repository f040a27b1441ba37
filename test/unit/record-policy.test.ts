/** --record's policy (src/record/policy.ts): what was not written comes back as notices, the same for the CLI and the library. */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { recordingSink, withRecording, type RecordNotice } from '../../src/record/policy.js';
import { openRecorder, type RecordEntry } from '../../src/record/writer.js';
import { tempDir } from '../support/cli.js';

let n = 0;
function entry(fields: Record<string, unknown> = {}): RecordEntry {
  const id = `evt_p${++n}`;
  const event = { id, object: 'event', type: 'charge.succeeded', livemode: false, ...fields };
  return { receivedAt: 1_800_000_000_000, body: JSON.stringify(event), headers: {}, id, type: 'charge.succeeded', livemode: event.livemode, answer: { status: 200, ms: 1 } };
}

describe('recordingSink', () => {
  it('writes each entry; a skipped one is a notice with its reason, id and whether it is the first for that reason', () => {
    const path = join(tempDir(), 'rec.ndjson');
    const recorder = openRecorder(path, { live: false, secrets: ['sk_test_51PolicyKey'] });
    const notices: RecordNotice[] = [];
    const sink = recordingSink(recorder, (notice) => notices.push(notice));
    const [live1, live2, secret, ok] = [entry({ livemode: true }), entry({ livemode: true }), entry({ note: 'sk_test_51PolicyKey' }), entry()];
    for (const each of [live1, live2, secret, ok]) sink.write(each);
    sink.write({ ...entry(), body: undefined });
    expect(notices).toEqual([
      { kind: 'record-skipped', reason: 'livemode', id: live1.id, type: 'charge.succeeded', first: true },
      { kind: 'record-skipped', reason: 'livemode', id: live2.id, type: 'charge.succeeded', first: false },
      { kind: 'record-skipped', reason: 'secret', id: secret.id, type: 'charge.succeeded', first: true },
      { kind: 'record-skipped', reason: 'not-event', id: expect.stringMatching(/^evt_/), type: 'charge.succeeded', first: true },
    ]);
    expect(recorder.summary()).toMatchObject({ recorded: 1, livemodeSkipped: 2, notRecorded: 2 });
    recorder.close();
  });

  it('a recording that can no longer be written is told once; later events are only counted', () => {
    const recorder = openRecorder(join(tempDir(), 'rec.ndjson'), { live: false });
    const notices: RecordNotice[] = [];
    const sink = recordingSink(recorder, (notice) => notices.push(notice));
    recorder.close();
    sink.write(entry());
    sink.write(entry());
    expect(notices).toEqual([{ kind: 'record-failed', error: `${recorder.path} is closed` }]);
    expect(recorder.summary()).toMatchObject({ recorded: 0, notRecorded: 2 });
  });
});

describe('withRecording', () => {
  it('hands the run the sink and closes the recording when the run ends', async () => {
    const recorder = openRecorder(join(tempDir(), 'rec.ndjson'), { live: false });
    const result = await withRecording({ recorder, onNotice: () => {} }, async (sink) => {
      sink!.write(entry());
      return 'done';
    });
    expect(result).toBe('done');
    expect(existsSync(recorder.path)).toBe(true);
    expect(recorder.summary()).toMatchObject({ recorded: 1 });
    expect(recorder.write(entry())).toBe('failed'); // closed
  });

  it('a run that fails leaves no file it created and wrote nothing to; without --record the run gets no sink', async () => {
    const recorder = openRecorder(join(tempDir(), 'rec.ndjson'), { live: false });
    await expect(withRecording({ recorder, onNotice: () => {} }, () => Promise.reject(new Error('no Stripe CLI')))).rejects.toThrow('no Stripe CLI');
    expect(existsSync(recorder.path)).toBe(false);
    expect(await withRecording(undefined, async (sink) => sink)).toBeUndefined();
  });
});
