/**
 * Runs the built CLI as a child process, the way users and CI run it, in a
 * fresh temp HOME and cwd so no user config leaks in or out.
 */
import { execa, type ResultPromise } from 'execa';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';

/** The checkout: two levels up, or three when the reliability scripts run this compiled in .bench/test/support. */
export const ROOT = ((up) => (basename(up) === '.bench' ? dirname(up) : up))(resolve(import.meta.dirname, '..', '..'));
export const BIN = join(ROOT, 'bin', 'stripe-hooks.js');

/** The real Stripe CLI binary from the @stripe/cli devDependency. */
export const STRIPE_BIN = join(ROOT, 'node_modules', '@stripe', 'cli-linux-x64', 'bin', 'stripe');

export function tempDir(prefix = 'stripe-hooks-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export interface Sandbox {
  home: string;
  cwd: string;
  /** A clean environment: temp HOME/XDG dirs, no Stripe variables from the developer's shell. */
  env: NodeJS.ProcessEnv;
}

export function sandbox(extra: NodeJS.ProcessEnv = {}): Sandbox {
  const home = tempDir('stripe-hooks-home-');
  const cwd = tempDir('stripe-hooks-cwd-');
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: home,
    XDG_CONFIG_HOME: join(home, '.config'),
    XDG_CACHE_HOME: join(home, '.cache'),
    CI: 'true',
    FORCE_COLOR: '0',
    NO_COLOR: '1',
    STRIPE_CLI_TELEMETRY_OPTOUT: '1',
    ...extra,
  };
  return { home, cwd, env };
}

/** Spawns `stripe-hooks ...args`; never rejects, so tests assert on exitCode/stdout/stderr. */
export function runCli(args: string[], options: { box?: Sandbox; env?: NodeJS.ProcessEnv; input?: string } = {}): ResultPromise<{ reject: false }> {
  const box = options.box ?? sandbox();
  // `--` ends node's own options: without it Node 20 reads a script's `--env-file X` as its own and exits 9 when X is missing.
  return execa(process.execPath, ['--', BIN, ...args], {
    cwd: box.cwd,
    env: { ...box.env, ...options.env },
    extendEnv: false,
    reject: false,
    input: options.input,
    stdin: options.input === undefined ? 'ignore' : undefined,
  }) as ResultPromise<{ reject: false }>;
}
