/**
 * Whether a finished run (a flow report, and the handler audit when there was one)
 * failed, as the error to exit 1 with after the reports are printed: what failed
 * and the most useful next step, chosen from the failures' classes (diagnose.ts).
 */
import { FailedError } from '../errors.js';
import type { AuditReport } from '../offline/audit.js';
import { deliveryHint, type DeliveryContext, type SigningSecret } from './diagnose.js';
import type { FlowReport } from './report.js';
import { plural } from '../lib/plural.js';
import { isThinEventType } from '../flows/thin.js';

export interface OutcomeContext {
  audit?: AuditReport;
  /** The offline seed: the hint says how to replay the same events. */
  seed?: number;
  /** The secret the events were signed with: a refused one gets a hint naming it. */
  secret?: SigningSecret;
  /** The secret thin events were signed with, when they had one of their own (--thin-secret). */
  thinSecret?: SigningSecret;
  /** Where every event went (offline runs), but thin ones with `thinTo`. */
  forwardTo?: string;
  /** Where thin events went (offline runs with --thin-to). */
  thinTo?: string;
  /** Where an event of this type went, and the option that chose it (live runs, where --route may pick). */
  target?: (event: string) => DeliveryContext['target'];
}

/** The FailedError for a run with a failed step or audit check (marked as reported); undefined when all passed. */
export function runFailure(report: FlowReport, { audit, seed, secret, thinSecret, forwardTo, thinTo, target }: OutcomeContext = {}): FailedError | undefined {
  const failed = report.steps.filter((step) => !step.ok && step.failure !== 'skipped');
  const failedChecks = audit?.checks.filter((check) => !check.ok).length ?? 0;
  if (failed.length === 0 && failedChecks === 0) return undefined;
  const replay = report.mode === 'replay';
  const parts = [
    ...(failed.length ? [`${plural(failed.length, replay ? 'event' : 'step')} failed`] : []),
    ...(failedChecks ? [`${plural(failedChecks, 'audit check')} failed`] : []),
  ];
  // An unreachable app first (nothing else can pass until it runs), then the first failure that has a hint of its own.
  const offlineTarget = (event: string) => {
    if (thinTo !== undefined && isThinEventType(event)) return { url: thinTo, flag: '--thin-to' };
    return forwardTo === undefined ? undefined : { url: forwardTo, flag: '--forward-to' };
  };
  const targetOf = (event: string) => target?.(event) ?? offlineTarget(event);
  const secretOf = (event: string) => (thinSecret !== undefined && isThinEventType(event) ? thinSecret : secret);
  const hints = failed.map((step) => ({ step, hint: deliveryHint(step, { secret: secretOf(step.event), target: targetOf(step.event) }) }));
  const chosen = hints.find(({ step }) => step.failure === 'refused') ?? hints.find(({ hint }) => hint !== undefined);
  const hint = chosen?.hint ?? `the report above says which and why${seed === undefined ? '' : `; --seed ${seed} replays the same events`}`;
  return new FailedError(`${replay ? 'replay of' : 'flow'} ${report.flow}: ${parts.join(', ')}`, { hint, reported: true });
}
