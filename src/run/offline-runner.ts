/**
 * Runs a flow offline: synthesizes each instance's story, signs every event and
 * POSTs it straight to the app, steps in order and one at a time, each needing a
 * 2xx. Adds what Stripe promises but local tools never exercise: duplicates
 * (--duplicate), out-of-order delivery (--shuffle) and bursts (--repeat, --concurrency).
 * Returns the same FlowReport as the live mode; never prints.
 */
import type { EventType } from '../flows/event-types.js';
import { SKIPPED, type FlowReport, type StepResult } from './report.js';
import type { Flow } from '../flows/types.js';
import { createDeliverer, webhookHeaders, type Answer, type Deliverer } from '../offline/deliver.js';
import { createRandom, instanceSeed } from '../offline/random.js';
import { signatureHeader } from '../offline/sign.js';
import { burstStats, StepAggregate } from '../offline/stats.js';
import { eventBody, synthesizeEvents } from '../offline/synthesize.js';

export interface OfflineRunOptions {
  flow: Flow;
  url: URL;
  secret: string;
  apiVersion: string;
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

/** One event as it goes out: its id and type for the report, its bytes for the app. */
interface Delivery {
  id: string;
  type: string;
  body: string;
}

interface Tally {
  latencies: number[];
  failures: number;
  done: number;
}

export async function runOfflineFlow(options: OfflineRunOptions): Promise<FlowReport> {
  const repeat = options.repeat ?? 1;
  const concurrency = Math.min(options.concurrency ?? 1, repeat);
  const total = plannedDeliveries(options);
  const deliverer = createDeliverer(options.url, { timeoutMs: options.timeoutMs, maxSockets: concurrency, signal: options.signal });
  const tally: Tally = { latencies: [], failures: 0, done: 0 };
  let single: StepResult[] = [];
  const steps = options.flow.steps.map(() => new StepAggregate());
  const started = performance.now();
  let next = 0;
  const worker = async () => {
    while (next < repeat && !options.signal?.aborted) {
      const results = await runInstance(next++, options, deliverer, tally, total);
      if (repeat === 1) single = results;
      else results.forEach((result, i) => steps[i]!.add(result));
    }
  };
  try {
    await Promise.all(Array.from({ length: concurrency }, worker));
  } finally {
    deliverer.close();
  }
  options.signal?.throwIfAborted();
  const elapsed = performance.now() - started;

  // One instance reports its steps in delivery order; a burst one row per flow step.
  const rows =
    repeat === 1
      ? deliveryOrder(options.flow.steps.length, options.seed, 0, Boolean(options.shuffle)).map((i) => single[i]!)
      : steps.map((step) => step.result());
  return {
    flow: options.flow.name,
    ok: rows.every((row) => row.ok),
    steps: rows,
    sideEffects: [],
    mode: 'offline',
    ...((repeat > 1 || options.duplicate) && { burst: burstStats(tally.latencies, tally.failures, elapsed) }),
  };
}

/** One story: its steps' results indexed by flow position (not delivery order). */
async function runInstance(index: number, options: OfflineRunOptions, deliverer: Deliverer, tally: Tally, total: number): Promise<StepResult[]> {
  const types: EventType[] = options.flow.steps.map((step) => step.event);
  const stream = synthesizeEvents(types, { apiVersion: options.apiVersion, seed: options.seed, instance: index, now: Math.floor(Date.now() / 1000) });
  // Each event is made and serialized just before it is sent, in step order (shuffled runs keep the
  // ones made early until their turn): in a burst, 32 whole stories held for their lifetime would
  // outlive young-generation collections and swell the heap.
  const made: (Delivery | undefined)[] = [];
  const take = (i: number): Delivery => {
    while (made.length <= i) {
      const event = stream.next().value!;
      made.push({ id: event.id, type: event.type, body: eventBody(event) });
    }
    const delivery = made[i]!;
    made[i] = undefined;
    return delivery;
  };
  const copies = options.duplicate ? 2 : 1;
  const results: StepResult[] = [];
  let failed = false;
  for (const i of deliveryOrder(types.length, options.seed, index, Boolean(options.shuffle))) {
    if ((failed && !options.continueOnError) || options.signal?.aborted) {
      results[i] = { event: types[i]!, trigger: null, eventId: null, status: null, ms: 0, ok: false, error: SKIPPED };
      tally.done += copies;
      options.onProgress?.(tally.done, total);
      continue;
    }
    results[i] = await deliverStep(take(i), copies, options, deliverer, tally, total);
    failed ||= !results[i]!.ok;
  }
  return results;
}

/** Delivers one event (twice with --duplicate: same id and body, signed anew like Stripe's retry). */
async function deliverStep(
  event: Delivery,
  copies: number,
  options: OfflineRunOptions,
  deliverer: Deliverer,
  tally: Tally,
  total: number,
): Promise<StepResult> {
  const { body } = event;
  let answer: Answer | undefined;
  let ms = 0;
  for (let copy = 1; copy <= copies; copy++) {
    answer = await deliverer.post(body, webhookHeaders(body, signatureHeader(body, options.secret)));
    ms += answer.ms;
    tally.latencies.push(answer.ms);
    tally.done++;
    if (answer.error) {
      tally.failures++;
      tally.done += copies - copy; // a copy not sent counts as done for the progress bar
      if (copy > 1) answer = { ...answer, error: `the duplicate delivery (same event id) failed: ${answer.error}` };
    }
    options.onProgress?.(tally.done, total);
    if (answer.error) break;
  }
  return {
    event: event.type,
    trigger: null,
    eventId: event.id,
    status: answer!.status,
    ms: Math.round(ms * 10) / 10,
    ok: !answer!.error,
    ...(answer!.error && { error: answer!.error }),
  };
}
