/**
 * Runs a flow offline: each instance of the flow is one run of the flow runner
 * over an offline driver, which synthesizes the instance's story, signs every event
 * and POSTs it straight to the app, steps in order and one at a time, each needing
 * a 2xx. Adds what Stripe promises but local tools never exercise: duplicates
 * (--duplicate), out-of-order delivery (--shuffle) and bursts (--repeat, instances
 * run --concurrency at a time over one connection pool). A replay is one run
 * whose steps are the recorded events, sent from the recorded bodies (`source`).
 * Returns the same FlowReport as the live mode; never prints.
 */
import { setMaxListeners } from 'node:events';
import type { Flow } from '../flows/types.js';
import type { ResolvedApiVersion } from '../offline/app-api-version.js';
import { SDK_API_VERSION } from '../lib/sdk-api-version.js';
import { createDeliverer, DELIVERY_TIMEOUT_MS } from '../offline/deliver.js';
import { createRandom, instanceSeed } from '../offline/random.js';
import { burstStats, StepAggregate, Tally } from '../stats/burst.js';
import { createOfflineDriver, synthesizedSource, type EventSource, type OfflineDelivery, type OfflineStep } from './offline-driver.js';
import type { RecordSink } from '../relay/listener.js';
import type { FlowReport, StepResult } from './report.js';
import { runSteps } from './runner.js';

export interface OfflineRunOptions {
  /** The steps (and the report's name); each step's event is synthesized unless `source` gives the events. */
  flow: Flow;
  /** The events to send instead of synthesized ones (a replay's recorded bodies). */
  source?: EventSource;
  url: URL;
  secret: string;
  /** `api_version` of synthesized events (the SDK's pinned one by default); a `source`'s events keep theirs. */
  apiVersion?: string;
  /** The known version whose shape synthesized objects take (render-version.ts); the SDK's own by default. */
  shape?: string;
  /** Which version and why: the report carries it. */
  version?: ResolvedApiVersion;
  /** Fixes the synthesized stories and the --shuffle order. */
  seed: number;
  duplicate?: boolean;
  shuffle?: boolean;
  /** Independent flow instances (fresh ids each); 1 by default. */
  repeat?: number;
  /** Instances in flight at once; 1 by default. */
  concurrency?: number;
  continueOnError?: boolean;
  /** Per-delivery time limit in ms. */
  timeoutMs?: number;
  signal?: AbortSignal;
  /** Called after each delivery (or skipped one) with how many of `total` are done. */
  onProgress?: (done: number, total: number) => void;
  /** --record: every POST and the app's answer (each copy of a --duplicate too), as the relay records a live delivery. */
  record?: RecordSink;
  /** --inspect: every POST whole and the app's whole answer (kept only when this is given). */
  onSent?: OfflineDelivery['onSent'];
}

/** Keeps the shuffle's randomness apart from the story's, so --shuffle doesn't change ids. */
const SHUFFLE_SALT = 0x5eed5;

/** The order instance `index` delivers its steps in: the flow's, or a permutation fixed by the seed. */
export function deliveryOrder(steps: number, seed: number, index: number, shuffle: boolean): number[] {
  const order = Array.from({ length: steps }, (_, i) => i);
  return shuffle ? createRandom(instanceSeed(seed ^ SHUFFLE_SALT, index)).permutation(order) : order;
}

export function plannedDeliveries(options: Pick<OfflineRunOptions, 'flow' | 'repeat' | 'duplicate'>): number {
  return options.flow.steps.length * (options.repeat ?? 1) * (options.duplicate ? 2 : 1);
}

export async function runOfflineFlow(options: OfflineRunOptions): Promise<FlowReport> {
  const { flow } = options;
  const repeat = options.repeat ?? 1;
  const concurrency = Math.min(options.concurrency ?? 1, repeat);
  const copies = options.duplicate ? 2 : 1;
  // One signal for the run, followed by every instance in flight and the connection pool.
  const controller = new AbortController();
  const { signal } = controller;
  setMaxListeners(concurrency + 1, signal);
  const interrupt = () => controller.abort(options.signal?.reason);
  if (options.signal?.aborted) interrupt();
  options.signal?.addEventListener('abort', interrupt, { once: true });
  const deliverer = createDeliverer(options.url, { timeoutMs: options.timeoutMs, maxSockets: concurrency, signal, keepAnswers: options.onSent !== undefined });
  const tally = new Tally(plannedDeliveries(options), options.onProgress);
  // The deliverer bounds each POST; the runner's step timeout is only a backstop above it.
  const timeoutMs = copies * (options.timeoutMs ?? DELIVERY_TIMEOUT_MS) + 1000;
  // Offline, every step fires: the story synthesizes the events live mode can only observe.
  const steps: OfflineStep[] = flow.steps.map(({ event }, index) => ({ index, step: { event }, trigger: null, timeoutMs }));
  const aggregates = flow.steps.map(() => new StepAggregate());
  let single: StepResult[] = [];

  const delivery: OfflineDelivery = {
    ...options,
    source: options.source ?? synthesizedSource(flow.steps, { apiVersion: options.apiVersion ?? SDK_API_VERSION, shape: options.shape, seed: options.seed }),
    deliverer,
    copies,
    onPost: (answer, unsent) => tally.posted(answer.ms, answer.error !== undefined, unsent),
    record: options.record && { sink: options.record, seq: 0 },
  };
  const runOptions = { continueOnError: Boolean(options.continueOnError), signal };

  const runInstance = async (instance: number) => {
    const order = deliveryOrder(steps.length, options.seed, instance, Boolean(options.shuffle));
    const run = await runSteps(order.map((i) => steps[i]!), createOfflineDriver(delivery, instance), runOptions);
    const skipped = run.steps.filter((result) => result.failure === 'skipped').length;
    if (skipped > 0) tally.count(skipped * copies);
    // One instance reports its steps in delivery order; a burst one row per flow step.
    if (repeat === 1) single = run.steps;
    else run.steps.forEach((result, k) => aggregates[order[k]!]!.add(result));
  };

  const started = performance.now();
  let next = 0;
  const worker = async () => {
    try {
      while (next < repeat && !signal.aborted) await runInstance(next++);
    } catch (error) {
      controller.abort(error); // the other instances stop too
      throw error;
    }
  };
  let outcomes: PromiseSettledResult<void>[];
  try {
    outcomes = await Promise.allSettled(Array.from({ length: concurrency }, worker));
  } finally {
    options.signal?.removeEventListener('abort', interrupt);
    deliverer.close();
  }
  options.signal?.throwIfAborted();
  const failure = outcomes.find((outcome): outcome is PromiseRejectedResult => outcome.status === 'rejected');
  if (failure) throw failure.reason;
  const elapsed = performance.now() - started;

  const rows = repeat === 1 ? single : aggregates.map((aggregate) => aggregate.result());
  return {
    flow: flow.name,
    ok: rows.every((row) => row.ok),
    steps: rows,
    sideEffects: [], // only the flow's own events are sent
    mode: 'offline',
    ...((repeat > 1 || options.duplicate) && { burst: burstStats(tally.latencies, tally.failures, elapsed) }),
    ...(options.version && !options.source && { apiVersion: { ...options.version } }),
  };
}
