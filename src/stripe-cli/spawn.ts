/**
 * The one boundary that runs the Stripe CLI binary. Everything that reaches the
 * child is decided here: its environment (the key travels in STRIPE_API_KEY,
 * never in argv where `ps` shows it; telemetry and colour off), the `--api-base`
 * it is given, timeouts and kill grace, and how its failures are sorted into a
 * small union with fixed hints. Raw child output is never copied into an error
 * unredacted: it may hold keys.
 */
import { runChild, startChild } from '../lib/child-process.js';
import { EnvironmentError, UsageError } from '../errors.js';
import type { Environment } from '../lib/environment.js';
import { CLI_NAMES, named, type Named, type OptionNames } from '../lib/option-name.js';
import { redact } from '../lib/redact.js';
import { apiServerWords, giveKeyHint } from '../lib/hint-words.js';
import { loginCommand } from './login-hint.js';
import { createInterface } from 'node:readline';

/** What it takes to run the Stripe CLI: the binary plus the bits of the environment it needs. */
export interface StripeTarget {
  bin: string;
  /** The user's environment, the base of the child's. */
  env: NodeJS.ProcessEnv;
  cwd: string;
  apiKey?: string;
  apiBase?: URL;
  /** How the failures' hints name options; absent: the CLI's flags. */
  names?: OptionNames;
}

export function stripeTarget(environment: Pick<Environment, 'env' | 'cwd' | 'apiKey' | 'apiBase' | 'names'>, bin: string): StripeTarget {
  const { env, cwd, apiKey, apiBase, names } = environment;
  return { bin, env, cwd, apiKey, apiBase, names };
}

/** The child's environment: the user's (HOME, proxies, `stripe login` config) with our choices on top. */
export function stripeEnv(target: Pick<StripeTarget, 'env' | 'apiKey'>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...target.env, STRIPE_CLI_TELEMETRY_OPTOUT: '1', CLICOLOR: '0' };
  delete env.CLICOLOR_FORCE;
  delete env.STRIPE_API_KEY;
  if (target.apiKey) env.STRIPE_API_KEY = target.apiKey;
  return env;
}

/**
 * Arguments every Stripe CLI command gets. The CLI accepts `--api-base` only for
 * Stripe's hosts or `http://127.0.0.1[:port]` (it refuses `localhost`), so a
 * loopback base is translated to 127.0.0.1 and anything else it would refuse is
 * a usage error here, before a child is spawned.
 */
export function stripeArgsBase(options: { apiBase?: URL }): string[] {
  return options.apiBase ? ['--api-base', stripeCliApiBase(options.apiBase)] : [];
}

/** The base as the Stripe CLI takes it, or a UsageError naming the option it came from (`--api-base`, `apiBase`). */
export function stripeCliApiBase(base: URL, name: Named = '--api-base'): string {
  const url = new URL(base.href);
  if (url.hostname === 'localhost') url.hostname = '127.0.0.1';
  const text = url.href.replace(/\/$/, '');
  const acceptable = (url.protocol === 'http:' && url.hostname === '127.0.0.1') || /^https:\/\/api\.stripe\.com(\/v\d+)?$/.test(text);
  if (!acceptable) {
    throw new UsageError(`${named(name).name} ${text} is not accepted by the Stripe CLI`, {
      hint: 'it takes only a local server as http://127.0.0.1:PORT (or Stripe\'s own API host)',
    });
  }
  return text;
}

/** Refuses a user-supplied value that the child's flag parser would read as an option. */
export function assertArgValue(value: string, flag: string): string {
  if (value.startsWith('-')) {
    throw new UsageError(`${flag} value "${value}" starts with "-"`, { hint: `give ${flag} a value, not another option` });
  }
  return value;
}

export type StripeFailureKind = 'missing' | 'timeout' | 'bad-key' | 'not-logged-in' | 'network' | 'exited';

/** What a failure's hint may name besides the options: the binary that ran, where the key came from, `--api-base`. */
export type HintTarget = Pick<StripeTarget, 'bin' | 'env' | 'cwd' | 'apiKey' | 'apiBase'>;

interface HintContext {
  names: OptionNames;
  target?: HintTarget;
}

const login = (target: HintTarget | undefined) => (target ? loginCommand(target.bin, target) : 'stripe login');

/** The key was refused: the one in STRIPE_API_KEY, the one given as an option, or the one `stripe login` saved. */
function badKeyHint({ names, target }: HintContext): string {
  const use = 'use a secret (sk_test_…) or restricted (rk_test_…) key';
  if (target && !target.apiKey) return `the key \`stripe login\` saved was refused: run \`${login(target)}\` again, or ${giveKeyHint(names)}`;
  const from = !target || target.env.STRIPE_API_KEY === target.apiKey ? 'STRIPE_API_KEY' : names.apiKey.name;
  return `check ${from}: ${use}`;
}

/** Each kind's hint, naming the options as the caller's surface does (`names`), and what this run used (`target`). */
const HINTS: Record<StripeFailureKind, (context: HintContext) => string | undefined> = {
  missing: ({ names }) => `run \`stripe-hooks setup\` to find or install the Stripe CLI, or pass ${names.stripeBin.name}`,
  timeout: ({ names, target }) => (target?.apiBase ? `check that ${apiServerWords(target.apiBase, names)} is up, or allow more time` : 'check the network, or allow more time'),
  'bad-key': badKeyHint,
  'not-logged-in': ({ names, target }) => `${giveKeyHint(names)}, or run \`${login(target)}\``,
  network: ({ names, target }) => (target?.apiBase ? `check that ${apiServerWords(target.apiBase, names)} is running` : 'check your network connection'),
  exited: ({ names }) => names.verbose && `re-run with ${names.verbose.name} to see the Stripe CLI's output`,
};

