/**
 * What every command definition shares: how an action reaches its handler, the
 * help examples, and the option shapes that several commands use. Loaded for
 * `--help`, so it imports nothing heavy (option-values needs only errors.ts).
 */
import { Option } from '@commander-js/extra-typings';
import type { Context } from '../context.js';
import { parseInteger, parseSeconds } from '../lib/option-values.js';

/** A command's handler: its arguments and typed options, then the Context. */
export type Handler<A extends unknown[]> = (...args: [...A, Context]) => Promise<void>;

/**
 * Runs one command: `load` imports its handler only now (so `--help` loads no command module),
 * and the caller supplies the Context. `name` is the command's path, e.g. "endpoints delete".
 */
export type Start = <A extends unknown[]>(name: string, load: () => Promise<Handler<A>>, ...args: A) => Promise<void>;

export function examples(...lines: string[]): string {
  return `\nExamples:\n${lines.map((line) => `  $ ${line}`).join('\n')}\n`;
}

/** For repeatable options: every value, in order. */
export const collect = (value: string, previous: string[] = []) => [...previous, value];

/**
 * Twin of `--env-file`. Node (20 to 24, nodejs/node#54232) claims `--env-file` anywhere on its command line,
 * even after the script, and exits 9 when that file does not exist yet, before our code runs. `--dotenv` is the
 * spelling Node leaves alone; `withDotenv` folds it into `envFile`.
 */
export const dotenvOption = () =>
  new Option('--dotenv <path>', 'same as --env-file; use it when the file does not exist yet (Node intercepts --env-file)');

/** The options a handler sees: `--dotenv` folded into `envFile` (`--env-file` wins when both are given). */
export function withDotenv<O extends { envFile?: string; dotenv?: string }>({ dotenv, ...options }: O): Omit<O, 'dotenv'> & { envFile?: string } {
  return { ...options, envFile: options.envFile ?? dotenv };
}

const longFlag = (flags: string) => /--[\w-]+/.exec(flags)?.[0] ?? flags;

/** An option of seconds (> 0, at most an hour), parsed to milliseconds. */
export function secondsOption<const F extends string>(flags: F, description: string) {
  const flag = longFlag(flags);
  return new Option(flags, description).argParser((value: string) => parseSeconds(value, flag));
}

/** An option holding a whole number from `min` to `max`. */
export function integerOption<const F extends string>(flags: F, description: string, min: number, max: number) {
  const flag = longFlag(flags);
  return new Option(flags, description).argParser((value: string) => parseInteger(value, flag, min, max));
}
