/**
 * The flow runner: runs a flow's steps in order over a `Driver` and returns one
 * result per step. A step fires (unless it observes), then waits until an event
 * of its type has been delivered and answered 2xx, within its timeout. Knows
 * nothing of processes or HTTP: the live driver runs `stripe trigger` under
 * `stripe listen`, the offline driver POSTs signed events itself.
 */
import { is2xx } from '../lib/answer.js';
import type { FlowStep } from '../flows/types.js';
import { Inbox, type DriverEvent, type Seen } from './inbox.js';
import type { SideEffect, StepFailure, StepResult } from './report.js';

/** A step as the runner sees it; drivers extend it with what they need to fire it. */
export interface RunnerStep {
  step: Pick<FlowStep, 'event' | 'observe'>;
  /** What fires it, for the report (a `stripe trigger` fixture), or null. */
  trigger: string | null;
  timeoutMs: number;
}

/** A fire that failed is the step's failure: `trigger` unless the driver says otherwise. */
export type FireOutcome = { ok: true } | { ok: false; error: string; failure?: StepFailure };

/** Where a driver reports, as they happen, the events it delivers and how the app answers them. */
export interface DeliverySink {
  push(event: DriverEvent): void;
  /** The driver's source of deliveries died (`stripe listen` exited): the run ends with `error`. */
  fail(error: unknown): void;
}

export interface Driver<S extends RunnerStep = RunnerStep> {
  /** false when nothing watches deliveries (--no-listen): a step then passes once fired, unverified. */
  readonly observes: boolean;
  /**
   * Gets ready to fire, then reports deliveries to `sink` until stop() (if it
   * observes). Must settle soon after `signal` aborts.
   */
  start(sink: DeliverySink, signal: AbortSignal): Promise<void>;
  /**
   * Causes the step's event. Resolves with the step's own failure (the fixture's);
   * rejects for the environment's (bad key, network), which ends the run. Must
   * settle soon after `signal` aborts.
   */
  fire(step: S, signal: AbortSignal): Promise<FireOutcome>;
  /** What fire() does, for when it outlives the step's timeout: "stripe trigger invoice.paid". */
  describe(step: S): string;
  /** Undoes start() and resolves once everything it started is gone; safe when start() failed or never ran. */
  stop(): Promise<void>;
}

/** A step's progress; a step skipped by fail-fast reports none. */
export type StepProgress<S> =
  | { kind: 'step-start'; step: S }
  /** The step fired; it now waits for its event's delivery. */
  | { kind: 'step-triggered'; step: S }
  | { kind: 'step-end'; step: S; result: StepResult };

export interface RunStepsOptions<S> {
  continueOnError: boolean;
  /** Aborting stops the driver (and waits for it), then the run rejects with the signal's reason. */
  signal: AbortSignal;
  onProgress?: (progress: StepProgress<S>) => void;
  /** How long the run waits at the end for the app's answers to side effects already delivered. */
  settleMs?: number;
}

export interface RunResult {
  ok: boolean;
  /** Whether deliveries were watched (false: steps passed on their trigger alone). */
  observed: boolean;
  steps: StepResult[];
  sideEffects: SideEffect[];
}

const SETTLE_MS = 2000;

export async function runSteps<S extends RunnerStep>(steps: readonly S[], driver: Driver<S>, options: RunStepsOptions<S>): Promise<RunResult> {
  const { signal } = options;
  signal.throwIfAborted();
  const bell = new Bell();
  // Every change in the inbox rings the bell (one subscription for the run); an abort fails the inbox.
  const inbox = new Inbox(bell.ring);
  const onAbort = () => inbox.fail(signal.reason);
  signal.addEventListener('abort', onAbort, { once: true });
  try {
    await driver.start(inbox, signal);
    const run: Run<S> = { driver, inbox, bell, signal, from: 0, watching: driver.observes, onProgress: options.onProgress };
    const results: StepResult[] = [];
    let failed = false;
    for (const step of steps) {
      if (failed && !options.continueOnError) {
        results.push({ event: step.step.event, trigger: step.trigger, eventId: null, status: null, ms: 0, ok: false, failure: 'skipped', error: 'not run: an earlier step failed' });
        continue;
      }
      // A step that fires looks at events from now on; an observed one from where the latest firing step's began.
      if (!step.step.observe) run.from = inbox.mark;
      options.onProgress?.({ kind: 'step-start', step });
      const result = await runStep(step, run);
      options.onProgress?.({ kind: 'step-end', step, result });
      results.push(result);
      failed ||= !result.ok;
    }
    if (run.watching) await settle(run, options.settleMs ?? SETTLE_MS);
    return { ok: !failed, observed: run.watching, steps: results, sideEffects: inbox.sideEffects() };
  } finally {
    signal.removeEventListener('abort', onAbort);
    await driver.stop(); // never return (or throw) with what the driver started still running
  }
}

interface Run<S extends RunnerStep> {
  driver: Driver<S>;
  inbox: Inbox;
  bell: Bell;
  signal: AbortSignal;
  /** Events with seq >= from may be the current step's. */
  from: number;
  watching: boolean;
  onProgress?: (progress: StepProgress<S>) => void;
}

