/**
 * --record's policy for a run, one for `listen`, `trigger-flow --record` (live or offline) and the library's startListener:
 * the writer decides each entry's outcome (livemode without --live, a secret of ours in it, not an event,
 * a failed write); this turns what was not written into notices, as data, for the caller to show or hand on,
 * and closes the recording when the run ends (removing the file a run that never got going created).
 */
import { UsageError } from '../errors.js';
import type { RecordSink } from '../relay/listener.js';
import type { Recorder, RecordOutcome } from './writer.js';

export type SkipReason = Exclude<RecordOutcome, 'recorded' | 'failed'>;

export type RecordNotice =
  /** An event not written. `first`: the first for its reason this run (the CLI warns once; the summary counts them all). */
  | { kind: 'record-skipped'; reason: SkipReason; id?: string; type?: string; first: boolean }
  /** Writing stopped (the disk is full, …); told once: later events are counted as not recorded. */
  | { kind: 'record-failed'; error: string };

/** The sink the relay writes to: each entry to `recorder`, and a notice for each one not written. */
export function recordingSink(recorder: Recorder, onNotice: (notice: RecordNotice) => void): RecordSink {
  const seen = new Set<RecordOutcome>();
  return {
    forbid: (secret) => recorder.forbid(secret),
    write(entry) {
      const outcome = recorder.write(entry);
      if (outcome === 'recorded') return;
      const first = !seen.has(outcome);
      seen.add(outcome);
      if (outcome !== 'failed') return onNotice({ kind: 'record-skipped', reason: outcome, id: entry.id, type: entry.type, first });
      if (first) onNotice({ kind: 'record-failed', error: recorder.summary().error ?? `${recorder.path} is closed` });
    },
  };
}

/** --record for one run: the recorder (opened before anything starts, so a bad path stops the run first) and where its notices go. */
export interface RunRecording {
  recorder: Recorder;
  onNotice: (notice: RecordNotice) => void;
}

/**
 * Runs `work` with the recording's sink (none without --record), then closes the recorder; when `work` failed,
 * it is discarded instead: a run that failed before it recorded anything leaves no file it created.
 */
export async function withRecording<T>(recording: RunRecording | undefined, work: (record: RecordSink | undefined) => Promise<T>): Promise<T> {
  if (!recording) return work(undefined);
  let result: T;
  try {
    result = await work(recordingSink(recording.recorder, recording.onNotice));
  } catch (error) {
    recording.recorder.close({ discard: true });
    throw error;
  }
  recording.recorder.close();
  return result;
}

/**
 * --record's option rules, before anything runs: --live only with it. Offline runs record too (what was sent and
 * what the app answered), so a recording to try `replay` with needs no account.
 */
export function checkRecordOptions(options: { record?: string; live?: boolean }): void {
  if (options.live && options.record === undefined) throw new UsageError('--live works only with --record', { hint: 'add --record FILE, or drop --live' });
}
