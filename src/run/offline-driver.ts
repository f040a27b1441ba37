/**
 * The offline driver: one flow instance's events, fired step by step as signed
 * POSTs straight to the app (twice with --duplicate: same id and body, signed
 * anew like Stripe's retry). Each POST is both the delivery and the app's answer,
 * reported to the runner as they happen. The events come from a source: a
 * synthesized story (trigger-flow --offline) or a recording's bodies (replay).
 * With --record, every POST is handed to the recording as the relay hands a live
 * delivery: the body, Stripe's headers (never the signature), the app's answer.
 */
import type { FlowStep } from '../flows/types.js';
import { webhookHeaders, type Answer, type Deliverer } from '../offline/deliver.js';
import type { RecordEntry } from '../record/writer.js';
import type { DeliveryFailure } from '../relay/delivery-facts.js';
import type { RecordSink } from '../relay/listener.js';
import { signatureHeader } from '../offline/sign.js';
import { checkRewrites, compileRewrites, rewriteEvent, rewriteEvents, type Rewrite } from '../offline/overrides.js';
import { isThinBody } from '../flows/thin.js';
import { eventBody, storyEvents, type OfflineEvent, type SynthesizeOptions } from '../offline/synthesize.js';
import type { DeliverySink, Driver, FireOutcome, RunnerStep } from './runner.js';
import { targetOf, type OfflineTargets } from './offline-targets.js';
import { isThinEventType } from '../flows/thin.js';

/** An offline step: the flow's step at `index`, whatever order the instance delivers in. */
export interface OfflineStep extends RunnerStep {
  index: number;
}

/** One event as it goes out: its id and type for the report, its bytes for the app. */
export interface Outgoing {
  id: string;
  type: string;
  body: string;
  /** A recorded body's livemode (a replay); synthesized events are never livemode. */
  livemode?: boolean;
  /** A thin event (`"object": "v2.core.event"`): it goes to the thin destination, signed with its secret. */
  thin?: boolean;
}

/** One instance's events, by step index (each taken once, just before it is sent). */
export interface InstanceEvents {
  take(index: number): Outgoing | Promise<Outgoing>;
}

/** Where each instance of a run gets its events. */
export type EventSource = (instance: number) => InstanceEvents;

/** What every instance of a run shares. */
export interface OfflineDelivery {
  source: EventSource;
  /** Where each kind of event goes, and the secret it is signed with. */
  targets: OfflineTargets;
  /** One keep-alive pool for the run, bound to its abort signal. */
  deliverer: Deliverer;
  /** 2 with --duplicate. */
  copies: number;
  /** After each POST, with how many copies of that event will now not be sent (it failed). */
  onPost?: (answer: Answer, unsent: number) => void;
  /** --inspect: each POST whole, with the app's answer (the deliverer keeps answers). */
  onSent?: (sent: SentDelivery) => void;
  /** --record: each POST and its answer, numbered in the order they were sent (`seq`, shared by the run's instances). */
  record?: { sink: RecordSink; seq: number };
}

/** One POST as the inspector takes it: what was sent, where, and the answer. */
export interface SentDelivery {
  body: string;
  headers: Record<string, string>;
  url: URL;
  sentAt: number;
  answer: Answer;
}

const FIRED: FireOutcome = { ok: true };

// A class, not a bundle of closures: a burst makes one per instance, thousands in all.
class OfflineDriver implements Driver<OfflineStep> {
  readonly observes = true;
  private readonly events: InstanceEvents;
  private sink: DeliverySink | undefined;

  constructor(
    private readonly run: OfflineDelivery,
    instance: number,
  ) {
    this.events = run.source(instance);
  }

  async start(sink: DeliverySink): Promise<void> {
    this.sink = sink;
  }

  async fire(step: OfflineStep): Promise<FireOutcome> {
    const outgoing = await this.events.take(step.index);
    const { id, type } = outgoing;
    this.sink?.push({ kind: 'delivered', id, type });
    let answer = await this.send(outgoing, 1);
    let ms = answer.ms;
    for (let copy = 2; copy <= this.run.copies && !answer.error; copy++) {
      answer = await this.send(outgoing, copy);
      ms += answer.ms;
      if (answer.error) answer = { ...answer, error: `the duplicate delivery (same event id) failed: ${answer.error}` };
    }
    const { status, error, failure } = answer;
    const { url } = targetOf(this.run.targets, Boolean(outgoing.thin));
    this.sink?.push({ kind: 'answered', id, at: Date.now(), status, ms: Math.round(ms * 10) / 10, url: url.href, ...(error !== undefined && { error, failure }) });
    return FIRED;
  }

  describe(step: OfflineStep): string {
    return `POST ${step.step.event} to ${targetOf(this.run.targets, isThinEventType(step.step.event)).url.href}`;
  }

