/**
 * The live driver: checks that every step has a `stripe trigger` fixture, starts
 * `stripe listen` behind the relay for the flow's events (unless --no-listen),
 * fires each step with `stripe trigger`, and reports the relay's deliveries,
 * matched by event id. Trigger failures are sorted: a broken fixture is the
 * step's, a bad key or network is the environment's (thrown).
 */
import { startRelayedListener, type RelayedEvent, type RelayedListener, type RelayedListenerOptions } from '../relay/listener.js';
import { classifyCliMessage, cliFailure, cliMessageDetail, execStripe, StripeCliError, type StripeTarget } from '../stripe-cli/spawn.js';
import { triggerableEvents, triggerFailureMessage } from '../stripe-cli/triggers.js';
import { startWhileProving, type Proof, type UnprovenCli } from '../stripe-cli/while-proving.js';
import type { DriverEvent } from './inbox.js';
import { answeredError, is2xx } from '../lib/answer.js';
import { assertTriggerable, type FlowPlan, type PlannedStep } from './plan.js';
import type { DeliverySink, Driver, FireOutcome } from './runner.js';

export interface LiveDriverOptions {
  plan: FlowPlan;
  target: StripeTarget;
  readyTimeoutMs: number;
  /** How the relay delivers: --serial, --forward-timeout, --skip-verify; and --record, --inspect. */
  relay?: Pick<RelayedListenerOptions, 'serial' | 'forwardTimeoutMs' | 'skipVerify' | 'record' | 'onExchange'>;
  /** Told before `stripe listen` starts and once it is ready. */
  onListener?: (state: 'listening' | 'ready') => void;
  /** The secret the session signs with, once ready and again if a reconnect brings another (for the report's hints; never to print whole). */
  onSecret?: (secret: string) => void;
  /** Diagnostics for --verbose. */
  log?: (text: string) => void;
  /** The Stripe CLI at target.bin, still being proven: `stripe listen` starts meanwhile (while-proving.ts). */
  unproven: UnprovenCli;
  /** What the proof found, when it arrives (warnings for the command to show). */
  onProven?: (cli: Proof) => void;
}

export function createLiveDriver(options: LiveDriverOptions): Driver<PlannedStep> {
  const { plan, log } = options;
  let target = options.target; // the binary that proved to work, once known
  let listener: RelayedListener | undefined;
  let stopped = false;
  /** The binary's proof (`stripe version`, at low priority) may outlast the run: stop() waits for it. */
  let proof: Promise<unknown> | undefined;
  return {
    observes: plan.listen !== null,
    async start(sink, signal) {
      if (plan.listen) {
        options.onListener?.('listening');
        const { events, routing } = plan.listen;
        // `stripe listen` starts at once, while the binary is proven and its fixtures are read.
        const started = await startWhileProving(
          options.unproven,
          (bin, abort) => startRelayedListener({ ...options.relay, events, routing, target: { ...target, bin }, readyTimeoutMs: options.readyTimeoutMs, signal: abort, log }),
          signal,
        );
        listener = started.started;
        options.onSecret?.(listener.secret);
        target = { ...target, bin: started.path };
        proof = started.proven.then((cli) => stopped || options.onProven?.(cli), () => {}); // nothing after the run
        options.onListener?.('ready');
      } else {
        const cli = await options.unproven.require();
        target = { ...target, bin: cli.path };
        options.onProven?.(cli);
      }
      assertTriggerable(plan.flow, await triggerableEvents(target, { signal }));
      if (listener) void pump(listener, sink, () => stopped, target, options.onSecret);
    },
    fire: async (step, signal) => {
      if (step.args === null) throw new Error(`step ${step.step.event} observes: it has nothing to fire`);
      return runTrigger(step.args, target, step.timeoutMs, signal, log);
    },
    describe: (step) => `stripe trigger ${step.trigger}`,
    async stop() {
      stopped = true;
      await listener?.stop();
      await proof; // leave no `stripe version` child behind (a loaded machine runs it late)
    },
  };
}

async function pump(listener: RelayedListener, sink: DeliverySink, stopped: () => boolean, target: StripeTarget, onSecret?: (secret: string) => void): Promise<void> {
  try {
    for await (const event of listener.events) {
      if (event.kind === 'ready') onSecret?.(event.secret);
      const delivery = driverEvent(event);
      if (delivery) sink.push(delivery);
    }
    if (!stopped()) sink.fail(new StripeCliError('exited', 'stripe listen stopped during the flow', { names: target.names }));
  } catch (error) {
    sink.fail(error); // the CLI died (exit 3) or the run was aborted (its reason)
  }
}

/** What the relay saw, for a flow run: an event handed to the app, then its answer (or why there was none). */
export function driverEvent(event: RelayedEvent): DriverEvent | undefined {
  if (event.kind === 'received') {
    const { id, type, objectId } = event.received;
    if (id === undefined || type === undefined) return undefined;
    return { kind: 'delivered', id, type, ...(objectId !== undefined && { objectId }) };
  }
  if (event.kind !== 'delivery' || event.delivery.id === undefined) return undefined;
  const { id, status, ms, failure, error, body, url, reordered } = event.delivery;
  const answered: DriverEvent = { kind: 'answered', id, at: event.at, status, ms };
  if (failure !== undefined) {
    answered.failure = failure;
    // A timeout's error is "no answer within 30 s"; an interrupted one's is "the run ended before the app answered".
    answered.error = failure === 'timeout' ? `the app gave ${error}` : failure === 'interrupted' ? (error ?? 'interrupted') : `the app is unreachable at ${url}: ${error}`;
  } else if (status !== null && !is2xx(status)) {
    answered.failure = 'status';
    answered.error = answeredError(status, body);
  }
  if (reordered) answered.reordered = true;
  return answered;
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
  if (message && classifyCliMessage(message) !== 'other') throw cliFailure('trigger', message, `exited with code ${run.exitCode}`, target.names);
  return { ok: false, error: `stripe trigger failed: ${message ? cliMessageDetail(message) : `exit code ${run.exitCode}`}` };
}
