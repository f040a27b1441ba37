/**
 * The library's boundary: each function's options object is checked here before any work starts (src/index.ts
 * calls checkOptions with the function's rules, src/api/rules.ts). Types alone guard nothing at run time (plain
 * JavaScript, `any`, options read from JSON), so every option is checked: required ones present, each of the
 * right type and in range, URLs parseable as http(s), no unknown names. A problem is a UsageError naming the
 * option as the caller wrote it (`url is required`, `url: 'ht!tp://nope' is not an http(s) URL`), never a CLI
 * flag. What needs the implementation (a flow by name, an event type, a secret that is an API key) is checked
 * there, with the same names.
 */
import { UsageError } from '../errors.js';
import { parseApiVersion } from '../lib/api-version.js';
import { isEventGlob } from '../lib/glob.js';
import { option, type OptionName } from '../lib/option-name.js';
import { checkInteger, parseHttpUrl } from '../lib/option-values.js';
import { quoted } from '../lib/sanitize.js';
import { suggest } from '../lib/suggest.js';

type Check = (value: unknown, name: OptionName) => void;

/** One option's rule; `check` sees only a value that was given (undefined counts as not given). */
export interface Rule<Required extends boolean = boolean> {
  required: Required;
  check: Check;
  /** A value that works, for the hint of a missing or mistyped option. */
  example?: unknown;
}

/** A rule for every option of `T` (an option without one is a type error), required exactly where `T` requires it. */
export type Rules<T> = { [K in keyof T]-?: Rule<undefined extends T[K] ? false : true> };

/** Throws the UsageError for the first problem with `options`, given to the library function `fn`. */
export function checkOptions<T extends object>(fn: string, options: T, rules: Rules<T>): void {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new UsageError(`${fn} takes an options object, not ${kindOf(options)}`, { hint: `e.g. ${fn}({ ${exampleOf(rules)} })` });
  }
  const known = Object.keys(rules);
  for (const key of Object.keys(options)) {
    if (known.includes(key)) continue;
    const close = suggest(key, known);
    throw new UsageError(`${fn} has no option ${quoted(key)}`, { hint: close ? `did you mean ${close}?` : `its options: ${known.join(', ')}` });
  }
  for (const [key, rule] of Object.entries<Rule>(rules)) {
    const value: unknown = options[key as keyof T];
    const name = option(key);
    if (value !== undefined) rule.check(value, name);
    else if (rule.required) throw new UsageError(`${key} is required`, { hint: rule.example === undefined ? `${fn} needs it` : `e.g. ${name.example(rule.example)}` });
  }
}

const exampleOf = (rules: Record<string, Rule>) =>
  Object.entries(rules)
    .filter(([, rule]) => rule.required)
    .map(([key, rule]) => option(key).example(rule.example ?? '…'))
    .join(', ');

/** What a value is, for a message that must not show it (it could be a secret). */
function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return /^[aeiou]/.test(typeof value) ? `an ${typeof value}` : `a ${typeof value}`;
}

const mustBe = (name: OptionName, what: string, value: unknown, example?: unknown) =>
  new UsageError(`${name.name} must be ${what}, not ${kindOf(value)}`, example === undefined ? {} : { hint: `e.g. ${name.example(example)}` });

const optional = (check: Check, example?: unknown): Rule<false> => ({ required: false, check, example });

export const required = (rule: Rule<false>): Rule<true> => ({ ...rule, required: true });

/** Any string, or (`nonEmpty`) one with more than spaces. */
export const text = (example?: string, nonEmpty = false): Rule<false> =>
  optional((value, name) => {
    if (typeof value !== 'string') throw mustBe(name, 'a string', value, example);
    if (nonEmpty && value.trim() === '') throw new UsageError(`${name.name} is empty`, example === undefined ? {} : { hint: `e.g. ${name.example(example)}` });
  }, example);

export const boolean: Rule<false> = optional((value, name) => {
  if (typeof value !== 'boolean') throw mustBe(name, 'true or false', value);
});

export const integer = (min: number, max: number, example?: number): Rule<false> =>
  optional((value, name) => void checkInteger(value, name, min, max, example), example);

/** A non-empty list of strings. */
export const strings = (example: string[]): Rule<false> =>
  optional((value, name) => {
    if (!Array.isArray(value) || !value.every((item) => typeof item === 'string')) throw mustBe(name, 'a list of strings', value, example);
    if (value.length === 0) throw new UsageError(`${name.name} is empty`, { hint: `e.g. ${name.example(example)}` });
  }, example);

/** Event-type globs (`invoice.*`), as `replay --only` takes them. */
export const globs = (example: string[]): Rule<false> =>
  optional((value, name) => {
    strings(example).check(value, name);
    const bad = (value as string[]).find((glob) => !isEventGlob(glob));
    if (bad !== undefined) throw new UsageError(`${name.given(bad)} is not an event-type glob (letters, digits, _ . and *)`, { hint: `e.g. ${name.example(example)}` });
  }, example);

/** `{ key: 'value' }`, every value a string. */
export const stringMap = (example: Record<string, string>): Rule<false> =>
  optional((value, name) => {
    const plain = typeof value === 'object' && value !== null && !Array.isArray(value);
    if (!plain || !Object.values(value).every((item) => typeof item === 'string')) throw mustBe(name, 'an object of strings', value, example);
  }, example);

/** An absolute http(s) URL with a host (no CLI shorthand such as `localhost:4242`: the scheme says it). */
export const httpUrl = (example: string): Rule<false> =>
  optional((value, name) => {
    if (typeof value !== 'string') throw mustBe(name, 'a URL string', value, example);
    parseHttpUrl(value.trim(), name, `e.g. ${name.example(example)}`, 'is not an http(s) URL');
  }, example);

export const apiVersion: Rule<false> = optional((value, name) => {
  if (typeof value !== 'string') throw mustBe(name, 'a string', value);
  parseApiVersion(value, name);
});

/** A function (a callback the library calls); what it returns is checked where it is called. */
export const callback = (example: string): Rule<false> =>
  optional((value, name) => {
    if (typeof value !== 'function') throw mustBe(name, 'a function', value);
  }, example);

export const signal: Rule<false> = optional((value, name) => {
  if (!(value instanceof AbortSignal)) throw mustBe(name, 'an AbortSignal', value);
});

/** A flow's name or a flow object; what either holds is checked when it is resolved (resolveFlowInput). */
export const flow: Rule<false> = optional((value, name) => {
  if (typeof value !== 'string' && (typeof value !== 'object' || value === null || Array.isArray(value))) throw mustBe(name, 'a flow name or a flow object', value, 'payment');
}, 'payment');

/** Text that must match `pattern` (an id), shown back when it does not. */
export const matching = (pattern: RegExp, what: string, example: string): Rule<false> =>
  optional((value, name) => {
    if (typeof value !== 'string') throw mustBe(name, 'a string', value, example);
    if (!pattern.test(value)) throw new UsageError(`${name.given(value)} is not ${what}`, { hint: `e.g. ${name.example(example)}` });
  }, example);

/** A plain object (what it must hold is checked by the implementation). */
export const plainObject = (example: unknown): Rule<false> =>
  optional((value, name) => {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) throw mustBe(name, 'an object', value, example);
  }, example);
