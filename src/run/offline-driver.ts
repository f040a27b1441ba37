/**
 * The offline driver: one flow instance's story, fired step by step as signed
 * POSTs straight to the app (twice with --duplicate: same id and body, signed
 * anew like Stripe's retry). Each POST is both the delivery and the app's answer,
 * reported to the runner as they happen.
 */
import type { EventType } from '../flows/event-types.js';
import { webhookHeaders, type Answer, type Deliverer } from '../offline/deliver.js';
import { signatureHeader } from '../offline/sign.js';
import { eventBody, synthesizeEvents, type OfflineEvent } from '../offline/synthesize.js';
import type { DeliverySink, Driver, FireOutcome, RunnerStep } from './runner.js';

/** An offline step: the flow's step at `index`, whatever order the instance delivers in. */
export interface OfflineStep extends RunnerStep {
  index: number;
}

/** What every instance of a run shares. */
export interface OfflineDelivery {
  /** The flow's event types, in flow order. */
  types: readonly EventType[];
  apiVersion: string;
  seed: number;
  secret: string;
  url: URL;
  /** One keep-alive pool for the run, bound to its abort signal. */
  deliverer: Deliverer;
  /** 2 with --duplicate. */
  copies: number;
  /** After each POST, with how many copies of that event will now not be sent (it failed). */
  onPost?: (answer: Answer, unsent: number) => void;
}

/** One event as it goes out: its id and type for the report, its bytes for the app. */
interface Outgoing {
  id: string;
  type: string;
  body: string;
}

const FIRED: FireOutcome = { ok: true };

// A class, not a bundle of closures: a burst makes one per instance, thousands in all.
class OfflineDriver implements Driver<OfflineStep> {
  readonly observes = true;
  private readonly stream: Generator<OfflineEvent, void, undefined>;
  private readonly made: (Outgoing | undefined)[] = [];
  private sink: DeliverySink | undefined;

  constructor(
    private readonly run: OfflineDelivery,
    instance: number,
  ) {
    this.stream = synthesizeEvents(run.types, { apiVersion: run.apiVersion, seed: run.seed, instance, now: Math.floor(Date.now() / 1000) });
  }

  async start(sink: DeliverySink): Promise<void> {
    this.sink = sink;
  }

  async fire(step: OfflineStep): Promise<FireOutcome> {
    const { id, type, body } = this.take(step.index);
    this.sink?.push({ kind: 'delivered', id, type });
    let answer = await this.send(body, 1);
    let ms = answer.ms;
    for (let copy = 2; copy <= this.run.copies && !answer.error; copy++) {
      answer = await this.send(body, copy);
      ms += answer.ms;
      if (answer.error) answer = { ...answer, error: `the duplicate delivery (same event id) failed: ${answer.error}` };
    }
    const { status, error } = answer;
    this.sink?.push({ kind: 'answered', id, at: Date.now(), status, ms: Math.round(ms * 10) / 10, ...(error !== undefined && { error }) });
    return FIRED;
  }

  describe(step: OfflineStep): string {
    return `POST ${step.step.event} to ${this.run.url.href}`;
  }

  async stop(): Promise<void> {
    this.sink = undefined;
  }

  private async send(body: string, copy: number): Promise<Answer> {
    const { deliverer, secret, copies } = this.run;
    const answer = await deliverer.post(body, webhookHeaders(body, signatureHeader(body, secret)));
    this.run.onPost?.(answer, answer.error ? copies - copy : 0);
    return answer;
  }

  /**
   * Each event is made and serialized just before it is sent, in step order (shuffled runs
   * keep the ones made early until their turn): in a burst, 32 whole stories held for their
   * lifetime would outlive young-generation collections and swell the heap.
   */
  private take(index: number): Outgoing {
    while (this.made.length <= index) {
      const event = this.stream.next().value!;
      this.made.push({ id: event.id, type: event.type, body: eventBody(event) });
    }
    const outgoing = this.made[index]!;
    this.made[index] = undefined;
    return outgoing;
  }
}

/** A driver for instance `instance` of a run (fresh ids each). */
export function createOfflineDriver(run: OfflineDelivery, instance: number): Driver<OfflineStep> {
  return new OfflineDriver(run, instance);
}
