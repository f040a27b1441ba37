/**
 * The live `trigger-flow`: the plan its options make (run/live-options.ts), printed (--dry-run) or
 * run through the real Stripe CLI with `runLiveFlow`, then the report rendered.
 * Exit 1 when a step failed, after the report is printed.
 */
import { resolve } from 'node:path';
import type { Context } from '../../context.js';
import { offlineOnlyGiven, type TriggerFlowCommandOptions } from './definition.js';
import type { Flow } from '../../flows/types.js';
import { runLiveFlow } from '../../run/live-runner.js';
import { planLiveRun } from '../../run/live-options.js';
import { listenSecret, liveTargets } from '../../run/diagnose.js';
import { runFailure } from '../../run/outcome.js';
import { reportJson } from '../../run/report.js';
import { openRecorder } from '../../record/writer.js';
import { planJson, renderPlan } from '../../ui/flow-plan.js';
import { renderFlowReport } from '../../ui/flow-report.js';
import { recordingOnScreen, renderRecordSummary } from '../../ui/listen.js';
import { stepSpinners } from '../../ui/trigger-flow-live.js';
import { reportStripeCli } from '../../ui/stripe-cli.js';
import { holdRunInspector, startRunInspector } from '../inspecting.js';

export async function runLive(flow: Flow, options: TriggerFlowCommandOptions, ctx: Context): Promise<void> {
  const plan = planLiveRun(flow, { ...options, offlineOnly: offlineOnlyGiven(options) }, ctx.apiBase);
  const recordPath = options.record === undefined ? undefined : resolve(ctx.cwd, options.record);
  if (options.dryRun) {
    if (ctx.json) ctx.out.data({ ...planJson(plan), ...(recordPath !== undefined && { record: recordPath }) });
    else renderPlan(plan, ctx.out);
    if (recordPath !== undefined && !ctx.json) ctx.out.line(ctx.out.c.dim(`# every delivery is appended to ${recordPath} (--record)`));
    return;
  }

  // Opened before `stripe listen` starts: a bad path is a usage error before anything runs.
  const recorder = recordPath === undefined ? undefined : openRecorder(recordPath, { live: Boolean(options.live), secrets: [ctx.apiKey] });
  const recording = recorder && { recorder, onNotice: recordingOnScreen(ctx.out, recorder, Boolean(options.live)) };
  const tap = await startRunInspector('trigger-flow', options, ctx, plan.listen?.routing.forwardTo);
  const progress = stepSpinners(ctx.out, plan.steps.length);
  let secret: string | undefined; // the session's, for the hint when the app refuses its signatures
  const report = await runLiveFlow(ctx, {
    plan,
    onSecret: (value) => {
      secret = value;
      ctx.out.secret(value);
      tap?.learn(value);
    },
    onProven: (cli) => reportStripeCli(ctx.out, cli),
    continueOnError: Boolean(options.continueOnError),
    relay: { serial: options.serial ? { windowMs: options.reorderWindow } : undefined, forwardTimeoutMs: options.forwardTimeout, onExchange: tap?.onExchange },
    recording,
    onProgress: (event) => {
      progress.update(event);
      if (event.kind === 'step-end') tap?.step(event.step.index, event.result); // live on the page as each ends
    },
    log: (text) => ctx.out.debug(text),
  })
    .finally(progress.done)
    .catch(async (error: unknown) => {
      await tap?.close();
      throw error;
    });
  // Fail-fast's skipped steps report no progress: the page gets them with the run's end.
  report.steps.forEach((step, index) => step.failure === 'skipped' && tap?.step(index, step));
  const recorded = recorder?.summary(); // closed by now

  if (ctx.json) ctx.out.data({ ...reportJson(report), ...(recorded && { record: recorded }) });
  else renderFlowReport(report, ctx.out);
  if (recorded && !ctx.json) renderRecordSummary(ctx.out, recorded);
  await holdRunInspector(tap, ctx);
  const failure = runFailure(report, { secret: secret === undefined ? undefined : listenSecret(secret), target: plan.listen ? liveTargets(plan.listen.routing) : undefined });
  if (failure) throw failure;
}
