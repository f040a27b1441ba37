/** The library's live functions: triggerFlow and startListener, over the cores `trigger-flow` and `listen` run. */
import { resolve } from 'node:path';
import { abortError, UsageError } from '../errors.js';
import { assertLiveRunnable } from '../flows/load.js';
import { assertEventType, builtinFlowEvents } from '../flows/events.js';
import { parseForwardUrl } from '../lib/forward-url.js';
import { parseSeconds } from '../lib/option-values.js';
import { openRecorder } from '../record/writer.js';
import { listenEventJson, type ListenerEvent } from '../relay/listen-json.js';
import { startRelayedListener } from '../relay/listener.js';
import type { Routing } from '../relay/routing.js';
import { READY_TIMEOUT_MS, runLiveFlow } from '../run/live-runner.js';
import { planFlow } from '../run/plan.js';
import { reportJson, type FlowReport } from '../run/report.js';
import { stripeTarget } from '../stripe-cli/spawn.js';
import { locateUnproven, startWhileProving } from '../stripe-cli/while-proving.js';
import { apiEnvironment, interruptible, resolveFlowInput } from './common.js';
import type { StartListenerOptions, TriggerFlowOptions } from './options.js';

// `trigger-flow --step-timeout`'s default.
const STEP_TIMEOUT_S = 30;

export function triggerFlow(options: TriggerFlowOptions): Promise<FlowReport> {
  return interruptible(options.signal, async () => {
    const environment = apiEnvironment(options);
    const flow = await resolveFlowInput(options.flow);
    assertLiveRunnable(flow); // a recording loaded with loadFlow
    const plan = planFlow(flow, {
      routing: { forwardTo: parseForwardUrl(options.forwardTo, 'forwardTo'), routes: [] },
      apiBase: environment.apiBase,
      stepTimeoutMs: parseSeconds(String(options.stepTimeout ?? STEP_TIMEOUT_S), 'stepTimeout'),
      listen: true,
    });
    return reportJson(await runLiveFlow(environment, { plan, continueOnError: Boolean(options.continueOnError) }));
  });
}

export interface Listener {
  /** The session's signing secret: what the app verifies with. */
  secret: string;
  /** `listen --json`'s objects, from `ready` on; ends after stop(); throws if the Stripe CLI dies (kind 'interrupted' after an abort). */
  events: AsyncIterable<ListenerEvent>;
  /** Stops `stripe listen` (resolves once it is gone) and the relay; closes the recording. */
  stop(): Promise<void>;
}

function eventTypes(events: string[] | undefined): string[] {
  if (events === undefined) return builtinFlowEvents();
  if (events.length === 0) throw new UsageError('events is empty', { hint: "e.g. events: ['payment_intent.succeeded']" });
  return [...new Set(events.map((type) => assertEventType(type, 'events')))];
}

export function startListener(options: StartListenerOptions): Promise<Listener> {
  const { signal } = options;
  return interruptible(signal, async () => {
    const environment = apiEnvironment(options);
    const routing: Routing = { forwardTo: parseForwardUrl(options.forwardTo, 'forwardTo'), routes: [] };
    const events = eventTypes(options.events);
    const unproven = await locateUnproven(environment);
    const target = stripeTarget(environment, unproven.path);
    const recorder = options.record === undefined ? undefined : openRecorder(resolve(environment.cwd, options.record), { live: false, secrets: [environment.apiKey] });
    const { started } = await startWhileProving(
      unproven,
      (bin, aborted) => startRelayedListener({ routing, events, target: { ...target, bin }, readyTimeoutMs: READY_TIMEOUT_MS, signal: aborted, record: recorder }),
      environment.signal,
    ).catch((error: unknown) => {
      recorder?.close({ discard: true });
      throw error;
    });
    let stopping: Promise<void> | undefined;
    const onAbort = () => void stop();
    const stop = () => {
      signal?.removeEventListener('abort', onAbort);
      return (stopping ??= started.stop().finally(() => recorder?.close()));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    const settings = { ...routing, serial: false, record: recorder?.path };
    async function* relayed(): AsyncGenerator<ListenerEvent> {
      try {
        for await (const event of started.events) {
          const json = listenEventJson(event, settings);
          if (json) yield json;
        }
      } catch (error) {
        throw signal?.aborted ? abortError(signal.reason) : error;
      } finally {
        await stop(); // a consumer that breaks out of the loop stops the listener too
      }
    }
    return { secret: started.secret, events: relayed(), stop };
  });
}
