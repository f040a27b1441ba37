/**
 * A Context for running a command module in-process (for the paths that need a
 * mocked prompt): output captured from PassThrough streams, env and cwd explicit.
 */
import { PassThrough } from 'node:stream';
import type { Context } from '../../src/context.js';
import { CLI_NAMES } from '../../src/lib/option-name.js';
import { Output } from '../../src/ui/output.js';

export type CapturedContext = Context & { stdout: () => string; stderr: () => string };

export function capturedContext(options: Partial<Omit<Context, 'out'>> & { cwd: string; env: NodeJS.ProcessEnv }): CapturedContext {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (chunk) => (out += chunk));
  stderr.on('data', (chunk) => (err += chunk));
  const json = options.json ?? false;
  return {
    json,
    verbose: false,
    canPrompt: false,
    signal: new AbortController().signal,
    names: CLI_NAMES,
    ...options,
    out: new Output({ json, verbose: false, color: false, stdout, stderr }),
    stdout: () => out,
    stderr: () => err,
  };
}
