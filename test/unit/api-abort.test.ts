/** An abort in the library: ERR_STRIPE_HOOKS_INTERRUPTED, the signal's reason as cause, and a timeout named as one. */
import { describe, expect, it } from 'vitest';
import { interruptible } from '../../src/api/common.js';
import { InterruptedError, StripeHooksError } from '../../src/errors.js';

/** Work that runs until the signal aborts, then fails as a cut request would (not with the reason). */
const untilAborted = (signal: AbortSignal) => () =>
  new Promise<never>((_resolve, reject) => signal.addEventListener('abort', () => reject(new Error('socket hang up')), { once: true }));

async function rejection(promise: Promise<unknown>): Promise<StripeHooksError> {
  const error: unknown = await promise.then(() => undefined, (reason: unknown) => reason);
  expect(error).toBeInstanceOf(StripeHooksError);
  return error as StripeHooksError;
}

describe('interruptible', () => {
  it('AbortSignal.timeout(): ERR_STRIPE_HOOKS_INTERRUPTED, says it timed out, the TimeoutError as cause', async () => {
    const signal = AbortSignal.timeout(5);
    const error = await rejection(interruptible(signal, untilAborted(signal)));
    expect(error).toMatchObject({ code: 'ERR_STRIPE_HOOKS_INTERRUPTED', exitCode: 130, message: 'timed out (AbortSignal.timeout)' });
    expect(error.cause).toBe(signal.reason);
    expect((error.cause as DOMException).name).toBe('TimeoutError');
  });

  it('abort(): ERR_STRIPE_HOOKS_INTERRUPTED, "Interrupted", the AbortError as cause', async () => {
    const controller = new AbortController();
    const running = interruptible(controller.signal, untilAborted(controller.signal));
    controller.abort();
    const error = await rejection(running);
    expect(error).toMatchObject({ code: 'ERR_STRIPE_HOOKS_INTERRUPTED', message: 'Interrupted' });
    expect((error.cause as DOMException).name).toBe('AbortError');
  });

  it("abort(reason): the caller's reason is the cause and its words are in the message", async () => {
    const controller = new AbortController();
    const reason = new Error('shutting down');
    controller.abort(reason);
    let ran = false;
    const error = await rejection(interruptible(controller.signal, async () => void (ran = true)));
    expect(ran).toBe(false); // an already aborted signal starts nothing
    expect(error).toMatchObject({ code: 'ERR_STRIPE_HOOKS_INTERRUPTED', message: 'Interrupted: shutting down' });
    expect(error.cause).toBe(reason);
  });

  it("the CLI's own InterruptedError (SIGTERM) passes through as it is", async () => {
    const controller = new AbortController();
    const reason = new InterruptedError('SIGTERM');
    controller.abort(reason);
    expect(await rejection(interruptible(controller.signal, async () => 1))).toBe(reason);
  });
});
