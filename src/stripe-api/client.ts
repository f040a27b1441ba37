/**
 * The one place that makes a Stripe SDK client, resolves the API key for it,
 * retries what the SDK leaves alone (rate limits) and turns SDK errors into our
 * error model. The SDK itself is imported lazily so `--help` never loads it.
 */
import type Stripe from 'stripe';
import { packageVersion } from '../lib/package-info.js';
import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { setTimeout as sleep } from 'node:timers/promises';
import { EnvironmentError, UsageError } from '../errors.js';
import { CLI_NAMES, type OptionNames } from '../lib/option-name.js';
import { isLiveKey } from '../lib/stripe-key.js';
import { apiServerWords, giveKeyHint } from '../lib/hint-words.js';

export type { Stripe };

export interface StripeClientOptions {
  apiKey: string;
  /** Local backend (stripe-mock, a test fake): host, port and protocol come from it. */
  apiBase?: URL;
  /** Per-request timeout in ms. */
  timeout?: number;
  /** SDK retries of connection errors, 409 and 5xx (each retry reuses the request's Idempotency-Key). */
  maxNetworkRetries?: number;
  /** Aborting cuts every request in flight and sends no more (stripeCall then rejects with the signal's reason). */
  signal?: AbortSignal;
}

/**
 * The SDK is a peer dependency: the app's own copy, which npm 7 and later install beside this package. A package
 * manager that leaves peers out leaves it missing: say so, instead of a module error.
 */
export async function loadStripeSdk(): Promise<typeof Stripe> {
  try {
    return (await import('stripe')).default;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ERR_MODULE_NOT_FOUND' || !/'stripe'/.test((error as Error).message)) throw error;
    throw new EnvironmentError('the stripe package (the Stripe SDK) is not installed', {
      hint: 'install it beside stripe-hooks: npm install stripe (a peer dependency, which npm 7+ installs by itself)',
      cause: error,
    });
  }
}

export async function createStripeClient(options: StripeClientOptions): Promise<Stripe> {
  const StripeSDK = await loadStripeSdk();
  const base = options.apiBase;
  const https = !base || base.protocol === 'https:';
  // The SDK's default agents keep sockets alive, and a retried error response's socket is
  // never released: a one-shot CLI would then linger until the server hangs up (5 s or more).
  const agent = https ? new HttpsAgent({ keepAlive: false }) : new HttpAgent({ keepAlive: false });
  return new StripeSDK(options.apiKey, {
    maxNetworkRetries: Math.max(2, options.maxNetworkRetries ?? 2),
    timeout: options.timeout ?? 30_000,
    httpAgent: agent,
    ...(options.signal && { httpClient: abortableClient(StripeSDK.createNodeHttpClient(agent), agent, options.signal) }),
    appInfo: { name: 'stripe-hooks', version: packageVersion(), url: 'https://github.com/stripe-hooks/stripe-hooks' },
    ...(base && {
      host: base.hostname,
      port: base.port || (base.protocol === 'https:' ? 443 : 80),
      protocol: https ? 'https' : 'http',
    }),
  });
}

type HttpClient = ReturnType<typeof Stripe.createNodeHttpClient>;

/**
 * The SDK takes no AbortSignal, so its requests go through this client: an abort destroys the agent's sockets
 * (cutting what is in flight) and nothing is sent after it. A cut request is left unsettled rather than failed,
 * since the SDK would retry a failed one; stripeCall rejects on the abort itself.
 */
function abortableClient(inner: HttpClient, agent: HttpAgent, signal: AbortSignal): HttpClient {
  signal.addEventListener('abort', () => agent.destroy(), { once: true });
  const never = new Promise<never>(() => {});
  return {
    getClientName: () => inner.getClientName(),
    makeRequest: (...args) => {
      if (signal.aborted) return never;
      return inner.makeRequest(...args).catch((error: unknown) => (signal.aborted ? never : Promise.reject(error)));
    },
  };
}

/** `promise`, or the signal's reason as soon as it aborts. */
function untilAborted<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return promise;
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason as Error);
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    void promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

export interface ApiKeyOptions {
  /** --live: a live-mode key may be used. */
  live?: boolean;
  /** Asks the user for the key; the command offers it only where it may ask (a terminal, not CI). */
  ask?: () => Promise<string>;
  /** How the hints name the options; absent: the CLI's flags. */
  names?: OptionNames;
}

/**
 * The key from --api-key / STRIPE_API_KEY, or asked for through `ask`.
 * A live key is refused unless the user said --live: nothing is sent with it.
 */
