/**
 * The live `trigger-flow`: validate the options, print the plan (--dry-run) or
 * run the flow through the real Stripe CLI with `runLiveFlow`, then render the report.
 * Exit 1 when a step failed, after the report is printed.
 */
import { resolve } from 'node:path';
import type { Context } from '../../context.js';
import { offlineOnlyGiven, type TriggerFlowCommandOptions } from './definition.js';
import { UsageError } from '../../errors.js';
import type { Flow } from '../../flows/types.js';
import { runLiveFlow } from '../../run/live-runner.js';
import { planFlow } from '../../run/plan.js';
import { listenSecret, liveTargets } from '../../run/diagnose.js';
import { runFailure } from '../../run/outcome.js';
import { reportJson } from '../../run/report.js';
import { openRecorder } from '../../record/writer.js';
import { parseForwardUrl } from '../../lib/forward-url.js';
import { parseRoute } from '../../relay/routing.js';
import { planJson, renderPlan } from '../../ui/flow-plan.js';
import { renderFlowReport } from '../../ui/flow-report.js';
import { recordingOnScreen, renderRecordSummary } from '../../ui/listen.js';
import { stepSpinners } from '../../ui/trigger-flow-live.js';
import { reportStripeCli } from '../../ui/stripe-cli.js';

export async function runLive(flow: Flow, options: TriggerFlowCommandOptions, ctx: Context): Promise<void> {
  const misplaced = offlineOnlyGiven(options);
  if (misplaced) throw new UsageError(`${misplaced} works only with --offline`, { hint: `add --offline, or drop ${misplaced}` });
  if (options.stripeAccount !== undefined && !/^acct_[A-Za-z0-9]+$/.test(options.stripeAccount)) {
    throw new UsageError(`--stripe-account "${options.stripeAccount}" is not an account id`, { hint: 'use e.g. --stripe-account acct_1A2b3C4d5E6f7G8h' });
  }
  if (!options.listen && (options.route !== undefined || options.serial)) {
    throw new UsageError(`${options.serial ? '--serial' : '--route'} and --no-listen cannot be combined`, { hint: 'the relay that routes and orders deliveries runs with the listener' });
  }
  if (!options.listen && options.record !== undefined) {
    throw new UsageError('--record and --no-listen cannot be combined: events are recorded by the relay, which runs with the listener', { hint: 'drop --no-listen to record, or run `stripe-hooks listen --record FILE` as your listener' });
  }
  const recordPath = options.record === undefined ? undefined : resolve(ctx.cwd, options.record);
  const plan = planFlow(flow, {
    routing: { forwardTo: parseForwardUrl(options.forwardTo), routes: (options.route ?? []).map(parseRoute) },
    apiBase: ctx.apiBase,
    stripeAccount: options.stripeAccount,
    stepTimeoutMs: options.stepTimeout,
    listen: options.listen,
  });
  if (options.dryRun) {
    if (ctx.json) ctx.out.data({ ...planJson(plan), ...(recordPath !== undefined && { record: recordPath }) });
    else renderPlan(plan, ctx.out);
    if (recordPath !== undefined && !ctx.json) ctx.out.line(ctx.out.c.dim(`# every delivery is appended to ${recordPath} (--record)`));
    return;
  }

  // Opened before `stripe listen` starts: a bad path is a usage error before anything runs.
  const recorder = recordPath === undefined ? undefined : openRecorder(recordPath, { live: Boolean(options.live), secrets: [ctx.apiKey] });
  const recording = recorder && { recorder, onNotice: recordingOnScreen(ctx.out, recorder, Boolean(options.live)) };
  const progress = stepSpinners(ctx.out, plan.steps.length);
  let secret: string | undefined; // the session's, for the hint when the app refuses its signatures
  const report = await runLiveFlow(ctx, {
    plan,
    onSecret: (value) => {
      secret = value;
      ctx.out.secret(value);
    },
    onProven: (cli) => reportStripeCli(ctx.out, cli),
    continueOnError: Boolean(options.continueOnError),
    relay: { serial: options.serial ? { windowMs: options.reorderWindow } : undefined, forwardTimeoutMs: options.forwardTimeout },
    recording,
    onProgress: progress.update,
    log: (text) => ctx.out.debug(text),
  }).finally(progress.done);
  const recorded = recorder?.summary(); // closed by now

  if (ctx.json) ctx.out.data({ ...reportJson(report), ...(recorded && { record: recorded }) });
  else renderFlowReport(report, ctx.out);
  if (recorded && !ctx.json) renderRecordSummary(ctx.out, recorded);
  const failure = runFailure(report, { secret: secret === undefined ? undefined : listenSecret(secret), target: plan.listen ? liveTargets(plan.listen.routing) : undefined });
  if (failure) throw failure;
}
