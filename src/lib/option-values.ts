/** Parsers for option values that several commands share; each failure is a one-line UsageError. */
import { UsageError } from '../errors.js';
import { named, type Named } from './option-name.js';

/** "30" (seconds, > 0, at most `max`: an hour unless said) -> milliseconds. */
export function parseSeconds(value: string, flag: string, max = 3600): number {
  const seconds = Number(value);
  const hint = `e.g. ${flag} ${Math.min(30, max)} (at most ${max})`;
  if (value.trim() === '' || !Number.isFinite(seconds) || seconds <= 0) throw new UsageError(`${flag} "${value}" is not a number of seconds`, { hint });
  if (seconds > max) throw new UsageError(`${flag} "${value}" is over the limit of ${max} seconds`, { hint });
  return seconds * 1000;
}

/** A whole number from `min` to `max` (digits only: no sign, no exponent). */
export function parseInteger(value: string, flag: string, min: number, max: number, example = Math.min(max, Math.max(min, 8))): number {
  return checkInteger(/^\d+$/.test(value.trim()) ? Number(value) : NaN, flag, min, max, example, value);
}

/** The same rule for a number given as one (the library's options); `shown` is how the value was written. */
export function checkInteger(number: unknown, name: Named, min: number, max: number, example = Math.min(max, Math.max(min, 8)), shown: unknown = number): number {
  if (typeof number !== 'number' || !Number.isInteger(number) || number < min || number > max) {
    const option = named(name);
    throw new UsageError(`${option.given(shown)} must be a whole number from ${min} to ${max}`, { hint: `e.g. ${option.example(example)}` });
  }
  return number;
}

/**
 * An absolute http(s) URL with a host, or a UsageError naming the option. `notUrl`
 * words the unparseable case where a command says it its own way.
 */
export function parseHttpUrl(value: string, name: Named, hint: string, notUrl = 'is not a URL'): URL {
  const option = named(name);
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new UsageError(`${option.given(value)} ${notUrl}`, { hint });
  }
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || !url.hostname) {
    throw new UsageError(`${option.given(value)} must be an http(s) URL with a host`, { hint });
  }
  return url;
}

/** --api-base / STRIPE_HOOKS_API_BASE (the library's `apiBase` too): empty means none. */
export function parseApiBase(value: string | undefined, name: Named = '--api-base'): URL | undefined {
  if (value === undefined || value === '') return undefined;
  return parseHttpUrl(value, name, `use e.g. ${named(name).example('http://127.0.0.1:12111')}`);
}
