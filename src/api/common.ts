/**
 * What every library function shares with the CLI's context: the environment it
 * runs in (the process's cwd and env, the options in place of the global flags,
 * messages naming the library's options), the flow a FlowInput names, and turning
 * an abort into the CLI's 'interrupted' error. The options themselves were checked
 * at the entry (check.ts); what is left here needs the implementation.
 */
import { abortError, UsageError } from '../errors.js';
import { resolveFlow } from '../flows/load.js';
import type { Flow } from '../flows/types.js';
import { FlowShapeError, parseFlowObject } from '../flows/validate.js';
import type { Environment } from '../lib/environment.js';
import { LIBRARY_NAMES } from '../lib/option-name.js';
import { parseApiBase } from '../lib/option-values.js';
import { refuseApiKey } from '../lib/secrets.js';
import type { FlowInput } from './options.js';
import { resolve } from 'node:path';
import type { RunRecording } from '../record/policy.js';
import { openRecorder } from '../record/writer.js';

/**
 * The library's `record` for a run that sends the events itself (deliverFlow, replay): opened, relative to the cwd,
 * before anything is sent; the secrets it signs with (and STRIPE_API_KEY) never written. What was left out is
 * counted in the report's `record`, not told one by one.
 */
export function libraryRecording(path: string | undefined, options: { live?: boolean; secret: string; thinSecret?: string }): RunRecording | undefined {
  if (path === undefined) return undefined;
  const secrets = [options.secret, options.thinSecret, process.env.STRIPE_API_KEY];
  const recorder = openRecorder(resolve(process.cwd(), path), { live: Boolean(options.live), secrets, option: LIBRARY_NAMES.record });
  return { recorder, onNotice: () => {} };
}

/** Never aborted: for calls given no signal. */
const NO_SIGNAL = new AbortController().signal;

/** The Environment the CLI would build from these options and the same variables (docs/api.md). */
export function apiEnvironment(options: { apiKey?: string; apiBase?: string; stripeBin?: string; signal?: AbortSignal }): Environment {
  const env = process.env;
  return {
    cwd: process.cwd(),
    env,
    stripeBin: options.stripeBin ?? (env.STRIPE_HOOKS_STRIPE_BIN || undefined),
    apiKey: options.apiKey ?? (env.STRIPE_API_KEY || undefined),
    apiBase: options.apiBase === undefined ? parseApiBase(env.STRIPE_HOOKS_API_BASE, 'STRIPE_HOOKS_API_BASE') : new URL(options.apiBase.trim()),
    signal: options.signal ?? NO_SIGNAL,
    names: LIBRARY_NAMES,
  };
}

/**
 * Runs `work`; once `signal` has aborted, whatever it throws (the abort's reason, a
 * half-finished request's error) becomes the one error an interrupted run gives,
 * ERR_STRIPE_HOOKS_INTERRUPTED with the signal's reason as its cause.
 */
export async function interruptible<T>(signal: AbortSignal | undefined, work: () => Promise<T>): Promise<T> {
  try {
    if (signal?.aborted) throw signal.reason;
    return await work();
  } catch (error) {
    if (signal?.aborted) throw abortError(signal.reason);
    throw error;
  }
}

/**
 * A flow by name (as the CLI looks it up from the cwd), or a flow object, checked by its shape as a flow file's
 * would be: a copy of one loadFlow returned (spread, or through JSON) is as good as the original.
 */
export async function resolveFlowInput(flow: FlowInput): Promise<Flow> {
  if (typeof flow === 'string') return resolveFlow(flow, { cwd: process.cwd() });
  try {
    return parseFlowObject(flow);
  } catch (error) {
    if (error instanceof FlowShapeError) throw new UsageError(`flow: ${error.message}`, { hint: error.hint });
    throw error;
  }
}

/** A signing secret: any non-empty text but an API key (the app verifies with whatever it was given). */
export function requireSecret(secret: string, name = 'secret'): string {
  refuseApiKey(secret.trim(), `the ${name} option`);
  return secret.trim();
}

/** Thin events' own secret (`thinSecret`), checked as `secret` is; undefined when not given (they are signed with `secret`). */
export function thinSecretOf(options: { thinSecret?: string }): string | undefined {
  return options.thinSecret === undefined ? undefined : requireSecret(options.thinSecret, 'thinSecret');
}
