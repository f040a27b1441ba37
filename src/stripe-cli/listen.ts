/**
 * `stripe listen` as a library: the argv it gets (pure), its output lines read
 * back as typed events, and `spawnStripeListen`, which runs it until it is ready and
 * then streams what it forwards. Prints nothing; callers render the events.
 */
import { AsyncQueue } from '../lib/async-queue.js';
import { UsageError } from '../errors.js';
import { CLI_NAMES } from '../lib/option-name.js';
import { apiServerWords } from '../lib/hint-words.js';
import { cleanLine, parseListenLine, type CliErrorCategory } from './listen-lines.js';
import type { EventsFrom, KindSelection } from './listen-selection.js';
import { assertArgValue, cliFailure, spawnStripe, stripeArgsBase, StripeCliError, type StripeTarget } from './spawn.js';

export interface ListenArgs {
  /** Where the CLI forwards: the relay's URLs (src/relay/), already absolute. */
  forwardTo: string;
  forwardConnectTo?: string;
  /** Event types to forward (of one kind: listen-selection.ts), or every event of the kind. */
  events: KindSelection;
  /** This process forwards thin events (`all`: `--all-thin`); default snapshot events (`all`: `--all-snapshot`). */
  thin?: boolean;
  /** `--events-from`: passed only when given, so a Stripe CLI without the flag still runs without it. */
  eventsFrom?: EventsFrom;
  /** "Key: Value" headers added to forwarded requests. */
  headers?: readonly string[];
  latest?: boolean;
  apiBase?: URL;
}

