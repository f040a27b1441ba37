/** The library's offline functions: deliverFlow, auditHandler, synthesizeEvents (over the cores `trigger-flow --offline` runs). */
import type Stripe from 'stripe';
import { UsageError } from '../errors.js';
import { LIBRARY_NAMES, option } from '../lib/option-name.js';
import { flowAuditSample, runAudit, type AuditReport } from '../offline/audit.js';
import type { ThinEvent } from '../offline/thin-event.js';
import { storyAsSent } from '../run/offline-driver.js';
import { runOfflineFlow } from '../run/offline-runner.js';
import { offlineSettings, storySettings } from '../run/offline-settings.js';
import { reportJson, type FlowReport } from '../run/report.js';
import { interruptible, libraryRecording, requireSecret, resolveFlowInput, thinSecretOf } from './common.js';
import { withRecording } from '../record/policy.js';
import type { AuditHandlerOptions, DeliverFlowOptions, SynthesizeEventsOptions } from './options.js';
import { checkOptions } from './check.js';
import { RULES } from './rules.js';

const unixNow = () => Math.floor(Date.now() / 1000);

export function deliverFlow(options: DeliverFlowOptions): Promise<FlowReport> {
  checkOptions('deliverFlow', options, RULES.deliverFlow);
  return interruptible(options.signal, async () => {
    const flow = await resolveFlowInput(options.flow);
    const settings = offlineSettings({ forwardTo: options.url, thinTo: options.thinUrl, seed: options.seed, apiVersion: options.apiVersion, flowApiVersion: flow.apiVersion, cwd: process.cwd() });
    const secret = requireSecret(options.secret);
    const thinSecret = thinSecretOf(options);
    const recording = libraryRecording(options.record, { secret, thinSecret });
    const report = await withRecording(recording, (record) => runOfflineFlow({
      ...settings,
      flow,
      version: settings.version,
      secret,
      thinSecret,
      record,
      duplicate: Boolean(options.duplicate),
      shuffle: Boolean(options.shuffle),
      repeat: options.repeat ?? 1,
      concurrency: options.concurrency ?? 1,
      continueOnError: Boolean(options.continueOnError),
      timeoutMs: options.timeoutMs,
      signal: options.signal,
    }));
    return reportJson({ ...report, ...(recording && { record: recording.recorder.summary() }) }, settings.seed);
  });
}

export function auditHandler(options: AuditHandlerOptions): Promise<AuditReport> {
  checkOptions('auditHandler', options, RULES.auditHandler);
  return interruptible(options.signal, async () => {
    const flow = options.flow === undefined ? undefined : await resolveFlowInput(options.flow);
    const settings = offlineSettings({ forwardTo: options.url, thinTo: options.thinUrl, seed: options.seed, apiVersion: options.apiVersion, flowApiVersion: flow?.apiVersion, cwd: process.cwd() });
    const secret = requireSecret(options.secret);
    const thinSecret = thinSecretOf(options);
    // The flow's first event, synthesized: the audit sends copies of it (fresh ids) instead of a payment_intent.succeeded.
    const sample = flow && flowAuditSample(flow, settings);
    const processed = options.processed && countOf(options.processed);
    return runAudit({ ...settings, secret, thinSecret, sample, processed, timeoutMs: options.timeoutMs, signal: options.signal, urlOption: LIBRARY_NAMES.url.name, thinUrlOption: LIBRARY_NAMES.thinUrl.name });
  });
}

/** The caller's `processed`, its answer checked: a count, or a UsageError naming the option. */
function countOf(processed: NonNullable<AuditHandlerOptions['processed']>): (eventId: string) => Promise<number> {
  const name = option('processed');
  return async (eventId) => {
    const times: unknown = await processed(eventId);
    if (typeof times === 'number' && Number.isSafeInteger(times) && times >= 0) return times;
    throw new UsageError(`${name.name} returned ${name.given(times).slice(name.name.length + 2)} for ${eventId}: not a count`, {
      hint: 'return how many times your handler did the work of that event id: 0, 1, 2, …',
    });
  };
}

export async function synthesizeEvents(options: SynthesizeEventsOptions): Promise<(Stripe.Event | ThinEvent)[]> {
  checkOptions('synthesizeEvents', options, RULES.synthesizeEvents);
  const flow = await resolveFlowInput(options.flow);
  const { seed, apiVersion, shape } = storySettings({ ...options, flowApiVersion: flow.apiVersion, cwd: process.cwd() });
  // Types the models do not know get Stripe's envelope with a generic object: typed as Stripe.Event all the same.
  return storyAsSent(flow.steps, { seed, apiVersion, shape, now: options.now ?? unixNow() }) as (Stripe.Event | ThinEvent)[];
}
