/**
 * Everything a command needs from the outside world, resolved once from the
 * global options and the environment and then passed in explicitly, so core
 * modules never read process.env or process.argv themselves.
 */
import { Output, colorEnabled } from './ui/output.js';
import { warnSecretFlag } from './ui/secret-flag.js';
import { parseApiBase } from './lib/option-values.js';
import type { Environment } from './lib/environment.js';
import { CLI_NAMES } from './lib/option-name.js';
import type { GlobalOptions } from './program.js';

/** What core modules get (the Environment: cwd, env, key, --api-base, signal), plus the terminal, which they never see. */
export interface Context extends Environment {
  out: Output;
  json: boolean;
  verbose: boolean;
  /** Whether we may ask questions: stdin is a terminal and this is not CI. */
  canPrompt: boolean;
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
  out.secret(apiKey);
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
    names: CLI_NAMES,
    canPrompt: (io.stdinIsTTY ?? Boolean(process.stdin.isTTY)) && !isCI(env),
    signal,
  };
}
