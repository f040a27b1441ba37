/** The library's live functions: triggerFlow and startListener, over the cores `trigger-flow` and `listen` run. */
import { resolve } from 'node:path';
import { abortError, UsageError } from '../errors.js';
import { assertLiveRunnable } from '../flows/load.js';
import { builtinFlowEvents } from '../flows/events.js';
import type { Environment } from '../lib/environment.js';
import { option } from '../lib/option-name.js';
import { listenTally, type ListenSummary } from '../listen/summary.js';
import { ListenerStream, noticeEvent, type DeliveryMatch, type ListenerEvent } from '../listen/stream.js';
import { recordingSink } from '../record/policy.js';
import { openRecorder } from '../record/writer.js';
import { listenEventJson, type ListenDelivery } from '../listen/json.js';
import { startRelayedListener } from '../relay/listener.js';
import { hasThinDestination, type Routing } from '../relay/routing.js';
import { listenEventTypes } from '../listen/options.js';
import { selectionFor } from '../stripe-cli/listen-selection.js';
import { READY_TIMEOUT_MS, runLiveFlow } from '../run/live-runner.js';
import { planFlow } from '../run/plan.js';
import { reportJson, type FlowReport } from '../run/report.js';
import { stripeCliApiBase, stripeTarget } from '../stripe-cli/spawn.js';
import { locateUnproven, startWhileProving } from '../stripe-cli/while-proving.js';
import { checkOptions } from './check.js';
import { apiEnvironment, interruptible, resolveFlowInput } from './common.js';
import type { StartListenerOptions, TriggerFlowOptions, WaitForOptions } from './options.js';
import { RULES } from './rules.js';

// `trigger-flow --step-timeout`'s default.
const STEP_TIMEOUT_MS = 30_000;

/** The environment of a live run: its API base must be one the Stripe CLI takes (checked before anything starts). */
function liveEnvironment(options: TriggerFlowOptions | StartListenerOptions): Environment {
  const environment = apiEnvironment(options);
  if (environment.apiBase) stripeCliApiBase(environment.apiBase, options.apiBase === undefined ? 'STRIPE_HOOKS_API_BASE' : option('apiBase'));
  return environment;
}

export function triggerFlow(options: TriggerFlowOptions): Promise<FlowReport> {
  checkOptions('triggerFlow', options, RULES.triggerFlow);
  return interruptible(options.signal, async () => {
    const environment = liveEnvironment(options);
    const flow = await resolveFlowInput(options.flow);
    assertLiveRunnable(flow, `use deliverFlow for fresh events of its types, or replay({ file: ${JSON.stringify(flow.source)} }) to send the recorded events themselves`);
    const plan = planFlow(flow, {
      routing: liveRouting(options),
      ...(options.eventsFrom !== undefined && { eventsFrom: options.eventsFrom }),
      apiBase: environment.apiBase,
      stepTimeoutMs: options.stepTimeoutMs ?? STEP_TIMEOUT_MS,
      listen: true,
    });
    return reportJson(await runLiveFlow(environment, { plan, continueOnError: Boolean(options.continueOnError) }));
  });
}

/** The app's URLs: `url`, and `thinUrl` for thin events. */
function liveRouting(options: TriggerFlowOptions | StartListenerOptions): Routing {
  const thinUrl = options.thinUrl?.trim();
  return { forwardTo: new URL(options.url.trim()).href, ...(thinUrl !== undefined && { thinTo: new URL(thinUrl).href }), routes: [] };
}

export interface Listener {
  /** The session's signing secret: what the app verifies with. */
  secret: string;
  /** The secret thin events are signed with, when their session (a second `stripe listen`) has another one. */
  thinSecret?: string;
  /** `listen --json`'s objects from `ready` on, plus the recording's notices and `dropped`; at most QUEUE_LIMIT kept unread (docs/api.md). */
  events: AsyncIterable<ListenerEvent>;
  /** The first matching delivery from the call on (docs/api.md); rejects ERR_STRIPE_HOOKS_FAILED after `timeoutMs` or when the listener ends first. */
  waitFor(match: DeliveryMatch, options?: WaitForOptions): Promise<ListenDelivery>;
  /** Stops `stripe listen` (resolves once it is gone) and the relay; closes the recording. Resolves with the run's counts. */
  stop(): Promise<ListenSummary>;
}

