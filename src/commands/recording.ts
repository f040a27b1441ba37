/**
 * `--record FILE` for a command that sends the events itself (trigger-flow --offline, replay): the recorder
 * opened before anything is sent, so a bad path is a usage error first, with the secrets the run signs with (and
 * the API key) never to be written and its notices shown as `listen --record`'s are; and the run, after which the
 * recording is closed, or, when the run is interrupted, kept with what was sent and said so.
 */
import { resolve } from 'node:path';
import type { Context } from '../context.js';
import { withRecording, type RunRecording } from '../record/policy.js';
import { openRecorder } from '../record/writer.js';
import type { RecordSink } from '../relay/listener.js';
import { recordingOnScreen, renderRecordSummary } from '../ui/listen.js';

export function openRunRecording(path: string | undefined, options: { live?: boolean; secrets: readonly (string | undefined)[] }, ctx: Context): RunRecording | undefined {
  if (path === undefined) return undefined;
  const live = Boolean(options.live);
  const recorder = openRecorder(resolve(ctx.cwd, path), { live, secrets: [...options.secrets, ctx.apiKey] });
  return { recorder, onNotice: recordingOnScreen(ctx.out, recorder, live) };
}

/** Runs `send` with the recording's sink, the progress bar stopped when it ends; interrupted, says what the file kept. */
export async function sendRecorded<T>(recording: RunRecording | undefined, ctx: Context, progress: { stop(): void }, send: (record: RecordSink | undefined) => Promise<T>): Promise<T> {
  try {
    return await withRecording(recording, send);
  } catch (error) {
    progress.stop();
    // Ctrl+C: the recording keeps what was sent and answered (the POST in flight as interrupted); say where.
    if (recording) renderRecordSummary(ctx.out, recording.recorder.summary());
    throw error;
  } finally {
    progress.stop();
  }
}