/**
 * Lets a loop sleep until something it watches changes (the inbox, a fire settling)
 * or its deadline passes. No wake-up is lost: the loop's checks run synchronously
 * before each `wait()`.
 */
class Bell {
  expired = false;
  private waiting: (() => void) | undefined;
  private timer: NodeJS.Timeout | undefined;

  readonly ring = (): void => {
    const waiting = this.waiting;
    this.waiting = undefined;
    waiting?.();
  };

  private readonly expire = (): void => {
    this.expired = true;
    this.ring();
  };

  wait(): Promise<void> {
    return new Promise((resolve) => (this.waiting = resolve));
  }

  arm(timeoutMs: number): void {
    this.expired = false;
    this.timer = setTimeout(this.expire, timeoutMs);
  }

  disarm(): void {
    clearTimeout(this.timer);
  }
}

interface Fired {
  outcome?: FireOutcome;
  error?: { error: unknown };
}

const OBSERVED: FireOutcome = { ok: true };

async function runStep<S extends RunnerStep>(planned: S, run: Run<S>): Promise<StepResult> {
  const { inbox, bell, signal } = run;
  const started = Date.now();
  // Set as fire() settles, read by the loop below after each wake-up.
  const fired: Fired = planned.step.observe ? { outcome: OBSERVED } : {};
  const firing = planned.step.observe
    ? undefined
    : run.driver.fire(planned, signal).then(
        (outcome) => {
          fired.outcome = outcome;
          if (outcome.ok) run.onProgress?.({ kind: 'step-triggered', step: planned });
          bell.ring();
        },
        (error: unknown) => {
          fired.error = { error };
          bell.ring();
        },
      );
  bell.arm(planned.timeoutMs);
  try {
    let seen: Seen | undefined;
    for (;;) {
      if (signal.aborted) throw signal.reason;
      if (fired.error) throw fired.error.error; // environment trouble (bad key, network): not the app's fault
      inbox.assertAlive(); // the driver died: not a step failure
      const { outcome } = fired;
      if (outcome && !outcome.ok) return stepResult(planned, started, { failure: outcome.failure ?? 'trigger', error: outcome.error }, seen);
      if (!run.watching) {
        if (outcome) return stepResult(planned, started, undefined);
      } else {
        seen ??= inbox.claim(planned.step.event, run.from, !planned.step.observe);
        if (seen?.answeredAt !== undefined) {
          if (seen.error !== undefined) return stepResult(planned, started, { failure: seen.failure ?? 'status', error: seen.error }, seen);
          if (!is2xx(seen.status)) return stepResult(planned, started, { failure: 'status', error: `the app answered ${seen.status} to ${seen.id}` }, seen);
          if (outcome) return stepResult(planned, started, undefined, seen);
        }
      }
      if (bell.expired) return stepResult(planned, started, timedOut(planned, run.driver, outcome, seen), seen);
      await bell.wait();
    }
  } finally {
    bell.disarm();
    await firing; // what fire() started is over (drivers bound it by the step's timeout and the abort signal)
  }
}

interface Failed {
  failure: StepFailure;
  error: string;
}

function stepResult(planned: RunnerStep, started: number, failed: Failed | undefined, seen?: Seen): StepResult {
  const error = failed?.error;
  const result: StepResult = {
    event: planned.step.event,
    trigger: planned.trigger,
    eventId: seen?.id ?? null,
    ...(seen?.url !== undefined && { url: seen.url }),
    status: seen?.status ?? null,
    // The driver's own measure if it has one; else from the step's start. An observed
    // event may have been answered before its step began: 0 then.
    ms: seen?.ms ?? Math.max(0, (error === undefined && seen?.answeredAt ? seen.answeredAt : Date.now()) - started),
    ok: error === undefined,
  };
  if (failed) {
    result.failure = failed.failure;
    result.error = failed.error;
  }
  if (seen?.reordered) result.reordered = true;
  return result;
}

function timedOut<S extends RunnerStep>(planned: S, driver: Driver<S>, outcome: FireOutcome | undefined, seen: Seen | undefined): Failed {
  const seconds = `${planned.timeoutMs / 1000} s`;
  if (!outcome) return { failure: 'trigger', error: `${driver.describe(planned)} did not finish within ${seconds}` };
  if (seen) return { failure: 'timeout', error: `the app did not answer ${seen.id} within ${seconds}` };
  const observed = planned.step.observe ? ' (observed: an earlier step must cause it)' : '';
  return { failure: 'no-event', error: `no ${planned.step.event} event arrived within ${seconds}${observed}` };
}

/** Gives the app a moment to answer side effects already delivered, so the report shows their status. */
async function settle(run: Pick<Run<RunnerStep>, 'inbox' | 'bell' | 'signal'>, settleMs: number): Promise<void> {
  const { inbox, bell, signal } = run;
  if (signal.aborted) throw signal.reason;
  if (!inbox.waiting) return;
  bell.arm(settleMs);
  try {
    while (inbox.waiting && !bell.expired && !signal.aborted) await bell.wait();
    if (signal.aborted) throw signal.reason;
  } finally {
    bell.disarm();
  }
}
