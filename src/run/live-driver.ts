/**
 * The live driver: checks that every step has a `stripe trigger` fixture, starts
 * `stripe listen` for the flow's events (unless --no-listen), fires each step
 * with `stripe trigger`, and turns the listener's lines into deliveries and
 * answers. Trigger failures are sorted: a broken fixture is the step's, a bad
 * key or network is the environment's (thrown).
 */
import { startListener, type Listener, type ListenerEvent } from '../stripe-cli/listen.js';
import { classifyCliMessage, cliFailure, cliMessageDetail, execStripe, StripeCliError, type StripeTarget } from '../stripe-cli/spawn.js';
import { triggerableEvents, triggerFailureMessage } from '../stripe-cli/triggers.js';
import type { DriverEvent } from './inbox.js';
import { assertTriggerable, type FlowPlan, type PlannedStep } from './plan.js';
import type { DeliverySink, Driver, FireOutcome } from './runner.js';

export interface LiveDriverOptions {
  plan: FlowPlan;
  target: StripeTarget;
  readyTimeoutMs: number;
  /** Told before `stripe listen` starts and once it is ready. */
  onListener?: (state: 'listening' | 'ready') => void;
  /** Diagnostics for --verbose. */
  log?: (text: string) => void;
}

export function createLiveDriver(options: LiveDriverOptions): Driver<PlannedStep> {
  const { plan, target, log } = options;
  let listener: Listener | undefined;
  let stopped = false;
  return {
    observes: plan.listen !== null,
    async start(sink, signal) {
      assertTriggerable(plan.flow, await triggerableEvents(target, { signal }));
      if (!plan.listen) return;
      options.onListener?.('listening');
      listener = await startListener({ ...plan.listen.options, target, readyTimeoutMs: options.readyTimeoutMs, signal, log });
      options.onListener?.('ready');
      void pump(listener, sink, () => stopped);
    },
    fire: async (step, signal) => {
      if (step.args === null) throw new Error(`step ${step.step.event} observes: it has nothing to fire`);
      return runTrigger(step.args, target, step.timeoutMs, signal, log);
    },
    describe: (step) => `stripe trigger ${step.trigger}`,
    async stop() {
      stopped = true;
      await listener?.stop();
    },
  };
}

async function pump(listener: Listener, sink: DeliverySink, stopped: () => boolean): Promise<void> {
  try {
    for await (const event of listener.events) {
      const delivery = driverEvent(event);
      if (delivery) sink.push(delivery);
    }
    if (!stopped()) sink.fail(new StripeCliError('exited', 'stripe listen stopped during the flow'));
  } catch (error) {
    sink.fail(error); // the CLI died (exit 3) or the run was aborted (its reason)
  }
}

/** What a `stripe listen` line means for a flow run: a forwarded event, the app's answer, or nothing. */
export function driverEvent(event: ListenerEvent): DriverEvent | undefined {
  switch (event.kind) {
    case 'forwarded':
      return { kind: 'delivered', id: event.id, type: event.type };
    case 'response':
      return { kind: 'answered', id: event.id, at: event.at, status: event.status };
    case 'unreachable': {
      if (event.id === undefined) return undefined;
      const why = event.url ? `${event.reason} at ${event.url}` : event.reason;
      return { kind: 'answered', id: event.id, at: event.at, status: null, error: `the app is unreachable (${why})` };
    }
    default:
      return undefined;
  }
}

/** Runs one `stripe trigger`; a failure of the fixture is the step's, a broken key or network is the environment's. */
async function runTrigger(args: string[], target: StripeTarget, timeoutMs: number, signal: AbortSignal, log?: (text: string) => void): Promise<FireOutcome> {
  log?.(`running: ${target.bin} ${args.join(' ')}`);
  let run;
  try {
    run = await execStripe(target, args, { timeoutMs, signal });
  } catch (error) {
    if (error instanceof StripeCliError && error.failure === 'timeout') return { ok: false, error: error.message };
    throw error;
  }
  for (const line of `${run.stdout}\n${run.stderr}`.split('\n')) if (line.trim()) log?.(`stripe trigger: ${line.trim()}`);
  if (run.exitCode === 0) return { ok: true };
  const message = triggerFailureMessage(run.stderr);
  if (message && classifyCliMessage(message) !== 'other') throw cliFailure('trigger', message, `exited with code ${run.exitCode}`);
  return { ok: false, error: `stripe trigger failed: ${message ? cliMessageDetail(message) : `exit code ${run.exitCode}`}` };
}
