/**
 * `stripe-hooks listen` as the end-to-end tests run it: the built CLI driving
 * the real Stripe CLI against a fake backend, the key in the environment (as
 * users are told to give it). Every start is remembered so that
 * `stopListens()` in `afterEach` leaves nothing running, a failed test included.
 */
import { sandbox, STRIPE_BIN, type Sandbox } from './cli.js';
import { childPids, startCli, type RunningCli } from './running-cli.js';
import { TEST_API_KEY } from './stripe-cli.js';

export const KEY_ENV = { STRIPE_API_KEY: TEST_API_KEY };

const started: RunningCli[] = [];

/** `stripe-hooks listen …args --api-base <apiBase> --stripe-bin <the real one>`. */
export function startListen(apiBase: string, args: string[], box: Sandbox = sandbox()): RunningCli {
  const cli = startCli(['listen', ...args, '--api-base', apiBase, '--stripe-bin', STRIPE_BIN], { box, env: KEY_ENV });
  started.push(cli);
  return cli;
}

/**
 * Stops every listen a test left running the way a user would (SIGTERM: it stops its `stripe listen`
 * first), and SIGKILLs what is still there after a few seconds, its `stripe` child included. A bare
 * SIGKILL of stripe-hooks would orphan that child, as it would for a user.
 */
export async function stopListens(): Promise<void> {
  await Promise.all(
    started.splice(0).map(async (cli) => {
      if (cli.child.exitCode !== null || cli.child.pid === undefined) return;
      const children = childPids(cli.child.pid);
      cli.child.kill('SIGTERM');
      const timer = setTimeout(() => {
        for (const pid of children) process.kill(pid, 'SIGKILL');
        cli.child.kill('SIGKILL');
      }, 5000);
      await cli.child.catch(() => undefined);
      clearTimeout(timer);
    }),
  );
}

/** With --json: the stdout object about this event (its `delivery`), parsed once it is printed. */
export async function deliveryLine(cli: RunningCli, eventId: string): Promise<Record<string, unknown>> {
  return JSON.parse(await cli.waitForLine(new RegExp(`"id":"${eventId}"`))) as Record<string, unknown>;
}
