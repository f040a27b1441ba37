/**
 * The only place that knows about the terminal. stdout carries data (tables,
 * NDJSON, the JSON report); everything for a watching human (spinners, progress,
 * notes) goes to stderr, and spinners only when stderr is a terminal. Every
 * string passes through `redact` on its way out, then through the sanitizer's last
 * guard (lib/sanitize.ts): renderers sanitize each outside value they interpolate with
 * `shown`, and whatever control character one missed still reaches no terminal.
 */
import { Chalk, type ChalkInstance } from 'chalk';
import type { Writable } from 'node:stream';
import { redact, redactDeep } from '../lib/redact.js';
import { jsonSafe, terminalSafe } from '../lib/sanitize.js';

export interface OutputOptions {
  json: boolean;
  color: boolean;
  verbose: boolean;
  stdout?: Writable & { isTTY?: boolean };
  stderr?: Writable & { isTTY?: boolean };
}

export interface Spinner {
  update(text: string): void;
  succeed(text: string): void;
  fail(text: string): void;
  stop(): void;
}

const silentSpinner: Spinner = { update() {}, succeed() {}, fail() {}, stop() {} };

export class Output {
  readonly json: boolean;
  readonly verbose: boolean;
  readonly c: ChalkInstance;
  private readonly colour: boolean;
  private readonly stdout: Writable & { isTTY?: boolean };
  private readonly stderr: Writable & { isTTY?: boolean };
  /** Exact secret values the user asked to see (e.g. --print-secret). */
  private readonly allowed: string[] = [];
  /** Secrets this run knows, longest first (one may contain another): masked wherever they appear. */
  private readonly known: string[] = [];

  constructor(options: OutputOptions) {
    this.json = options.json;
    this.verbose = options.verbose;
    this.stdout = options.stdout ?? process.stdout;
    this.stderr = options.stderr ?? process.stderr;
    this.colour = options.color;
    this.c = new Chalk({ level: options.color ? 1 : 0 });
  }

  /** Whether a human is watching stderr, so spinners and progress bars make sense. */
  get interactive(): boolean {
    // A terminal 0 columns wide (a pty nobody sized: `script`, some CI runners) can't be drawn on:
    // ora would count infinitely many lines to clear and spin forever, blocking even Ctrl+C.
    return !this.json && Boolean(this.stderr.isTTY) && (this.stderr as { columns?: number }).columns !== 0;
  }

  /** Lets one exact secret through redaction, for output the user explicitly asked for. */
  allow(secret: string): void {
    this.allowed.push(secret);
  }

  /**
   * Masks one secret the run knows (its API key, the signing secret it signs with, the session's) wherever it
   * appears, whatever its shape. Values under 6 characters are left alone: masking them would garble ordinary words.
   */
  secret(value: string | undefined): void {
    if (value === undefined || value.length < 6 || this.known.includes(value)) return;
    this.known.push(value);
    this.known.sort((a, b) => b.length - a.length);
  }

  /** The text as it may be written: secrets masked, control characters other than our colours and line breaks shown as escapes. */
  redact(text: string): string {
    return terminalSafe(redact(text, this.allowed, this.known), this.colour);
  }

  /** A line of data on stdout (human mode). */
  line(text = ''): void {
    this.stdout.write(this.redact(text) + '\n');
  }

  /** One JSON document (or NDJSON record) on stdout. */
  data(value: unknown): void {
    this.stdout.write(jsonSafe(JSON.stringify(redactDeep(value, this.allowed, this.known))) + '\n');
  }

  /** A note for the human on stderr; silent in --json mode so machines see only JSON. */
  note(text: string): void {
    if (!this.json) this.stderr.write(this.redact(text) + '\n');
  }

  /** A warning on stderr, shown in every mode. */
  warn(text: string): void {
    this.stderr.write(this.redact(`${this.c.yellow('warning')} ${text}`) + '\n');
  }

  debug(text: string): void {
    if (this.verbose) this.stderr.write(this.c.dim(this.redact(text)) + '\n');
  }

  /** A spinner on stderr when a human is watching; a silent stand-in otherwise (ora loads lazily). */
  async spinner(text: string): Promise<Spinner> {
    if (!this.interactive) return silentSpinner;
    const { default: ora } = await import('ora');
    const spin = ora({ text: this.redact(text), stream: this.stderr, color: 'cyan' }).start();
    return {
      update: (next) => void (spin.text = this.redact(next)),
      succeed: (next) => void spin.succeed(this.redact(next)),
      fail: (next) => void spin.fail(this.redact(next)),
      stop: () => void spin.stop(),
    };
  }

  /** Error report: JSON on stdout in --json mode, one red line (plus hint) on stderr otherwise. */
  error(error: { message: string; hint?: string; code: string; exitCode: number }): void {
    if (this.json) {
      this.data({ error: { code: error.code, exitCode: error.exitCode, message: error.message, hint: error.hint } });
      return;
    }
    this.stderr.write(this.redact(`${this.c.red('error')} ${error.message}`) + '\n');
    if (error.hint) this.stderr.write(this.redact(`${this.c.dim('hint')}  ${error.hint}`) + '\n');
  }
}

/** Colour on unless --no-color or NO_COLOR; FORCE_COLOR forces it even when piped. */
export function colorEnabled(flag: boolean, env: NodeJS.ProcessEnv, stream: { isTTY?: boolean }): boolean {
  if (!flag) return false;
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '0' && env.FORCE_COLOR !== 'false') return true;
  if (env.FORCE_COLOR === '0' || env.FORCE_COLOR === 'false') return false;
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  return Boolean(stream.isTTY);
}