  async stop(): Promise<void> {
    this.sink = undefined;
  }

  private async send(outgoing: Outgoing, copy: number): Promise<Answer> {
    const { deliverer, copies, record } = this.run;
    const { body } = outgoing;
    const { url, secret } = targetOf(this.run.targets, Boolean(outgoing.thin));
    const seq = record ? record.seq++ : 0;
    const sentAt = Date.now();
    const headers = webhookHeaders(body, signatureHeader(body, secret));
    const answer = await deliverer.post(url, body, headers);
    this.run.onPost?.(answer, answer.error ? copies - copy : 0);
    this.run.onSent?.({ body, headers, url, sentAt, answer });
    record?.sink.write(recordEntry(outgoing, url, seq, sentAt, answer));
    return answer;
  }
}

/** One POST as a recording line's entry: the headers Stripe sends without the signature, and where it went, as the relay records a live one. */
function recordEntry({ id, type, body, livemode = false }: Outgoing, url: URL, seq: number, receivedAt: number, answer: Answer): RecordEntry {
  const { status, ms, failure } = answer;
  // A status is its own explanation; a POST that got none says why: the deliverer's class, or interrupted.
  const why = status === null && failure !== undefined ? { failure: failure as DeliveryFailure } : {};
  return { seq, receivedAt, body, headers: webhookHeaders(body, undefined), url: url.href, livemode, id, type, answer: { status, ms: Math.round(ms * 10) / 10, ...why } };
}

/**
 * A synthesized story per instance. Each event is made and serialized just before it is sent, in step order
 * (shuffled runs keep the ones made early until their turn): in a burst, 32 whole stories held for their
 * lifetime would outlive young-generation collections and swell the heap.
 */
class Story implements InstanceEvents {
  private readonly stream: Iterator<OfflineEvent, void, undefined>;
  private readonly made: (Outgoing | undefined)[] = [];

  constructor(steps: readonly FlowStep[], options: SynthesizeOptions, rewrites: readonly Rewrite[]) {
    this.stream = storyPipeline(steps, options, rewrites);
  }

  take(index: number): Outgoing {
    while (this.made.length <= index) {
      const event = this.stream.next().value!;
      this.made.push({ id: event.id, type: event.type, body: eventBody(event), thin: isThinBody(event) });
    }
    const outgoing = this.made[index]!;
    this.made[index] = undefined;
    return outgoing;
  }
}

/** One story's events as synthesized, before the overrides: what the overrides' paths are checked against. */
function synthesizedStory(steps: readonly FlowStep[], options: SynthesizeOptions): Generator<OfflineEvent, void, undefined> {
  return storyEvents(steps.map((step) => step.event), options);
}

/** One story's events as they are sent: synthesized, then the steps' overrides applied (src/offline/overrides.ts). */
function storyPipeline(steps: readonly FlowStep[], options: SynthesizeOptions, rewrites: readonly Rewrite[]): Generator<OfflineEvent, void, undefined> {
  return rewriteEvents(synthesizedStory(steps, options), rewrites);
}

/** One whole story as it would be sent (a dry run, the library's synthesizeEvents), its overrides checked and applied. */
export function storyAsSent(steps: readonly FlowStep[], options: SynthesizeOptions): OfflineEvent[] {
  const rewrites = compileRewrites(steps);
  const events = [...synthesizedStory(steps, options)];
  checkRewrites(events, rewrites);
  return events.map((event) => rewriteEvent(event, rewrites));
}

/**
 * The steps' overrides, parsed and checked against one whole story (src/offline/overrides.ts), so one that cannot
 * apply stops a run before its first POST (and before a generated secret is written anywhere).
 */
export function checkStepOverrides(steps: readonly FlowStep[], options: { apiVersion: string; shape?: string; seed: number }): Rewrite[] {
  const rewrites = compileRewrites(steps);
  if (rewrites.length > 0) checkRewrites([...synthesizedStory(steps, { ...options, now: unixNow() })], rewrites);
  return rewrites;
}

/** Fresh events of the flow's steps for each instance (fresh ids each), reproducible from the seed. */
export function synthesizedSource(steps: readonly FlowStep[], options: { apiVersion: string; shape?: string; seed: number }): EventSource {
  const rewrites = checkStepOverrides(steps, options);
  return (instance) => new Story(steps, { ...options, instance, now: unixNow() }, rewrites);
}

const unixNow = () => Math.floor(Date.now() / 1000);
/** A driver for instance `instance` of a run (fresh ids each). */
export function createOfflineDriver(run: OfflineDelivery, instance: number): Driver<OfflineStep> {
  return new OfflineDriver(run, instance);
}
