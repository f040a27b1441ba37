/**
 * Everything a command needs from the outside world, resolved once from the
 * global options and the environment and then passed in explicitly, so core
 * modules never read process.env or process.argv themselves.
 */
import { Output, colorEnabled } from './ui/output.js';
import { warnSecretFlag } from './ui/secret-flag.js';
import { parseHttpUrl } from './lib/option-values.js';
import type { GlobalOptions } from './program.js';

export interface Context {
  cwd: string;
  env: NodeJS.ProcessEnv;
  out: Output;
  json: boolean;
  verbose: boolean;
  /** Explicit Stripe CLI binary (--stripe-bin or STRIPE_HOOKS_STRIPE_BIN). */
  stripeBin?: string;
  /** Stripe API key (--api-key or STRIPE_API_KEY). Never printed. */
  apiKey?: string;
  /** Local backend for the Stripe CLI and the SDK (--api-base or STRIPE_HOOKS_API_BASE). */
  apiBase?: URL;
  /** Whether we may ask questions: stdin is a terminal and this is not CI. */
  canPrompt: boolean;
  /** Aborted with an InterruptedError on SIGINT/SIGTERM; long work must stop its children and throw it. */
  signal: AbortSignal;
}

export function parseApiBase(value: string | undefined): URL | undefined {
  if (value === undefined || value === '') return undefined;
  return parseHttpUrl(value, '--api-base', 'use e.g. --api-base http://127.0.0.1:12111');
}

export function isCI(env: NodeJS.ProcessEnv): boolean {
  return env.CI !== undefined && env.CI !== '' && env.CI !== '0' && env.CI !== 'false';
}

/** The Context of one run, from the root program's parsed global options. */
export function createContext(
  options: GlobalOptions,
  signal: AbortSignal,
  io: { env?: NodeJS.ProcessEnv; cwd?: string; stdinIsTTY?: boolean } = {},
): Context {
  const env = io.env ?? process.env;
  const json = Boolean(options.json);
  const verbose = Boolean(options.verbose);
  const out = new Output({ json, verbose, color: colorEnabled(options.color !== false, env, process.stdout) });
  const apiKey = options.apiKey || undefined;
  if (apiKey && options.apiKeyFromFlag) warnSecretFlag(out, '--api-key');
  return {
    cwd: io.cwd ?? process.cwd(),
    env,
    out,
    json,
    verbose,
    stripeBin: options.stripeBin || undefined,
    apiKey,
    apiBase: parseApiBase(options.apiBase),
    canPrompt: (io.stdinIsTTY ?? Boolean(process.stdin.isTTY)) && !isCI(env),
    signal,
  };
}
