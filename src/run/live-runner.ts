/**
 * The live flow runner: starts `stripe listen` for the flow's events, then runs
 * each step in order — `stripe trigger` (unless the step observes), then waits
 * until the step's event has been forwarded and answered by the app — and
 * returns a FlowReport. It prints nothing; progress goes to `onProgress`.
 * On abort (Ctrl+C) the running trigger and the listener are stopped and
 * waited for before the signal's reason is thrown.
 */
import { startListener, type Listener } from '../stripe-cli/listen.js';
import { classifyCliMessage, cliFailure, cliMessageDetail, execStripe, StripeCliError, type StripeTarget } from '../stripe-cli/spawn.js';
import { triggerableEvents, triggerFailureMessage } from '../stripe-cli/triggers.js';
import { Inbox, type Seen } from './inbox.js';
import { assertTriggerable, type FlowPlan, type PlannedStep } from './plan.js';
import { SKIPPED, type FlowReport, type StepResult } from './report.js';

export type FlowProgress =
  | { kind: 'listening' }
  | { kind: 'ready' }
  | { kind: 'step-start'; step: PlannedStep }
  /** The trigger finished; the step now waits for its event's delivery. */
  | { kind: 'step-triggered'; step: PlannedStep }
  | { kind: 'step-end'; step: PlannedStep; result: StepResult };

export interface RunFlowOptions {
  plan: FlowPlan;
  target: StripeTarget;
  continueOnError: boolean;
  signal: AbortSignal;
  readyTimeoutMs: number;
  onProgress?: (progress: FlowProgress) => void;
  /** Diagnostics for --verbose. */
  log?: (text: string) => void;
}

/** How long the run waits at the end for the app's answers to side effects already forwarded. */
const SETTLE_MS = 2000;

export async function runFlow(options: RunFlowOptions): Promise<FlowReport> {
  const { plan, target, signal } = options;
  const progress = options.onProgress ?? (() => {});
  if (signal.aborted) throw signal.reason;
  assertTriggerable(plan.flow, await triggerableEvents(target, { signal }));

  const inbox = new Inbox();
  let listener: Listener | undefined;
  try {
    if (plan.listen) {
      progress({ kind: 'listening' });
      listener = await startListener({ ...plan.listen.options, target, readyTimeoutMs: options.readyTimeoutMs, signal, log: options.log });
      void pump(listener, inbox);
      progress({ kind: 'ready' });
    }
    const steps: StepResult[] = [];
    let failed = false;
    let triggeredAt = 0; // where the latest triggering step's events begin: observed steps look from there
    for (const planned of plan.steps) {
      if (failed && !options.continueOnError) {
        steps.push({ event: planned.step.event, trigger: planned.trigger, eventId: null, status: null, ms: 0, ok: false, error: SKIPPED });
        continue;
      }
      if (planned.args) triggeredAt = inbox.mark;
      progress({ kind: 'step-start', step: planned });
      const result = await runStep(planned, { ...options, inbox, from: planned.args ? inbox.mark : triggeredAt, listening: Boolean(listener) });
      progress({ kind: 'step-end', step: planned, result });
      steps.push(result);
      failed ||= !result.ok;
    }
    if (listener) await settle(inbox, signal);
    return { flow: plan.flow.name, ok: !failed, mode: listener ? 'live' : 'unverified', steps, sideEffects: inbox.sideEffects() };
  } finally {
    await listener?.stop(); // never return (or throw) with a stripe child still running
  }
}

async function pump(listener: Listener, inbox: Inbox): Promise<void> {
  try {
    for await (const event of listener.events) inbox.push(event);
    inbox.fail(new StripeCliError('exited', 'stripe listen stopped during the flow'));
  } catch (error) {
    inbox.fail(error); // the CLI died (exit 3) or the run was aborted (its reason)
  }
}

interface StepContext extends RunFlowOptions {
  inbox: Inbox;
  /** Events with seq >= from may be this step's. */
  from: number;
  listening: boolean;
}

type TriggerOutcome = { ok: true } | { ok: false; error: string };

/**
 * Lets a loop sleep until something it watches changes: the inbox, the abort
 * signal, its deadline, or a `poke`. No wake-up is lost: the loop's checks run
 * synchronously before each `wait()`.
 */
function waker(inbox: Inbox, signal: AbortSignal, timeoutMs: number) {
  let resolve: (() => void) | undefined;
  let expired = false;
  const poke = () => resolve?.();
  const timer = setTimeout(() => {
    expired = true;
    poke();
  }, timeoutMs);
  const unsubscribe = inbox.onChange(poke);
  signal.addEventListener('abort', poke);
  return {
    poke,
    expired: () => expired,
    wait: () => new Promise<void>((done) => (resolve = done)),
    dispose: () => {
      clearTimeout(timer);
      unsubscribe();
      signal.removeEventListener('abort', poke);
    },
  };
}

