/**
 * Runs the real Stripe CLI binary in a test sandbox (temp HOME, telemetry off, key in the env —
 * never in argv) and lets tests await its output lines. Every started process is stopped by
 * `stopAllStripe()` (call it in afterEach), so no test leaves a `stripe` behind.
 */
import { execa, type ResultPromise } from 'execa';
import { Recorder } from './recorder.js';
import { sandbox, STRIPE_BIN, type Sandbox } from './cli.js';

/** A test-mode key the fake accepts (the CLI wants >= 12 chars, 3 `_` parts, an `sk` prefix). */
export const TEST_API_KEY = 'sk_test_stripehooks_harness_key';

export interface StripeRunOptions {
  box?: Sandbox;
  apiKey?: string;
  /** Hard limit for one-shot runs such as `stripe trigger`. */
  timeoutMs?: number;
}

function stripeEnv(box: Sandbox, apiKey: string): NodeJS.ProcessEnv {
  return { ...box.env, STRIPE_API_KEY: apiKey, STRIPE_CLI_TELEMETRY_OPTOUT: '1' };
}

/** One-shot `stripe …` (e.g. `trigger`); never rejects, so tests assert on exitCode/stdout/stderr. */
export function runStripe(args: string[], options: StripeRunOptions = {}) {
  const box = options.box ?? sandbox();
  return execa(STRIPE_BIN, args, {
    cwd: box.cwd,
    env: stripeEnv(box, options.apiKey ?? TEST_API_KEY),
    extendEnv: false,
    reject: false,
    stdin: 'ignore',
    timeout: options.timeoutMs ?? 30_000,
  });
}

export interface StripeProcess {
  child: ResultPromise;
  /** Output lines so far, per stream. */
  stdout: string[];
  stderr: string[];
  /** The first line (past or future) on `stream` matching `pattern`. */
  waitForLine(pattern: RegExp, stream?: 'stdout' | 'stderr', timeoutMs?: number): Promise<string>;
  /** SIGINT, then SIGKILL if it is still there after `graceMs`; resolves with the exit code. */
  stop(graceMs?: number): Promise<number | undefined>;
}

const running = new Set<StripeProcess>();

/** A long-running `stripe …` (e.g. `listen`). */
export function startStripe(args: string[], options: StripeRunOptions = {}): StripeProcess {
  const box = options.box ?? sandbox();
  const child = execa(STRIPE_BIN, args, {
    cwd: box.cwd,
    env: stripeEnv(box, options.apiKey ?? TEST_API_KEY),
    extendEnv: false,
    reject: false,
    stdin: 'ignore',
    buffer: false,
  });
  const lines = { stdout: new Recorder<string>((l) => l), stderr: new Recorder<string>((l) => l) };
  for (const stream of ['stdout', 'stderr'] as const) {
    let pending = '';
    child[stream]?.setEncoding('utf8');
    child[stream]?.on('data', (chunk: string) => {
      const parts = (pending + chunk).split('\n');
      pending = parts.pop() ?? '';
      for (const line of parts) lines[stream].push(line);
    });
  }
  const exited = child.then((result) => result.exitCode);
  const proc: StripeProcess = {
    child,
    stdout: lines.stdout.items,
    stderr: lines.stderr.items,
    waitForLine(pattern, stream = 'stdout', timeoutMs) {
      return Promise.race([
        lines[stream].waitFor((line) => pattern.test(line), `${stream} line ${pattern}`, timeoutMs),
        exited.then((code) => {
          // An early exit is a failure to wait on, not a hang until the timeout.
          const seen = lines[stream].find((line) => pattern.test(line));
          if (seen !== undefined) return seen;
          throw new Error(`stripe ${args[0]} exited with ${code} before printing ${pattern}; stderr: ${lines.stderr.items.join(' | ')}`);
        }),
      ]);
    },
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
