/**
 * `trigger-flow <flow> --offline`: validate every option (exit 2 before anything is
 * sent), settle the signing secret, then preview (--dry-run) or run the flow and, with
 * --audit, the handler audit of the flow's first event; render both. With --record, every
 * POST and its answer is appended to the recording, as a live run's relay does, so
 * `replay` can be tried without an account. Exit 1 when a step or check failed.
 */
import { resolve } from 'node:path';
import type { Context } from '../../context.js';
import type { TriggerFlowCommandOptions } from './definition.js';
import type { Flow } from '../../flows/types.js';
import { flowAuditSample, runAudit } from '../../offline/audit.js';
import { pendingSecret, signingSecret } from '../../offline/secret.js';
import { checkStepOverrides } from '../../run/offline-driver.js';
import { offlinePreview } from '../../run/offline-preview.js';
import { plannedDeliveries, runOfflineFlow } from '../../run/offline-runner.js';
import { offlineSettings } from '../../run/offline-settings.js';
import { runFailure } from '../../run/outcome.js';
import { openRunRecording, sendRecorded } from '../recording.js';
import { warnSecretFlag } from '../../ui/secret-flag.js';
import { holdRunInspector, startRunInspector } from '../inspecting.js';
import { progressBar, renderOfflineReports, renderPreview, showSigningSecret } from '../../ui/trigger-flow-offline.js';

export async function runOffline(flow: Flow, options: TriggerFlowCommandOptions, ctx: Context): Promise<void> {
  const { url, seed, apiVersion, shape, version } = offlineSettings({ ...options, flowApiVersion: flow.apiVersion, cwd: ctx.cwd });
  if (version.warning) ctx.out.warn(version.warning);
  checkStepOverrides(flow.steps, { apiVersion, shape, seed });
  const repeat = options.repeat ?? 1;
  const signing = await pendingSecret({ flag: options.secret, dotenv: options.dotenv, env: ctx.env, cwd: ctx.cwd });
  if (options.secret !== undefined) warnSecretFlag(ctx.out, '--secret');

  const recordPath = options.record === undefined ? undefined : resolve(ctx.cwd, options.record);

  if (options.dryRun) {
    const copies = options.duplicate ? 2 : 1;
    const preview = offlinePreview(flow, { url, seed, apiVersion, shape, shuffle: Boolean(options.shuffle), copies, repeat });
    return renderPreview(ctx.out, { ...preview, ...(recordPath !== undefined && { record: recordPath }) });
  }

  const secret = await signing.settle();
  showSigningSecret(ctx.out, secret);
  const settings = { url, secret: secret.value, apiVersion, shape, seed, timeoutMs: Math.min(options.stepTimeout, options.forwardTimeout), signal: ctx.signal };
  const recording = openRunRecording(recordPath, { live: options.live, secret: secret.value }, ctx);
  const tap = await startRunInspector('trigger-flow', options, ctx, url.href);
  tap?.learn(secret.value);
  const progress = await progressBar(ctx.out, plannedDeliveries({ flow, repeat, duplicate: options.duplicate }));
  const report = await sendRecorded(recording, ctx, progress, (record) =>
    runOfflineFlow({
      onSent: tap?.onSent,
      ...settings,
      flow,
      version,
      duplicate: Boolean(options.duplicate),
      shuffle: Boolean(options.shuffle),
      repeat,
      concurrency: options.concurrency ?? 1,
      continueOnError: Boolean(options.continueOnError),
      onProgress: progress.update,
      record,
    }),
  ).catch(async (error: unknown) => {
    await tap?.close();
    throw error;
  });
  report.steps.forEach((step, index) => tap?.step(index, step));
  const audit = options.audit ? await runAudit({ ...settings, sample: flowAuditSample(flow, settings) }) : undefined;

  renderOfflineReports(ctx.out, report, audit, seed, recording?.recorder.summary()); // closed by now
  await holdRunInspector(tap, ctx);
  const failure = runFailure(report, { audit, seed, secret: signingSecret(secret), forwardTo: url.href });
  if (failure) throw failure;
}
