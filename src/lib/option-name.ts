/**
 * How a message names the option a value came from. The CLI names its flags (`--seed "x"`, "pass --stripe-bin"),
 * the library its options (`seed: 'x'`, "pass stripeBin"): the caller says which, and core code words its
 * messages with what it was given, never spelling a flag a library caller could not pass.
 */
import { shown } from './sanitize.js';

export interface OptionName {
  /** The option alone: `--forward-to`, `url`. */
  readonly name: string;
  /** The option with the value the user gave, for a message: `--seed "x"`, `seed: 'x'`. */
  given(value: unknown): string;
  /** The option with a value that works, for a hint: `--seed 8`, `seed: 8`. */
  example(value: unknown): string;
}

/** A CLI flag (`--seed`), or the text the CLI's messages put in its place (`--route "GLOB=URL":`). */
export function flag(name: string): OptionName {
  return { name, given: (value) => `${name} "${String(value)}"`, example: (value) => `${name} ${String(value)}` };
}

/** A value as JavaScript would write it (`'a b'`, `-1`, `['x']`), on one short line, control characters escaped. */
const literal = (value: unknown): string => shown(source(value), 200);

function source(value: unknown): string {
  if (typeof value === 'string') return `'${JSON.stringify(value).slice(1, -1).replaceAll('\\"', '"').replaceAll("'", "\\'")}'`;
  if (Array.isArray(value)) return `[${value.slice(0, 5).map(source).join(', ')}${value.length > 5 ? ', …' : ''}]`;
  if (typeof value === 'function') return 'a function';
  if (typeof value === 'object' && value !== null) return value.constructor === Object ? '{…}' : `a ${value.constructor?.name ?? 'null-prototype object'}`;
  if (typeof value === 'bigint') return `${value}n`;
  return String(value); // numbers, booleans, null, undefined, symbols
}

/** A library option: `url: 'ht!tp://nope'`. */
export function option(name: string): OptionName {
  return { name, given: (value) => `${name}: ${literal(value)}`, example: (value) => `${name}: ${literal(value)}` };
}

/** What a value check takes: an OptionName, or a flag's text as the CLI's own code writes it. */
export type Named = string | OptionName;

export const named = (name: Named): OptionName => (typeof name === 'string' ? flag(name) : name);

/**
 * The options that core messages name beyond a value check (in hints: "pass --stripe-bin"), as one surface
 * calls them. Absent where that surface has no such option (the library has no --ready-timeout, --verbose, --live).
 */
export interface OptionNames {
  /** Where events are sent. */
  url: OptionName;
  /** Where thin events are sent. */
  thinUrl: OptionName;
  stripeBin: OptionName;
  apiKey: OptionName;
  apiBase: OptionName;
  record: OptionName;
  readyTimeout?: OptionName;
  verbose?: OptionName;
  live?: OptionName;
}

export const CLI_NAMES: OptionNames = {
  url: flag('--forward-to'),
  thinUrl: flag('--thin-to'),
  stripeBin: flag('--stripe-bin'),
  apiKey: flag('--api-key'),
  apiBase: flag('--api-base'),
  record: flag('--record'),
  readyTimeout: flag('--ready-timeout'),
  verbose: flag('--verbose'),
  live: flag('--live'),
};

export const LIBRARY_NAMES: OptionNames = {
  url: option('url'),
  thinUrl: option('thinUrl'),
  stripeBin: option('stripeBin'),
  apiKey: option('apiKey'),
  apiBase: option('apiBase'),
  record: option('record'),
};
