/** The library's offline functions: deliverFlow, auditHandler, synthesizeEvents (over the cores `trigger-flow --offline` runs). */
import type Stripe from 'stripe';
import { checkInteger } from '../lib/option-values.js';
import { runAudit, type AuditReport, type AuditSample } from '../offline/audit.js';
import { synthesizeFlow } from '../offline/synthesize.js';
import { runOfflineFlow } from '../run/offline-runner.js';
import { offlineSettings, storySettings } from '../run/offline-settings.js';
import { reportJson, type FlowReport } from '../run/report.js';
import { checkSeed, checkTimeout, interruptible, requireSecret, resolveFlowInput } from './common.js';
import type { AuditHandlerOptions, DeliverFlowOptions, SynthesizeEventsOptions } from './options.js';

export function deliverFlow(options: DeliverFlowOptions): Promise<FlowReport> {
  return interruptible(options.signal, async () => {
    const flow = await resolveFlowInput(options.flow);
    const settings = offlineSettings({ ...options, seed: checkSeed(options.seed) });
    const report = await runOfflineFlow({
      ...settings,
      flow,
      secret: requireSecret(options.secret),
      duplicate: Boolean(options.duplicate),
      shuffle: Boolean(options.shuffle),
      repeat: options.repeat === undefined ? 1 : checkInteger(options.repeat, 'repeat', 1, 100_000),
      concurrency: options.concurrency === undefined ? 1 : checkInteger(options.concurrency, 'concurrency', 1, 1000),
      continueOnError: Boolean(options.continueOnError),
      timeoutMs: checkTimeout(options.timeoutMs),
      signal: options.signal,
    });
    return reportJson(report, settings.seed);
  });
}

export function auditHandler(options: AuditHandlerOptions): Promise<AuditReport> {
  return interruptible(options.signal, async () => {
    const settings = offlineSettings({ ...options, seed: checkSeed(options.seed) });
    const secret = requireSecret(options.secret);
    const flow = options.flow === undefined ? undefined : await resolveFlowInput(options.flow);
    // The flow's first event, synthesized: the audit sends copies of it (fresh ids) instead of a payment_intent.succeeded.
    const sample = flow && (synthesizeFlow([flow.steps[0]!.event], { ...settings, now: Math.floor(Date.now() / 1000) })[0] as unknown as AuditSample);
    return runAudit({ ...settings, secret, sample, timeoutMs: checkTimeout(options.timeoutMs), signal: options.signal });
  });
}

export async function synthesizeEvents(options: SynthesizeEventsOptions): Promise<Stripe.Event[]> {
  const flow = await resolveFlowInput(options.flow);
  const { seed, apiVersion } = storySettings({ seed: checkSeed(options.seed), apiVersion: options.apiVersion });
  const now = options.now === undefined ? Math.floor(Date.now() / 1000) : checkInteger(options.now, 'now', 0, 2 ** 40, 1_700_000_000);
  // Types the models do not know get Stripe's envelope with a generic object: typed as Stripe.Event all the same.
  return synthesizeFlow(flow.steps.map((step) => step.event), { seed, apiVersion, now }) as Stripe.Event[];
}
