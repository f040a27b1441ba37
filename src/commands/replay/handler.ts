/**
 * `stripe-hooks replay FILE`: read and check the whole recording and every option
 * (exit 2 before anything is sent), settle the signing secret, then list (--dry-run)
 * or send the chosen events and, with --audit, audit the handler with the first of
 * them; render both. With --record, what was sent and how the app answered is appended
 * to another recording. Exit 1 when an event was not answered 2xx or a check failed.
 */
import { resolve } from 'node:path';
import type { Context } from '../../context.js';
import type { ReplayCommandOptions } from './definition.js';
import { runAudit } from '../../offline/audit.js';
import { pendingSecret, signingSecret } from '../../offline/secret.js';
import { UsageError } from '../../errors.js';
import { checkRecordOptions } from '../../record/policy.js';
import { readRecording } from '../../record/read.js';
import { offlineSettings } from '../../run/offline-settings.js';
import { runFailure } from '../../run/outcome.js';
import { auditSample, parseOnly, replayPreview, runReplay, selectEvents } from '../../run/replay.js';
import { renderReplayPreview, renderReplayStart } from '../../ui/replay.js';
import { warnSecretFlag } from '../../ui/secret-flag.js';
import { progressBar, renderOfflineReports, showSigningSecret } from '../../ui/trigger-flow-offline.js';
import { openRunRecording, sendRecorded } from '../recording.js';
import { holdRunInspector, startRunInspector } from '../inspecting.js';

export async function run(file: string, options: ReplayCommandOptions, ctx: Context): Promise<void> {
  const { url, seed } = offlineSettings({ forwardTo: options.forwardTo, seed: options.seed });
  const only = options.only === undefined ? undefined : parseOnly(options.only);
  const shuffle = Boolean(options.shuffle);
  const signing = await pendingSecret({ flag: options.secret, dotenv: options.dotenv, env: ctx.env, cwd: ctx.cwd });
  if (options.secret !== undefined) warnSecretFlag(ctx.out, '--secret');
  checkRecordOptions(options);
  const recording = await readRecording(file, ctx.cwd);
  const recordPath = options.record === undefined ? undefined : resolve(ctx.cwd, options.record);
  if (recordPath === recording.path) {
    throw new UsageError(`--record ${options.record} is the recording being replayed`, { hint: 'name another file for what this replay sends, e.g. --record again.ndjson' });
  }
  const entries = selectEvents(recording, { only, since: options.since });
  const copies = options.duplicate ? 2 : 1;

  if (options.dryRun) {
    const preview = replayPreview(recording, entries, { url, copies, shuffle, seed });
    return renderReplayPreview(ctx.out, { ...preview, ...(recordPath !== undefined && { record: recordPath }) });
  }

  const sample = options.audit ? await auditSample(recording, entries) : undefined;
  const secret = await signing.settle();
  showSigningSecret(ctx.out, secret);
  renderReplayStart(ctx.out, { count: entries.length, shown: recording.shown, url, redeliveries: recording.redeliveries, torn: recording.torn, ...(shuffle && { seed }) });
  const settings = { url, secret: secret.value, seed, timeoutMs: options.forwardTimeout, signal: ctx.signal };
  const record = openRunRecording(recordPath, { live: options.live, secret: secret.value }, ctx);
  const tap = await startRunInspector('replay', options, ctx, url.href);
  tap?.learn(secret.value);
  const progress = await progressBar(ctx.out, entries.length * copies);
  const report = await sendRecorded(record, ctx, progress, (sink) =>
    runReplay({
      onSent: tap?.onSent,
      ...settings,
      recording,
      entries,
      duplicate: Boolean(options.duplicate),
      shuffle,
      continueOnError: Boolean(options.continueOnError),
      onProgress: progress.update,
      record: sink,
    }),
  ).catch(async (error: unknown) => {
    await tap?.close();
    throw error;
  });
  const audit = sample ? await runAudit({ ...settings, sample }) : undefined;

  renderOfflineReports(ctx.out, report, audit, shuffle ? seed : undefined, record?.recorder.summary());
  await holdRunInspector(tap, ctx);
  const failure = runFailure(report, { audit, secret: signingSecret(secret), forwardTo: url.href });
  if (failure) throw failure;
}
