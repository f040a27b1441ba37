/**
 * Whether a finished run (a flow report, and the handler audit when there was one)
 * failed, as the error to exit 1 with after the reports are printed: what failed
 * and the most useful next step.
 */
import { FailedError } from '../errors.js';
import type { AuditReport } from '../offline/audit.js';
import { SECRET_ENV } from '../lib/secrets.js';
import { SKIPPED, type FlowReport } from './report.js';

export interface OutcomeContext {
  audit?: AuditReport;
  /** The offline seed: the hint says how to replay the same events. */
  seed?: number;
  /** The signing secret was generated for this run, so the app may not know it yet. */
  generatedSecret?: boolean;
}

const plural = (count: number, noun: string) => `${count} ${noun}${count === 1 ? '' : 's'}`;

/** The FailedError for a run with a failed step or audit check (marked as reported); undefined when all passed. */
export function runFailure(report: FlowReport, { audit, seed, generatedSecret = false }: OutcomeContext = {}): FailedError | undefined {
  const failed = report.steps.filter((step) => !step.ok && step.error !== SKIPPED);
  const failedChecks = audit?.checks.filter((check) => !check.ok).length ?? 0;
  if (failed.length === 0 && failedChecks === 0) return undefined;
  const replay = report.mode === 'replay';
  const parts = [
    ...(failed.length ? [`${plural(failed.length, replay ? 'event' : 'step')} failed`] : []),
    ...(failedChecks ? [`${plural(failedChecks, 'audit check')} failed`] : []),
  ];
  const refused = failed.some((step) => step.status !== null && step.status >= 400 && step.status < 500);
  const hint = failed.some((step) => step.error?.startsWith('nothing is listening'))
    ? 'start the app, or point --forward-to at it'
    : generatedSecret && refused
      ? `the app may not know the generated secret yet: give it ${SECRET_ENV} and run again`
      : `the report above says which and why${seed === undefined ? '' : `; --seed ${seed} replays the same events`}`;
  return new FailedError(`${replay ? 'replay of' : 'flow'} ${report.flow}: ${parts.join(', ')}`, { hint, reported: true });
}
