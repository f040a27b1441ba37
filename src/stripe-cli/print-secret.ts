/** `stripe listen --print-secret`: the account's webhook signing secret, read from the CLI's stdout. */
import { failureMessage } from './listen.js';
import { cliFailure, execStripe, type StripeTarget } from './spawn.js';

export async function printSecretOf(target: StripeTarget, args: string[], timeoutMs: number, signal: AbortSignal): Promise<string> {
  const result = await execStripe(target, args, { timeoutMs, signal });
  const secret = /\bwhsec_\w+/.exec(result.stdout)?.[0];
  if (result.exitCode !== 0 || !secret) {
    throw cliFailure('listen --print-secret', failureMessage(result.stderr.split('\n')), `exited with code ${result.exitCode}`, target);
  }
  return secret;
}
