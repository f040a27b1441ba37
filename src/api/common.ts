/**
 * What every library function shares with the CLI's context: the environment it
 * runs in (the process's cwd and env, the options in place of the global flags),
 * the flow a FlowInput names, and turning an abort into the CLI's 'interrupted' error.
 */
import { abortError, UsageError } from '../errors.js';
import { isLoaded, resolveFlow } from '../flows/load.js';
import type { Flow } from '../flows/types.js';
import { FlowShapeError, parseFlow } from '../flows/validate.js';
import type { Environment } from '../lib/environment.js';
import { checkInteger, parseApiBase } from '../lib/option-values.js';
import { refuseApiKey } from '../lib/secrets.js';
import type { FlowInput } from './options.js';

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
    apiBase: parseApiBase(options.apiBase ?? env.STRIPE_HOOKS_API_BASE),
    signal: options.signal ?? NO_SIGNAL,
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

/** A flow by name (as the CLI looks it up from the cwd), or a flow object, checked as a flow file's would be. */
export async function resolveFlowInput(flow: FlowInput): Promise<Flow> {
  if (typeof flow === 'string') return resolveFlow(flow, { cwd: process.cwd() });
  if (typeof flow !== 'object' || flow === null) throw new UsageError('flow must be a flow name or a flow object', { hint: "e.g. flow: 'payment'" });
  if (isLoaded(flow)) return flow; // from loadFlow: checked when read (a recording's name and types would not pass parseFlow)
  const { name, source, ...body } = flow;
  try {
    return parseFlow(body, typeof name === 'string' ? name : '', typeof source === 'string' ? source : 'flow object', []);
  } catch (error) {
    if (error instanceof FlowShapeError) throw new UsageError(error.message, { hint: error.hint });
    throw error;
  }
}

/** A signing secret: any non-empty text but an API key (the app verifies with whatever it was given). */
export function requireSecret(secret: string): string {
  if (typeof secret !== 'string' || secret.trim() === '') {
    throw new UsageError('secret is empty', { hint: 'give the signing secret your app verifies with, e.g. its STRIPE_WEBHOOK_SECRET' });
  }
  refuseApiKey(secret.trim(), 'the secret option');
  return secret.trim();
}

// The limits `trigger-flow --seed` and `--forward-timeout` take (src/commands/trigger-flow/definition.ts).
const MAX_SEED = 0xffffffff;

export const checkSeed = (seed: number | undefined): number | undefined => (seed === undefined ? undefined : checkInteger(seed, 'seed', 0, MAX_SEED));

/** A per-delivery limit in ms, at most Stripe's 30 s. */
export const checkTimeout = (ms: number | undefined): number | undefined => (ms === undefined ? undefined : checkInteger(ms, 'timeoutMs', 1, 30_000, 5000));