async function runStep(planned: PlannedStep, context: StepContext): Promise<StepResult> {
  const { step, timeoutMs } = planned;
  const { inbox, signal } = context;
  const started = Date.now();
  const result = (fields: Partial<StepResult> & { ok: boolean }, seen?: Seen): StepResult => ({
    event: step.event,
    trigger: planned.trigger,
    eventId: seen?.id ?? null,
    status: seen?.status ?? null,
    // An observed event may have been answered before its step began: 0 then.
    ms: Math.max(0, (fields.ok && seen?.answeredAt ? seen.answeredAt : Date.now()) - started),
    ...fields,
  });

  const wake = waker(inbox, signal, timeoutMs);
  // Set by the trigger as it finishes, read by the loop below after each wake-up.
  const trigger: { outcome?: TriggerOutcome; error?: { error: unknown } } = planned.args ? {} : { outcome: { ok: true } };
  const triggered = planned.args
    ? runTrigger(planned.args, context, timeoutMs)
        .then(
          (done) => {
            trigger.outcome = done;
            if (done.ok) context.onProgress?.({ kind: 'step-triggered', step: planned });
          },
          (error: unknown) => void (trigger.error = { error }),
        )
        .finally(wake.poke)
    : Promise.resolve();
  try {
    let seen: Seen | undefined;
    for (;;) {
      if (signal.aborted) throw signal.reason;
      if (trigger.error) throw trigger.error.error; // environment trouble (bad key, network): not the app's fault
      inbox.assertAlive(); // the listener died: exit 3, not a step failure
      const { outcome } = trigger;
      if (outcome && !outcome.ok) return result({ ok: false, error: outcome.error }, seen);
      if (!context.listening) {
        if (outcome) return result({ ok: true });
      } else {
        seen ??= inbox.claim(step.event, context.from);
        if (seen?.answeredAt !== undefined) {
          if (seen.unreachable) return result({ ok: false, error: `the app is unreachable (${seen.unreachable})` }, seen);
          if (seen.status! < 200 || seen.status! >= 300) return result({ ok: false, error: `the app answered ${seen.status} to ${seen.id}` }, seen);
          if (outcome) return result({ ok: true }, seen);
        }
      }
      if (wake.expired()) return result({ ok: false, error: timeoutMessage(planned, outcome, seen) }, seen);
      await wake.wait();
    }
  } finally {
    wake.dispose();
    await triggered; // the trigger child is gone (it shares the step's timeout and the abort signal)
  }
}

function timeoutMessage(planned: PlannedStep, outcome: TriggerOutcome | undefined, seen: Seen | undefined): string {
  const seconds = `${planned.timeoutMs / 1000} s`;
  if (!outcome) return `stripe trigger ${planned.trigger} did not finish within ${seconds}`;
  if (seen) return `the app did not answer ${seen.id} within ${seconds}`;
  const observed = planned.step.observe ? ' (observed: an earlier step must cause it)' : '';
  return `no ${planned.step.event} event arrived within ${seconds}${observed}`;
}

/** Runs one `stripe trigger`; a failure of the fixture is the step's, a broken key or network is the environment's. */
async function runTrigger(args: string[], context: StepContext, timeoutMs: number): Promise<TriggerOutcome> {
  context.log?.(`running: ${context.target.bin} ${args.join(' ')}`);
  let run;
  try {
    run = await execStripe(context.target, args, { timeoutMs, signal: context.signal });
  } catch (error) {
    if (error instanceof StripeCliError && error.failure === 'timeout') return { ok: false, error: error.message };
    throw error;
  }
  for (const line of `${run.stdout}\n${run.stderr}`.split('\n')) if (line.trim()) context.log?.(`stripe trigger: ${line.trim()}`);
  if (run.exitCode === 0) return { ok: true };
  const message = triggerFailureMessage(run.stderr);
  if (message && classifyCliMessage(message) !== 'other') throw cliFailure('trigger', message, `exited with code ${run.exitCode}`);
  return { ok: false, error: `stripe trigger failed: ${message ? cliMessageDetail(message) : `exit code ${run.exitCode}`}` };
}

/** Gives the app a moment to answer side effects already forwarded, so the report shows their status. */
async function settle(inbox: Inbox, signal: AbortSignal): Promise<void> {
  const wake = waker(inbox, signal, SETTLE_MS);
  try {
    while (inbox.unanswered.length > 0 && !wake.expired() && !signal.aborted) await wake.wait();
    if (signal.aborted) throw signal.reason;
  } finally {
    wake.dispose();
  }
}