export async function resolveApiKey(given: string | undefined, options: ApiKeyOptions = {}): Promise<string> {
  const names = options.names ?? CLI_NAMES;
  let key = given?.trim();
  if (!key && options.ask) key = (await options.ask()).trim();
  if (!key) {
    throw new EnvironmentError('no API key', { hint: giveKeyHint(names) });
  }
  if (isLiveKey(key) && !options.live) {
    // Where there is no --live (the library), live endpoints stay a deliberate step of the CLI's.
    throw names.live
      ? new EnvironmentError(`refusing to use a live-mode API key without ${names.live.name}`, {
          hint: `pass ${names.live.name} to manage live endpoints, or use a test key (sk_test_…)`,
        })
      : new EnvironmentError('refusing to use a live-mode API key: the library manages test-mode endpoints only', {
          hint: 'use a test key (sk_test_…); manage live endpoints with `stripe-hooks register-endpoint --live`',
        });
  }
  return key;
}

interface StripeErrorLike {
  type?: string;
  statusCode?: number;
  message?: string;
  headers?: Record<string, string | string[] | undefined>;
}

/** SDK errors carry their class name in `type` (StripeRateLimitError, …); checked by shape so the SDK stays unloaded. */
const asStripeError = (error: unknown): StripeErrorLike | undefined =>
  error instanceof Error && typeof (error as StripeErrorLike).type === 'string' ? (error) : undefined;

export interface RetryOptions {
  signal?: AbortSignal;
  /** Attempts in all, the first included. */
  attempts?: number;
  /** First backoff in ms; doubles each time, with jitter. */
  baseDelay?: number;
  /** Longest single wait in ms, Retry-After included. */
  maxDelay?: number;
}

/**
 * Runs one SDK call, retrying a 429. The SDK retries a 429 only when Stripe sends
 * `Stripe-Should-Retry: true`; a deploy script should rather wait than fail. Honours
 * Retry-After (seconds or an HTTP date), otherwise backs off exponentially.
 */
export async function withRateLimitRetry<T>(call: () => Promise<T>, options: RetryOptions = {}): Promise<T> {
  const { signal, attempts = 5, baseDelay = 500, maxDelay = 20_000 } = options;
  for (let attempt = 1; ; attempt++) {
    signal?.throwIfAborted();
    try {
      return await untilAborted(call(), signal);
    } catch (error) {
      const stripeError = asStripeError(error);
      if (stripeError?.statusCode !== 429 || attempt >= attempts || header(stripeError, 'stripe-should-retry') === 'false') {
        throw error;
      }
      const backoff = baseDelay * 2 ** (attempt - 1) * (0.5 + Math.random() / 2);
      const wait = Math.min(maxDelay, retryAfter(header(stripeError, 'retry-after')) ?? backoff);
      await sleep(wait, undefined, { signal }).catch(() => signal?.throwIfAborted());
    }
  }
}

function header(error: StripeErrorLike, name: string): string | undefined {
  const value = error.headers?.[name];
  return Array.isArray(value) ? value[0] : value;
}

/** Retry-After in ms, from seconds or an HTTP date; undefined when absent or unreadable. */
export function retryAfter(value: string | undefined, now = Date.now()): number | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  if (/^\d+(\.\d+)?$/.test(value.trim())) return Number(value) * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** Turns an SDK error into our error model: 401/403 and network are the environment's, 400/404 the user's. */
export function toHooksError(error: unknown, apiBase?: URL, names: OptionNames = CLI_NAMES): unknown {
  const stripeError = asStripeError(error);
  if (!stripeError) return error;
  const where = apiBase ? apiBase.host : 'api.stripe.com';
  switch (stripeError.type) {
    case 'StripeAuthenticationError':
      return new EnvironmentError('invalid API key', {
        hint: giveKeyHint(names, 'a valid secret (sk_…) or restricted (rk_…) key: keys are at https://dashboard.stripe.com/apikeys'),
        cause: error,
      });
    case 'StripePermissionError':
      return new EnvironmentError(`the API key is not allowed to do this: ${stripeError.message}`, {
        hint: 'use a secret key, or a restricted key with write access to Webhook Endpoints',
        cause: error,
      });
    case 'StripeInvalidRequestError':
      return new UsageError(stripeError.message || `Stripe rejected the request (${stripeError.statusCode})`, { cause: error });
    case 'StripeRateLimitError':
      return new EnvironmentError('Stripe kept rate-limiting the requests', { hint: 'wait a minute and run it again', cause: error });
    case 'StripeConnectionError':
      return new EnvironmentError(`cannot reach the Stripe API at ${where}`, {
        hint: apiBase ? `check that ${apiServerWords(apiBase, names)} is running; the request was retried` : 'check the network; the request was retried',
        cause: error,
      });
    default:
      return new EnvironmentError(`the Stripe API failed (${stripeError.statusCode ?? stripeError.type}): ${stripeError.message}`, {
        hint: 'the request was retried; try again later or check https://status.stripe.com',
        cause: error,
      });
  }
}

/** One SDK call as the rest of the tool wants it: rate limits retried, errors in our model. */
export async function stripeCall<T>(call: () => Promise<T>, options: RetryOptions & { apiBase?: URL; names?: OptionNames } = {}): Promise<T> {
  try {
    return await withRateLimitRetry(call, options);
  } catch (error) {
    throw toHooksError(error, options.apiBase, options.names);
  }
}
