// The flow runner over a stand-in driver: no process, no HTTP, fake clock.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { EventType } from '../../src/flows/event-types.js';
import type { StepFailure } from '../../src/run/report.js';
import { runSteps, type DeliverySink, type Driver, type FireOutcome, type RunnerStep, type RunStepsOptions, type StepProgress } from '../../src/run/runner.js';

const TIMEOUT_MS = 1000;

function step(event: EventType, options: { observe?: boolean; timeoutMs?: number } = {}): RunnerStep {
  return { step: { event, observe: options.observe }, trigger: options.observe ? null : event, timeoutMs: options.timeoutMs ?? TIMEOUT_MS };
}

function deferred<T = void>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((done) => (resolve = done));
  return { promise, resolve };
}

/** A driver the test scripts: `onFire` decides what each fire does; deliveries go through `sink`. */
class StandIn implements Driver<RunnerStep> {
  observes = true;
  sink!: DeliverySink;
  readonly fired: string[] = [];
  stopCalls = 0;
  /** stop() resolves once this does. */
  stopping: Promise<void> = Promise.resolve();
  onFire: (step: RunnerStep, signal: AbortSignal) => Promise<FireOutcome> = async (fired) => {
    this.echo(fired.step.event);
    return { ok: true };
  };
  private next = 0;

  async start(sink: DeliverySink): Promise<void> {
    this.sink = sink;
  }

  fire(fired: RunnerStep, signal: AbortSignal): Promise<FireOutcome> {
    this.fired.push(fired.step.event);
    return this.onFire(fired, signal);
  }

  describe(fired: RunnerStep): string {
    return `firing ${fired.step.event}`;
  }

  async stop(): Promise<void> {
    this.stopCalls++;
    await this.stopping;
  }

  /** Delivers an event of `type` (a fresh id unless given); returns its id. */
  deliver(type: string, id = `evt_${++this.next}`): string {
    this.sink.push({ kind: 'delivered', id, type });
    return id;
  }

  answer(id: string, status: number | null, error?: string, failure?: StepFailure): void {
    this.sink.push({ kind: 'answered', id, at: Date.now(), status, ...(error !== undefined && { error }), ...(failure !== undefined && { failure }) });
  }

  /** Delivers an event of `type` and answers it with `status`. */
  echo(type: string, status = 200): string {
    const id = this.deliver(type);
    this.answer(id, status);
    return id;
  }
}

const signal = () => new AbortController().signal;

function run(steps: RunnerStep[], driver: StandIn, options: Partial<RunStepsOptions<RunnerStep>> = {}) {
  const progress: StepProgress<RunnerStep>[] = [];
  const result = runSteps(steps, driver, { continueOnError: false, signal: signal(), onProgress: (p) => progress.push(p), ...options });
  return { result, progress };
}

beforeEach(() => {
  vi.useFakeTimers({ now: 1_000_000 });
});

afterEach(() => {
  vi.useRealTimers();
});