function eventTypes(events: string[] | undefined): string[] {
  if (events === undefined) return builtinFlowEvents();
  if (events.length === 0) throw new UsageError('events is empty', { hint: "e.g. events: ['payment_intent.succeeded']" });
  return listenEventTypes(events, 'events');
}

/** waitFor's arguments, checked as any options are: a rejection, like every problem of a promise-returning call. */
function waitForChecked(stream: ListenerStream, match: DeliveryMatch, options: WaitForOptions = {}): Promise<ListenDelivery> {
  try {
    if (typeof match !== 'string' && typeof match !== 'function') throw new UsageError('waitFor takes an event type or a test of the delivery', { hint: "e.g. waitFor('invoice.paid')" });
    checkOptions('waitFor', options, RULES.waitFor);
  } catch (error) {
    return Promise.reject(error);
  }
  return stream.waitFor(match, options);
}

export function startListener(options: StartListenerOptions): Promise<Listener> {
  checkOptions('startListener', options, RULES.startListener);
  const { signal } = options;
  return interruptible(signal, async () => {
    const environment = liveEnvironment(options);
    const routing = liveRouting(options);
    const { eventsFrom } = options;
    const selection = { ...selectionFor(eventTypes(options.events), hasThinDestination(routing)), ...(eventsFrom !== undefined && { eventsFrom }) };
    const unproven = await locateUnproven(environment);
    const target = stripeTarget(environment, unproven.path);
    const stream = new ListenerStream(signal);
    const recorder = options.record === undefined ? undefined : openRecorder(resolve(environment.cwd, options.record), { live: Boolean(options.live), secrets: [environment.apiKey], option: environment.names.record });
    const record = recorder && recordingSink(recorder, (notice) => stream.push(noticeEvent(notice)));
    const { started, proven } = await startWhileProving(
      unproven,
      (bin, aborted) => startRelayedListener({ routing, ...selection, target: { ...target, bin }, readyTimeoutMs: READY_TIMEOUT_MS, signal: aborted, record }),
      environment.signal,
    ).catch((error: unknown) => {
      recorder?.close({ discard: true });
      throw error;
    });
    const tally = listenTally();
    const settings = { ...routing, eventsFrom: eventsFrom ?? 'all', serial: false, record: recorder?.path };
    // Read at once, whether or not anyone iterates: the counts, waitFor and the bounded queue all need every event.
    const pumped = (async () => {
      try {
        for await (const event of started.events) {
          tally.add(event);
          const json = listenEventJson(event, settings);
          if (json) stream.push(json);
        }
        stream.end();
      } catch (error) {
        stream.end(signal?.aborted ? abortError(signal.reason) : error);
      }
    })();
    let stopping: Promise<void> | undefined;
    const onAbort = () => void stop();
    const stop = async () => {
      signal?.removeEventListener('abort', onAbort);
      // The proof (`stripe version`) may still run: stop() leaves no child behind, so it waits for that too.
      await (stopping ??= Promise.all([started.stop(), pumped, proven.catch(() => undefined)]).then(() => recorder?.close()));
      return tally.summary(recorder?.summary());
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    async function* relayed(): AsyncGenerator<ListenerEvent> {
      try {
        yield* stream.events;
      } finally {
        await stop(); // a consumer that breaks out of the loop stops the listener too
      }
    }
    return { secret: started.secret, ...(started.thinSecret !== undefined && { thinSecret: started.thinSecret }), events: relayed(), waitFor: (match, waitOptions) => waitForChecked(stream, match, waitOptions), stop };
  });
}