/** A Stripe CLI failure: always exit 3, with the hint of its kind. */
export class StripeCliError extends EnvironmentError {
  readonly failure: StripeFailureKind;
  constructor(failure: StripeFailureKind, message: string, options: { cause?: unknown; hint?: string; names?: OptionNames; target?: HintTarget } = {}) {
    const context = { names: options.names ?? CLI_NAMES, target: options.target };
    super(redact(message), { hint: options.hint ?? HINTS[failure](context), cause: options.cause });
    this.name = 'StripeCliError';
    this.failure = failure;
  }
}

/** Sorts one of the CLI's error messages into the kinds a user can act on. */
export function classifyCliMessage(text: string): 'bad-key' | 'not-logged-in' | 'network' | 'other' {
  if (/have not configured API keys/i.test(text)) return 'not-logged-in';
  if (/status=40[13]\b|invalid api key|api key provided|legacy-style api key|only supports using a secret/i.test(text)) return 'bad-key';
  if (/dial tcp|no such host|connection refused|i\/o timeout|network is unreachable|tls handshake|connection reset|EOF$/i.test(text)) return 'network';
  return 'other';
}

/** The part of a CLI message worth showing: no `body=…` (it echoes request details), short, redacted. */
export function cliMessageDetail(text: string): string {
  const detail = text
    .replace(/^Error while authenticating with Stripe:\s*/i, '')
    .replace(/,?\s*body=.*$/s, '')
    .trim();
  return redact(detail.length > 200 ? detail.slice(0, 199) + '…' : detail);
}

/** Turns the CLI's last error message (or none) into a StripeCliError for `stripe <command>` run as `target` says. */
export function cliFailure(command: string, message: string | undefined, exit: string, target: StripeTarget): StripeCliError {
  const options = { names: target.names, target };
  if (!message) return new StripeCliError('exited', `stripe ${command} ${exit}`, options);
  const kind = classifyCliMessage(message);
  const detail = cliMessageDetail(message);
  switch (kind) {
    case 'bad-key':
      return new StripeCliError('bad-key', `Stripe rejected the API key (${detail})`, options);
    case 'not-logged-in':
      return new StripeCliError('not-logged-in', 'no Stripe API key: none given and the Stripe CLI is not logged in', options);
    case 'network':
      return new StripeCliError('network', `cannot reach the Stripe API (${detail})`, options);
    default:
      return new StripeCliError('exited', `stripe ${command} ${exit}: ${detail}`, options);
  }
}

function spawnFailure(target: StripeTarget, code: string): StripeCliError {
  const why = code === 'EACCES' ? 'is not executable' : 'was not found';
  return new StripeCliError('missing', `the Stripe CLI at ${target.bin} ${why}`, { cause: code, names: target.names });
}

export interface ExecResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs a short Stripe CLI command to completion (`listen --print-secret`,
 * `trigger …`). A missing binary, a timeout or an abort throw; a non-zero exit
 * is returned for the caller to judge (see `cliFailure`).
 */
export async function execStripe(
  target: StripeTarget,
  args: string[],
  options: { timeoutMs: number; signal?: AbortSignal; graceMs?: number },
): Promise<ExecResult> {
  const result = await runChild(target.bin, args, {
    env: stripeEnv(target),
    cwd: target.cwd,
    timeoutMs: options.timeoutMs,
    signal: options.signal,
    graceMs: options.graceMs ?? 3000,
    maxBuffer: 10_000_000,
  });
  if (result.canceled && options.signal?.aborted) throw options.signal.reason;
  if (result.timedOut) {
    throw new StripeCliError('timeout', `stripe ${args[0]} did not finish within ${Math.round(options.timeoutMs / 1000)} s`, { names: target.names, target });
  }
  if (result.failed) throw spawnFailure(target, result.failed);
  return { exitCode: result.code ?? 128, stdout: result.stdout, stderr: result.stderr };
}

export interface StripeProcess {
  pid: number;
  /** Every output line of both streams, as it arrives. */
  onLine(listener: (line: string, stream: 'stdout' | 'stderr') => void): void;
  /** Resolves once the child is gone; never rejects. */
  exited: Promise<{ code?: number; signal?: string }>;
  /** SIGTERM, then SIGKILL after the grace period; resolves once the child is gone. */
  stop(): Promise<void>;
}

/** Starts a long-running Stripe CLI command (`listen`) with its output read line by line. */
export async function spawnStripe(target: StripeTarget, args: string[], options: { graceMs?: number } = {}): Promise<StripeProcess> {
  const child = await startChild(target.bin, args, { env: stripeEnv(target), cwd: target.cwd, graceMs: options.graceMs ?? 3000 });
  if ('failed' in child) throw spawnFailure(target, child.failed);

  const listeners: ((line: string, stream: 'stdout' | 'stderr') => void)[] = [];
  for (const stream of ['stdout', 'stderr'] as const) {
    createInterface({ input: child[stream], crlfDelay: Infinity }).on('line', (line) => {
      for (const listener of listeners) listener(line, stream);
    });
  }
  return {
    pid: child.pid,
    onLine: (listener) => void listeners.push(listener),
    exited: child.exited,
    stop: async () => void (await child.stop()),
  };
}