describe('runSteps', () => {
  it('runs the steps in order, each passing once its event is delivered and answered 2xx', async () => {
    const driver = new StandIn();
    const { result, progress } = run([step('invoice.created'), step('invoice.paid')], driver);
    const report = await result;
    expect(driver.fired).toEqual(['invoice.created', 'invoice.paid']);
    expect(report).toEqual({
      ok: true,
      observed: true,
      steps: [
        { event: 'invoice.created', trigger: 'invoice.created', eventId: 'evt_1', status: 200, ms: 0, ok: true },
        { event: 'invoice.paid', trigger: 'invoice.paid', eventId: 'evt_2', status: 200, ms: 0, ok: true },
      ],
      sideEffects: [],
    });
    expect(progress.map((p) => `${p.kind} ${p.step.step.event}`)).toEqual([
      'step-start invoice.created',
      'step-triggered invoice.created',
      'step-end invoice.created',
      'step-start invoice.paid',
      'step-triggered invoice.paid',
      'step-end invoice.paid',
    ]);
    expect(driver.stopCalls).toBe(1);
  });

  it('fails a step whose event does not arrive within its timeout, at the timeout', async () => {
    const driver = new StandIn();
    driver.onFire = async () => ({ ok: true }); // fires, but nothing is delivered
    const { result } = run([step('invoice.paid', { timeoutMs: 2000 })], driver);
    let settled = false;
    void result.finally(() => (settled = true));
    await vi.advanceTimersByTimeAsync(1999);
    expect(settled).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect((await result).steps[0]).toEqual({
      event: 'invoice.paid',
      trigger: 'invoice.paid',
      eventId: null,
      status: null,
      ms: 2000,
      ok: false,
      failure: 'no-event',
      error: 'no invoice.paid event arrived within 2 s',
    });
  });

  it('says which part timed out: a fire that never finished, or an app that never answered', async () => {
    const driver = new StandIn();
    const slow = deferred<FireOutcome>();
    driver.onFire = async (fired) => {
      if (fired.step.event === 'invoice.created') return slow.promise; // outlives the step
      driver.deliver(fired.step.event); // delivered, never answered
      return { ok: true };
    };
    const { result } = run([step('invoice.created'), step('invoice.paid')], driver, { continueOnError: true, settleMs: 500 });
    await vi.advanceTimersByTimeAsync(TIMEOUT_MS);
    slow.resolve({ ok: true }); // the runner waits for what fire() started before moving on
    await vi.advanceTimersByTimeAsync(TIMEOUT_MS + 500);
    const report = await result;
    expect(report.steps.map((s) => s.error)).toEqual(['firing invoice.created did not finish within 1 s', 'the app did not answer evt_1 within 1 s']);
    expect(report.steps.map((s) => s.failure)).toEqual(['trigger', 'timeout']);
  });

  it('an event delivered and answered before its fire returns counts once the fire returns', async () => {
    const driver = new StandIn();
    const fireReturns = deferred<FireOutcome>();
    driver.onFire = async (fired) => {
      driver.echo(fired.step.event);
      return fireReturns.promise;
    };
    const { result, progress } = run([step('customer.created')], driver);
    await vi.advanceTimersByTimeAsync(300);
    expect(progress.map((p) => p.kind)).toEqual(['step-start']); // answered, but not done: the fire may still fail
    fireReturns.resolve({ ok: true });
    const report = await result;
    // The step took as long as the app took to answer, not as long as the fire.
    expect(report.steps[0]).toMatchObject({ eventId: 'evt_1', status: 200, ms: 0, ok: true });
  });

  it('a fire that fails fails its step, even when its event was answered', async () => {
    const driver = new StandIn();
    driver.onFire = async (fired) => {
      driver.echo(fired.step.event);
      return { ok: false, error: 'stripe trigger failed: no such fixture' };
    };
    const report = await run([step('customer.created')], driver).result;
    expect(report.steps[0]).toMatchObject({ ok: false, eventId: 'evt_1', failure: 'trigger', error: 'stripe trigger failed: no such fixture' });
  });

  it('an event delivered before a step fires is not that step\'s, even of the same type: it is a side effect', async () => {
    const driver = new StandIn();
    let early: string | undefined;
    driver.onFire = async (fired) => {
      driver.echo(fired.step.event);
      // The first step also causes a second invoice.paid, answered after the step passed.
      if (driver.fired.length === 1) queueMicrotask(() => (early = driver.echo('invoice.paid')));
      return { ok: true };
    };
    const report = await run([step('invoice.paid'), step('invoice.paid')], driver).result;
    expect(early).toBe('evt_2');
    expect(report.steps.map((s) => s.eventId)).toEqual(['evt_1', 'evt_3']);
    expect(report.sideEffects).toEqual([{ type: 'invoice.paid', eventId: 'evt_2', status: 200 }]);
  });

  it('an observed step claims its event from where the latest firing step began, even if it came first', async () => {
    const driver = new StandIn();
    driver.onFire = async (fired) => {
      driver.echo('charge.pending'); // the side effect arrives before the fired event
      driver.echo(fired.step.event);
      return { ok: true };
    };
    const report = await run([step('payment_intent.processing'), step('charge.pending', { observe: true })], driver).result;
    expect(driver.fired).toEqual(['payment_intent.processing']);
    expect(report.steps).toMatchObject([
      { event: 'payment_intent.processing', eventId: 'evt_2', ok: true },
      { event: 'charge.pending', trigger: null, eventId: 'evt_1', ok: true },
    ]);
    expect(report.sideEffects).toEqual([]);
  });

  it('an app answering non-2xx fails the step with its status; fail-fast skips the rest, continueOnError runs them', async () => {
    const steps = [step('invoice.created'), step('invoice.updated'), step('invoice.paid')];
    const refusing = () => {
      const driver = new StandIn();
      driver.onFire = async (fired) => {
        driver.echo(fired.step.event, fired.step.event === 'invoice.updated' ? 503 : 200);
        return { ok: true };
      };
      return driver;
    };
    const failFast = refusing();
    const report = await run(steps, failFast).result;
    expect(report.ok).toBe(false);
    expect(report.steps[1]).toMatchObject({ ok: false, status: 503, eventId: 'evt_2', failure: 'status', error: 'the app answered 503 to evt_2' });
    expect(report.steps[2]).toEqual({ event: 'invoice.paid', trigger: 'invoice.paid', eventId: null, status: null, ms: 0, ok: false, failure: 'skipped', error: 'not run: an earlier step failed' });
    expect(failFast.fired).toEqual(['invoice.created', 'invoice.updated']);

    const resumed = refusing();
    const all = await run(steps, resumed, { continueOnError: true }).result;
    expect(all.ok).toBe(false);
    expect(all.steps.map((s) => s.ok)).toEqual([true, false, true]);
    expect(resumed.fired).toEqual(['invoice.created', 'invoice.updated', 'invoice.paid']);
  });

  it('a delivery the driver says failed fails the step with the driver\'s words and class', async () => {
    const driver = new StandIn();
    driver.onFire = async (fired) => {
      driver.answer(driver.deliver(fired.step.event), null, 'the app is unreachable (connection refused)', 'refused');
      return { ok: true };
    };
    const report = await run([step('invoice.paid')], driver).result;
    expect(report.steps[0]).toMatchObject({ ok: false, status: null, failure: 'refused', error: 'the app is unreachable (connection refused)' });
  });

  it('a non-2xx answer the driver words itself is a status failure unless the driver gives another class', async () => {
    const driver = new StandIn();
    driver.onFire = async (fired) => {
      const id = driver.deliver(fired.step.event);
      if (fired.step.event === 'invoice.paid') driver.answer(id, 401, 'the app answered 401: bad signature');
      else driver.answer(id, null, 'the app gave no answer within 30 s', 'timeout');
      return { ok: true };
    };
    const report = await run([step('invoice.paid'), step('invoice.created')], driver, { continueOnError: true }).result;
    expect(report.steps.map(({ failure, error }) => ({ failure, error }))).toEqual([
      { failure: 'status', error: 'the app answered 401: bad signature' },
      { failure: 'timeout', error: 'the app gave no answer within 30 s' },
    ]);
  });

  it('Ctrl+C mid-step: the driver is stopped and waited for, then the run rejects with the signal\'s reason', async () => {
    const controller = new AbortController();
    const reason = new Error('interrupted');
    const driver = new StandIn();
    const stopped = deferred();
    driver.stopping = stopped.promise;
    driver.onFire = (_, fireSignal) => new Promise((resolve) => fireSignal.addEventListener('abort', () => resolve({ ok: false, error: 'killed' })));
    const { result } = run([step('invoice.created'), step('invoice.paid')], driver, { signal: controller.signal });
    let outcome: unknown;
    result.then(
      () => (outcome = 'resolved'),
      (error: unknown) => (outcome = error),
    );
    await vi.advanceTimersByTimeAsync(100);
    controller.abort(reason);
    await vi.advanceTimersByTimeAsync(0);
    expect(driver.stopCalls).toBe(1);
    expect(outcome).toBeUndefined(); // still waiting for the driver to stop
    stopped.resolve();
    await vi.advanceTimersByTimeAsync(0);
    expect(outcome).toBe(reason);
    expect(driver.fired).toEqual(['invoice.created']);
  });

  it('a fire that throws (the environment\'s fault) or a driver that dies ends the run with that error, the driver stopped', async () => {
    const broken = new StandIn();
    broken.onFire = async () => {
      throw new Error('bad API key');
    };
    await expect(run([step('invoice.paid')], broken).result).rejects.toThrow('bad API key');
    expect(broken.stopCalls).toBe(1);

    const dying = new StandIn();
    dying.onFire = async () => {
      dying.sink.fail(new Error('stripe listen exited'));
      return { ok: true };
    };
    await expect(run([step('invoice.paid'), step('invoice.created')], dying).result).rejects.toThrow('stripe listen exited');
    expect(dying.fired).toEqual(['invoice.paid']);
    expect(dying.stopCalls).toBe(1);
  });

  it('waits at the end for the answers to side effects already delivered, up to settleMs', async () => {
    const driver = new StandIn();
    let late: string | undefined;
    driver.onFire = async (fired) => {
      driver.echo(fired.step.event);
      late = driver.deliver('invoice.payment_succeeded'); // a side effect the app has not answered yet
      driver.deliver('invoice.finalized'); // one it never answers
      driver.echo('invoice.updated', 500); // one it refuses
      return { ok: true };
    };
    const { result } = run([step('invoice.paid')], driver, { settleMs: 2000 });
    let settled = false;
    void result.finally(() => (settled = true));
    await vi.advanceTimersByTimeAsync(500);
    driver.answer(late!, 200);
    await vi.advanceTimersByTimeAsync(1499);
    expect(settled).toBe(false); // invoice.finalized still unanswered
    await vi.advanceTimersByTimeAsync(1);
    expect((await result).sideEffects).toEqual([
      { type: 'invoice.payment_succeeded', eventId: 'evt_2', status: 200 },
      { type: 'invoice.finalized', eventId: 'evt_3', status: null },
      { type: 'invoice.updated', eventId: 'evt_4', status: 500, failure: 'status' },
    ]);
  });

  it('without anyone watching deliveries, a step passes once fired and the run says so', async () => {
    const driver = new StandIn();
    driver.observes = false;
    driver.onFire = async () => ({ ok: true });
    const report = await run([step('invoice.paid'), step('charge.pending', { observe: true })], driver).result;
    expect(report).toMatchObject({ ok: true, observed: false, sideEffects: [] });
    expect(report.steps.map((s) => [s.ok, s.eventId])).toEqual([
      [true, null],
      [true, null],
    ]);
  });
});
