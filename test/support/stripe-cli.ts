/**
 * Runs the real Stripe CLI binary in a test sandbox (temp HOME, telemetry off, key in the env —
 * never in argv) and lets tests await its output lines. Every started process is stopped by
 * `stopAllStripe()` (call it in afterEach), so no test leaves a `stripe` behind.
 */
import { execa, type ResultPromise } from 'execa';
import { watchLines, type LineWatcher } from './lines.js';
import { sandbox, STRIPE_BIN, type Sandbox } from './cli.js';

/** A test-mode key the fake accepts (the CLI wants >= 12 chars, 3 `_` parts, an `sk` prefix). */
export const TEST_API_KEY = 'sk_test_stripehooks_harness_key';

export interface StripeRunOptions {
  box?: Sandbox;
  apiKey?: string;
  /** Hard limit for one-shot runs such as `stripe trigger`. */
  timeoutMs?: number;
}

/** Sandbox cwd/HOME, the key in the environment (never argv), telemetry off, no inherited env. */
function spawnOptions(options: StripeRunOptions) {
  const box = options.box ?? sandbox();
  return {
    cwd: box.cwd,
    env: { ...box.env, STRIPE_API_KEY: options.apiKey ?? TEST_API_KEY, STRIPE_CLI_TELEMETRY_OPTOUT: '1' },
    extendEnv: false,
    reject: false,
    stdin: 'ignore',
  } as const;
}

/** One-shot `stripe …` (e.g. `trigger`); never rejects, so tests assert on exitCode/stdout/stderr. */
export function runStripe(args: string[], options: StripeRunOptions = {}) {
  return execa(STRIPE_BIN, args, { ...spawnOptions(options), timeout: options.timeoutMs ?? 30_000 });
}

export interface StripeProcess extends LineWatcher {
  child: ResultPromise;
  /** SIGINT, then SIGKILL if it is still there after `graceMs`; resolves with the exit code. */
  stop(graceMs?: number): Promise<number | undefined>;
}

const running = new Set<StripeProcess>();

/** A long-running `stripe …` (e.g. `listen`). */
export function startStripe(args: string[], options: StripeRunOptions = {}): StripeProcess {
  const child = execa(STRIPE_BIN, args, { ...spawnOptions(options), buffer: false });
  const exited = child.then((result) => result.exitCode);
  const proc: StripeProcess = {
    child,
    ...watchLines(child, exited, `stripe ${args[0] ?? ''}`),
    async stop(graceMs = 5_000) {
      running.delete(proc);
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGINT');
        const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
        await exited;
        clearTimeout(timer);
      }
      return exited;
    },
  };
  running.add(proc);
  return proc;
}

export async function stopAllStripe(): Promise<void> {
  await Promise.all([...running].map((proc) => proc.stop()));
}
