/** What the library's e2e tests share. */
import { expect } from 'vitest';
import { StripeHooksError } from '../../src/index.js';

/** The promise's rejection, which must be a StripeHooksError. */
export async function rejection(promise: Promise<unknown>): Promise<StripeHooksError> {
  const error: unknown = await promise.then(() => undefined, (reason: unknown) => reason);
  expect(error).toBeInstanceOf(StripeHooksError);
  return error as StripeHooksError;
}
