import { UsageError } from '../errors.js';

export async function runList(): Promise<void> {
  throw new UsageError('`endpoints list` is not available yet in this version of stripe-hooks');
}

export async function runDelete(): Promise<void> {
  throw new UsageError('`endpoints delete` is not available yet in this version of stripe-hooks');
}