const HEADER = /^([!#$%&'*+.^_`|~0-9A-Za-z-]+)\s*:\s*(.*)$/;

/**
 * One `--headers` value for the CLI. It splits that flag's value as CSV, so a
 * header whose value holds a comma or quote is CSV-quoted to arrive whole.
 */
export function headerArg(header: string): string {
  const match = HEADER.exec(assertArgValue(header.trim(), '--header'));
  if (!match || match[2] === '') {
    throw new UsageError(`--header "${header}" is not "Key: Value"`, { hint: 'e.g. --header "X-Tenant: acme"' });
  }
  const text = `${match[1]}: ${match[2]}`;
  return /[",]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** The exact argv of `stripe listen` (no key: that goes in the environment). */
export function buildListenArgs(options: ListenArgs): string[] {
  const args = ['listen'];
  // 1.52 refuses --forward-connect-to with `--events-from @self`, and both destinations with `@accounts`: a Connect
  // event then goes to the Connect destination alone (the relay's `connect` path says what it is).
  const { eventsFrom } = options;
  const forwardConnectTo = eventsFrom === '@self' ? undefined : options.forwardConnectTo;
  if (eventsFrom !== '@accounts' || !forwardConnectTo) args.push('--forward-to', assertArgValue(options.forwardTo, '--forward-to'));
  if (forwardConnectTo) args.push('--forward-connect-to', assertArgValue(forwardConnectTo, '--forward-connect-to'));
  if (options.events === 'all') {
    args.push(options.thin ? '--all-thin' : '--all-snapshot');
  } else {
    if (options.events.length === 0) throw new UsageError('no event types to listen for', { hint: 'pass --events, --flow or --all-events' });
    args.push('--events', options.events.map((event) => assertArgValue(event, '--events')).join(','));
  }
  if (eventsFrom !== undefined) args.push('--events-from', eventsFrom);
  for (const header of options.headers ?? []) args.push('--headers', headerArg(header));
  if (options.latest) args.push('--latest');
  // The version check would reach api.github.com on every start.
  args.push('--skip-update', ...stripeArgsBase(options));
  return args;
}

/** `stripe listen --print-secret`: creates the session, prints the secret, exits. */
export function buildPrintSecretArgs(options: { apiBase?: URL }): string[] {
  return ['listen', '--print-secret', ...stripeArgsBase(options)];
}

/**
 * What the CLI's text says: that it is ready (and its secret), or an error of its own. Deliveries are
 * not read from its text: the relay (src/relay/) sees each one exactly.
 */
export type StripeListenEvent =
  | { kind: 'ready'; at: number; secret: string; apiVersion?: string }
  | { kind: 'cli-error'; at: number; category: CliErrorCategory; message: string };

export interface StripeListenOptions extends Omit<ListenArgs, 'apiBase'> {
  target: StripeTarget;
  readyTimeoutMs: number;
  /** Aborting stops the child; the failure then thrown (or ending `events`) is the signal's reason. */
  signal?: AbortSignal;
  /** How long the child gets after SIGTERM before SIGKILL. */
  graceMs?: number;
  /** Diagnostics (pid, argv, every output line, cleaned): for --verbose. */
  log?: (text: string) => void;
}

export interface StripeListen {
  secret: string;
  apiVersion?: string;
  pid: number;
  /** Every event from the first `ready` on. Ends after stop(); throws if the CLI dies on its own (or on abort). */
  events: AsyncIterable<StripeListenEvent>;
  /** SIGTERM, SIGKILL after the grace period; resolves once the child is gone. */
  stop(): Promise<void>;
  exited: Promise<{ code?: number; signal?: string }>;
}

/** Progress lines that are not errors. */
const QUIET = /^(Getting ready|Checking for new versions|Session expired, reconnecting)/;

/**
 * The CLI's own words for why it failed, from its stderr: the last error it
 * logged, else the first line that is not progress (a panic's first line, not
 * its stack; a bare message, not the advice lines under it).
 */
export function failureMessage(stderrLines: readonly string[]): string | undefined {
  let logged: string | undefined;
  let other: string | undefined;
  for (const raw of stderrLines) {
    const parsed = parseListenLine(raw);
    const text = cleanLine(raw);
    if (parsed?.kind === 'cli-error') logged = parsed.message;
    else if (!parsed && text && !QUIET.test(text)) other ??= text;
  }
  return logged ?? other;
}

/** Runs `stripe listen` and resolves once it is ready (secret known); rejects with a StripeCliError otherwise. */
export async function spawnStripeListen(options: StripeListenOptions): Promise<StripeListen> {
  const { target, signal, log } = options;
  const args = buildListenArgs({ ...options, apiBase: target.apiBase });
  if (signal?.aborted) throw signal.reason;
  const child = await spawnStripe(target, args, { graceMs: options.graceMs });
  log?.(`stripe listen started (pid ${child.pid}): ${target.bin} ${args.join(' ')}`);

  const queue = new AsyncQueue<StripeListenEvent>();
  const stderr: string[] = [];
  let stopping = false;
  let onReady!: (event: Extract<StripeListenEvent, { kind: 'ready' }>) => void;
  const ready = new Promise<Extract<StripeListenEvent, { kind: 'ready' }>>((resolve) => (onReady = resolve));

  child.onLine((raw, stream) => {
    const text = cleanLine(raw);
    if (text) log?.(`stripe ${stream}: ${text}`);
    if (stream === 'stderr') stderr.push(raw);
    if (stderr.length > 100) stderr.shift();
    const parsed = parseListenLine(raw);
    if (!parsed) return;
    const event = { ...parsed, at: Date.now() };
    if (event.kind === 'ready') onReady(event);
    queue.push(event);
  });

  const stop = async () => {
    stopping = true;
    await child.stop();
  };
  const onAbort = () => void stop();
  signal?.addEventListener('abort', onAbort, { once: true });
  const failure = child.exited.then(({ code, signal: killedBy }) => {
    signal?.removeEventListener('abort', onAbort);
    if (signal?.aborted) return signal.reason as unknown;
    if (stopping) return undefined;
    return cliFailure('listen', failureMessage(stderr), killedBy ? `was killed by ${killedBy}` : `exited with code ${code}`, target);
  });
  void failure.then((error) => queue.end(error));

  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), options.readyTimeoutMs)));
  const first = await Promise.race([ready, timedOut, failure.then((error) => ({ error }))]);
  clearTimeout(timer);
  if (first === 'timeout') {
    await stop();
    const seconds = options.readyTimeoutMs / 1000;
    const names = target.names ?? CLI_NAMES;
    throw new StripeCliError('timeout', `stripe listen was not ready within ${seconds} s`, {
      hint: `check that ${apiServerWords(target.apiBase, names)} is reachable${names.readyTimeout ? `, or raise ${names.readyTimeout.name}` : ''}`,
    });
  }
  if (!('kind' in first)) {
    // The child is gone already; an abort before ready lands here too.
    throw first.error ?? new StripeCliError('exited', 'stripe listen stopped before it was ready', { names: target.names });
  }
  return { secret: first.secret, apiVersion: first.apiVersion, pid: child.pid, events: queue, stop, exited: child.exited };
}
