/**
 * One error model for the whole tool: core modules throw these; the CLI's entry
 * (cli.ts) turns them into an exit code and a one-line message, and the library
 * (src/index.ts) hands them to the caller as they are: every one is a StripeHooksError.
 */
export const ExitCode = {
  ok: 0,
  failed: 1,
  usage: 2,
  environment: 3,
  interrupted: 130,
  terminated: 143,
} as const;
export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

/**
 * What went wrong, as a string the way Node names its own errors (`err.code === 'ERR_…'`): one per exit code.
 * The exit code itself is `exitCode`.
 */
export type StripeHooksErrorCode =
  | 'ERR_STRIPE_HOOKS_USAGE'
  | 'ERR_STRIPE_HOOKS_ENVIRONMENT'
  | 'ERR_STRIPE_HOOKS_FAILED'
  | 'ERR_STRIPE_HOOKS_INTERRUPTED'
  | 'ERR_STRIPE_HOOKS_TERMINATED';

const EXIT_CODES = {
  ERR_STRIPE_HOOKS_FAILED: ExitCode.failed,
  ERR_STRIPE_HOOKS_USAGE: ExitCode.usage,
  ERR_STRIPE_HOOKS_ENVIRONMENT: ExitCode.environment,
  ERR_STRIPE_HOOKS_INTERRUPTED: ExitCode.interrupted,
  ERR_STRIPE_HOOKS_TERMINATED: ExitCode.terminated,
} as const satisfies Record<StripeHooksErrorCode, ExitCodeValue>;

export class StripeHooksError extends Error {
  readonly code: StripeHooksErrorCode;
  /** The CLI's exit code for this error: 1 failed, 2 usage, 3 environment, 130 interrupted, 143 terminated. */
  readonly exitCode: (typeof EXIT_CODES)[StripeHooksErrorCode];
  /** A short follow-up line telling the user what to do next. */
  readonly hint?: string;
  /** The command's --json document already states this outcome: set only the exit code, print no second document.
   * An InterruptedError so marked prints nothing in human mode either (the command said how it stopped). */
  readonly reported: boolean;

  constructor(code: StripeHooksErrorCode, message: string, options: { hint?: string; cause?: unknown; reported?: boolean } = {}) {
    super(message, { cause: options.cause });
    this.name = 'StripeHooksError';
    this.code = code;
    this.exitCode = EXIT_CODES[code];
    this.hint = options.hint;
    this.reported = options.reported ?? false;
  }
}

/** The user asked for something that cannot work as written: bad flag, URL, flow, event or file. */
export class UsageError extends StripeHooksError {
  constructor(message: string, options: { hint?: string; cause?: unknown } = {}) {
    super('ERR_STRIPE_HOOKS_USAGE', message, options);
    this.name = 'UsageError';
  }
}

/** The machine is not ready: Stripe CLI missing or broken, no key, network or API down. */
export class EnvironmentError extends StripeHooksError {
  constructor(message: string, options: { hint?: string; cause?: unknown } = {}) {
    super('ERR_STRIPE_HOOKS_ENVIRONMENT', message, options);
    this.name = 'EnvironmentError';
  }
}

/** The tool worked but the thing under test did not: a step or delivery failed. */
export class FailedError extends StripeHooksError {
  constructor(message: string, options: { hint?: string; cause?: unknown; reported?: boolean } = {}) {
    super('ERR_STRIPE_HOOKS_FAILED', message, options);
    this.name = 'FailedError';
  }
}

/** The run was stopped by a signal after a clean shutdown (exit 130 for SIGINT, 143 for SIGTERM), or the library's signal aborted. */
export class InterruptedError extends StripeHooksError {
  readonly signal: 'SIGINT' | 'SIGTERM';
  constructor(signal: 'SIGINT' | 'SIGTERM' = 'SIGINT', options: { message?: string; cause?: unknown; reported?: boolean } = {}) {
    const { message = signal === 'SIGINT' ? 'Interrupted' : 'Terminated', ...rest } = options;
    super(signal === 'SIGINT' ? 'ERR_STRIPE_HOOKS_INTERRUPTED' : 'ERR_STRIPE_HOOKS_TERMINATED', message, rest);
    this.name = 'InterruptedError';
    this.signal = signal;
  }
}

/**
 * The error an aborted signal becomes: the CLI's own InterruptedError as it is, anything else (the caller's
 * reason) kept as `cause`. A timeout says so: a run cut by `AbortSignal.timeout()` was not interrupted by anyone.
 */
export function abortError(reason: unknown): InterruptedError {
  if (reason instanceof InterruptedError) return reason;
  const name = (reason as { name?: unknown } | null)?.name;
  if (name === 'TimeoutError') return new InterruptedError('SIGINT', { message: 'timed out (AbortSignal.timeout)', cause: reason });
  // A reason of the caller's own (abort(new Error('shutting down'))) is worth its words; the default AbortError's are not.
  const said = reason instanceof Error && name !== 'AbortError' && reason.message ? `: ${reason.message}` : '';
  return new InterruptedError('SIGINT', { message: `Interrupted${said}`, cause: reason });
}
