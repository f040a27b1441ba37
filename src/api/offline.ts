/** The library's offline functions: deliverFlow, auditHandler, synthesizeEvents (over the cores `trigger-flow --offline` runs). */
import type Stripe from 'stripe';
import { LIBRARY_NAMES } from '../lib/option-name.js';
import { runAudit, type AuditReport, type AuditSample } from '../offline/audit.js';
import { synthesizeFlow } from '../offline/synthesize.js';
import { storyAsSent } from '../run/offline-driver.js';
import { runOfflineFlow } from '../run/offline-runner.js';
import { offlineSettings, storySettings } from '../run/offline-settings.js';
import { reportJson, type FlowReport } from '../run/report.js';
import { interruptible, requireSecret, resolveFlowInput } from './common.js';
import type { AuditHandlerOptions, DeliverFlowOptions, SynthesizeEventsOptions } from './options.js';
import { checkOptions } from './check.js';
import { RULES } from './rules.js';

const unixNow = () => Math.floor(Date.now() / 1000);

export function deliverFlow(options: DeliverFlowOptions): Promise<FlowReport> {
  checkOptions('deliverFlow', options, RULES.deliverFlow);
  return interruptible(options.signal, async () => {
    const flow = await resolveFlowInput(options.flow);
    const settings = offlineSettings({ forwardTo: options.url, seed: options.seed, apiVersion: options.apiVersion, flowApiVersion: flow.apiVersion, cwd: process.cwd() });
    const report = await runOfflineFlow({
      ...settings,
      flow,
      version: settings.version,
      secret: requireSecret(options.secret),
      duplicate: Boolean(options.duplicate),
      shuffle: Boolean(options.shuffle),
      repeat: options.repeat ?? 1,
      concurrency: options.concurrency ?? 1,
      continueOnError: Boolean(options.continueOnError),
      timeoutMs: options.timeoutMs,
      signal: options.signal,
    });
    return reportJson(report, settings.seed);
  });
}

export function auditHandler(options: AuditHandlerOptions): Promise<AuditReport> {
  checkOptions('auditHandler', options, RULES.auditHandler);
  return interruptible(options.signal, async () => {
    const flow = options.flow === undefined ? undefined : await resolveFlowInput(options.flow);
    const settings = offlineSettings({ forwardTo: options.url, seed: options.seed, apiVersion: options.apiVersion, flowApiVersion: flow?.apiVersion, cwd: process.cwd() });
    const secret = requireSecret(options.secret);
    // The flow's first event, synthesized: the audit sends copies of it (fresh ids) instead of a payment_intent.succeeded.
    const sample = flow && (synthesizeFlow([flow.steps[0]!.event], { ...settings, now: unixNow() })[0] as unknown as AuditSample);
    return runAudit({ ...settings, secret, sample, timeoutMs: options.timeoutMs, signal: options.signal, urlOption: LIBRARY_NAMES.url.name });
  });
}

export async function synthesizeEvents(options: SynthesizeEventsOptions): Promise<Stripe.Event[]> {
  checkOptions('synthesizeEvents', options, RULES.synthesizeEvents);
  const flow = await resolveFlowInput(options.flow);
  const { seed, apiVersion, shape } = storySettings({ ...options, flowApiVersion: flow.apiVersion, cwd: process.cwd() });
  // Types the models do not know get Stripe's envelope with a generic object: typed as Stripe.Event all the same.
  return storyAsSent(flow.steps, { seed, apiVersion, shape, now: options.now ?? unixNow() }) as Stripe.Event[];
}
