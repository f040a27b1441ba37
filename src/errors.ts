/**
 * One error model for the whole tool: core modules throw these, only the entry
 * point (cli.ts) turns them into an exit code and a one-line message.
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

export type ErrorKind = 'failed' | 'usage' | 'environment' | 'interrupted' | 'terminated';

export class HooksError extends Error {
  readonly exitCode: ExitCodeValue;
  readonly kind: ErrorKind;
  /** A short follow-up line telling the user what to do next. */
  readonly hint?: string;
  /** The command's --json document already states this outcome: set only the exit code, print no second document. */
  readonly reported: boolean;

  constructor(kind: ErrorKind, message: string, options: { hint?: string; cause?: unknown; reported?: boolean } = {}) {
    super(message, { cause: options.cause });
    this.name = 'HooksError';
    this.kind = kind;
    this.exitCode = ExitCode[kind];
    this.hint = options.hint;
    this.reported = options.reported ?? false;
  }
}

/** The user asked for something that cannot work as written: bad flag, URL, flow, event or file. */
export class UsageError extends HooksError {
  constructor(message: string, options: { hint?: string; cause?: unknown } = {}) {
    super('usage', message, options);
    this.name = 'UsageError';
  }
}

/** The machine is not ready: Stripe CLI missing or broken, no key, network or API down. */
export class EnvironmentError extends HooksError {
  constructor(message: string, options: { hint?: string; cause?: unknown } = {}) {
    super('environment', message, options);
    this.name = 'EnvironmentError';
  }
}

/** The tool worked but the thing under test did not: a step or delivery failed. */
export class FailedError extends HooksError {
  constructor(message: string, options: { hint?: string; cause?: unknown; reported?: boolean } = {}) {
    super('failed', message, options);
    this.name = 'FailedError';
  }
}

/** The run was stopped by a signal after a clean shutdown (exit 130 for SIGINT, 143 for SIGTERM). */
export class InterruptedError extends HooksError {
  readonly signal: 'SIGINT' | 'SIGTERM';
  constructor(signal: 'SIGINT' | 'SIGTERM' = 'SIGINT') {
    super(signal === 'SIGINT' ? 'interrupted' : 'terminated', signal === 'SIGINT' ? 'Interrupted' : 'Terminated');
    this.name = 'InterruptedError';
    this.signal = signal;
  }
}
