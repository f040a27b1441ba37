import { UsageError } from '../errors.js';

export async function run(): Promise<void> {
  throw new UsageError('`trigger-flow` is not available yet in this version of stripe-hooks');
}
