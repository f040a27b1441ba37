/**
 * The live flow run: the runner over the live driver (`stripe listen` and one
 * `stripe trigger` per step). Returns a FlowReport; prints nothing, progress goes
 * to `onProgress`. On abort (Ctrl+C) the running trigger and the listener are
 * stopped and waited for before the signal's reason is thrown.
 */
import type { Environment } from '../lib/environment.js';
import { withRecording, type RunRecording } from '../record/policy.js';
import { stripeTarget, type StripeTarget } from '../stripe-cli/spawn.js';
import { proveWithFixtures } from '../stripe-cli/triggers.js';
import { locateUnproven } from '../stripe-cli/while-proving.js';
import { createLiveDriver, type LiveDriverOptions } from './live-driver.js';
import type { FlowPlan, PlannedStep } from './plan.js';
import type { FlowReport } from './report.js';
import { runSteps, type StepProgress } from './runner.js';

export type FlowProgress = { kind: 'listening' } | { kind: 'ready' } | StepProgress<PlannedStep>;

export interface RunFlowOptions {
  plan: FlowPlan;
  target: StripeTarget;
  continueOnError: boolean;
  signal: AbortSignal;
  readyTimeoutMs: number;
  relay?: LiveDriverOptions['relay'];
  unproven: LiveDriverOptions['unproven'];
  onProven?: LiveDriverOptions['onProven'];
  onSecret?: LiveDriverOptions['onSecret'];
  onProgress?: (progress: FlowProgress) => void;
  /** Diagnostics for --verbose. */
  log?: (text: string) => void;
}

async function runFlow(options: RunFlowOptions): Promise<FlowReport> {
  const { plan, onProgress } = options;
  const driver = createLiveDriver({ ...options, onListener: (kind) => onProgress?.({ kind }) });
  const run = await runSteps(plan.steps, driver, { continueOnError: options.continueOnError, signal: options.signal, onProgress });
  return { flow: plan.flow.name, ok: run.ok, mode: run.observed ? 'live' : 'unverified', steps: run.steps, sideEffects: run.sideEffects };
}

/** How long `stripe listen` may take to say Ready (as `listen --ready-timeout`'s default). */
export const READY_TIMEOUT_MS = 30_000;

/**
 * What `trigger-flow` and the library's triggerFlow both run: find the Stripe CLI (its fixture
 * list is read while the binary is proven, or both come from the probe cache) and run the plan
 * through it; `stripe listen` starts meanwhile.
 */
export async function runLiveFlow(
  environment: Environment,
  options: Omit<RunFlowOptions, 'target' | 'unproven' | 'signal' | 'readyTimeoutMs' | 'relay'> & {
    relay?: Omit<NonNullable<RunFlowOptions['relay']>, 'record'>;
    /** --record: the relay writes to it; closed when the run ends, discarded when it fails. */
    recording?: RunRecording;
  },
): Promise<FlowReport> {
  const { recording, ...rest } = options;
  return withRecording(recording, async (record) => {
    const unproven = await locateUnproven(environment, proveWithFixtures);
    const target = stripeTarget(environment, unproven.path);
    return runFlow({ ...rest, relay: { ...rest.relay, record }, readyTimeoutMs: READY_TIMEOUT_MS, target, unproven, signal: environment.signal });
  });
}
