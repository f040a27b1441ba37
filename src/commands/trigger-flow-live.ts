/**
 * The live `trigger-flow`: validate the options, print the plan (--dry-run) or
 * run the flow through the real Stripe CLI with `runFlow`, then render the report.
 * Exit 1 when a step failed, after the report is printed.
 */
import type { Context } from '../context.js';
import { FailedError, UsageError } from '../errors.js';
import { planFlow } from '../run/plan.js';
import { reportJson, SKIPPED } from '../run/report.js';
import { runFlow, type FlowProgress } from '../run/live-runner.js';
import type { Flow } from '../flows/types.js';
import { parseSeconds } from '../lib/option-values.js';
import { parseForwardUrl } from '../stripe-cli/listen.js';
import { requireStripeCli } from '../stripe-cli/locate.js';
import { stripeTarget } from '../stripe-cli/spawn.js';
import { proveWithFixtures } from '../stripe-cli/triggers.js';
import { renderFlowReport } from '../ui/flow-report.js';
import { planJson, renderPlan } from '../ui/flow-plan.js';
import { reportStripeCli } from '../ui/stripe-cli.js';
import type { Spinner } from '../ui/output.js';
import type { TriggerFlowOptions } from './trigger-flow.js';

/** Options that mean something only with --offline (see program.ts). */
const OFFLINE_ONLY = ['secret', 'envFile', 'apiVersion', 'seed', 'duplicate', 'shuffle', 'repeat', 'concurrency', 'audit'] as const;
const READY_TIMEOUT_MS = 30_000;

const flag = (name: string) => `--${name.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`)}`;

export async function runLive(flow: Flow, options: TriggerFlowOptions, ctx: Context): Promise<void> {
  const misplaced = OFFLINE_ONLY.find((name) => options[name] !== undefined);
  if (misplaced) throw new UsageError(`${flag(misplaced)} works only with --offline`, { hint: `add --offline, or drop ${flag(misplaced)}` });
  if (options.stripeAccount !== undefined && !/^acct_[A-Za-z0-9]+$/.test(options.stripeAccount)) {
    throw new UsageError(`--stripe-account "${options.stripeAccount}" is not an account id`, { hint: 'use e.g. --stripe-account acct_1A2b3C4d5E6f7G8h' });
  }
  const plan = planFlow(flow, {
    forwardTo: parseForwardUrl(options.forwardTo),
    apiBase: ctx.apiBase,
    stripeAccount: options.stripeAccount,
    stepTimeoutMs: parseSeconds(options.stepTimeout, '--step-timeout'),
    listen: options.listen !== false,
  });
  if (options.dryRun) {
    if (ctx.json) ctx.out.data(planJson(plan));
    else renderPlan(plan, ctx.out);
    return;
  }

  // The fixture list is read while the binary is proven (or both come from the probe cache).
  const cli = await requireStripeCli(ctx, proveWithFixtures);
  reportStripeCli(ctx.out, cli);
  const progress = spinners(ctx, plan.steps.length);
  const report = await runFlow({
    plan,
    target: stripeTarget(ctx, cli.path),
    continueOnError: Boolean(options.continueOnError),
    signal: ctx.signal,
    readyTimeoutMs: READY_TIMEOUT_MS,
    onProgress: progress.update,
    log: (text) => ctx.out.debug(text),
  }).finally(progress.done);

  if (ctx.json) ctx.out.data(reportJson(report));
  else renderFlowReport(report, ctx.out);
  if (!report.ok) {
    const failed = report.steps.filter((step) => !step.ok && step.error !== SKIPPED);
    throw new FailedError(`flow ${report.flow}: ${failed.length} step${failed.length === 1 ? '' : 's'} failed`, {
      hint: 'the report above says which and why',
      reported: true,
    });
  }
}

/** One spinner per step on a terminal (stderr); nothing otherwise. */
function spinners(ctx: Context, total: number): { update: (progress: FlowProgress) => void; done: () => Promise<void> } {
  let current: Promise<Spinner> | undefined;
  const on = (act: (spinner: Spinner) => void) => void current?.then(act);
  const label = (progress: Extract<FlowProgress, { step: unknown }>) => `step ${progress.step.index + 1}/${total} ${progress.step.step.event}`;
  return {
    update: (progress) => {
      if (!ctx.out.interactive) return;
      switch (progress.kind) {
        case 'listening':
          current = ctx.out.spinner('Starting stripe listen…');
          return;
        case 'ready':
          return on((spinner) => spinner.stop());
        case 'step-start':
          current = ctx.out.spinner(`${label(progress)} — ${progress.step.trigger ? `stripe trigger ${progress.step.trigger}` : 'waiting for it'}`);
          return;
        case 'step-triggered':
          return on((spinner) => spinner.update(`${label(progress)} — waiting for the delivery`));
        case 'step-end': {
          const { result } = progress;
          const text = `${label(progress)} ${result.status ?? ''} ${result.ms} ms${result.error ? ` — ${result.error}` : ''}`;
          return on((spinner) => (result.ok ? spinner.succeed(text) : spinner.fail(text)));
        }
      }
    },
    done: async () => {
      (await current)?.stop();
    },
  };
}
