/**
 * `stripe-hooks listen` as the end-to-end tests run it: the built CLI driving
 * the real Stripe CLI against a fake backend, the key in the environment (as
 * users are told to give it). Every start is remembered so that
 * `killListens()` in `afterEach` leaves nothing running after a failed test.
 */
import { sandbox, STRIPE_BIN, type Sandbox } from './cli.js';
import { startCli, type RunningCli } from './running-cli.js';
import { TEST_API_KEY } from './stripe-cli.js';

export const KEY_ENV = { STRIPE_API_KEY: TEST_API_KEY };

const started: RunningCli[] = [];

/** `stripe-hooks listen …args --api-base <apiBase> --stripe-bin <the real one>`. */
export function startListen(apiBase: string, args: string[], box: Sandbox = sandbox()): RunningCli {
  const cli = startCli(['listen', ...args, '--api-base', apiBase, '--stripe-bin', STRIPE_BIN], { box, env: KEY_ENV });
  started.push(cli);
  return cli;
}

/** SIGKILLs every listen a test left running. */
export function killListens(): void {
  for (const cli of started.splice(0)) if (cli.child.exitCode === null) cli.child.kill('SIGKILL');
}

/** With --json: the stdout object about this event (its `delivery`), parsed once it is printed. */
export async function deliveryLine(cli: RunningCli, eventId: string): Promise<Record<string, unknown>> {
  return JSON.parse(await cli.waitForLine(new RegExp(`"id":"${eventId}"`))) as Record<string, unknown>;
}
