/** Parsers for option values that several commands share; each failure is a one-line UsageError. */
import { UsageError } from './errors.js';

/** "30" (seconds, > 0, at most an hour) -> milliseconds. */
export function parseSeconds(value: string, flag: string): number {
  const seconds = Number(value);
  if (value.trim() === '' || !Number.isFinite(seconds) || seconds <= 0 || seconds > 3600) {
    throw new UsageError(`${flag} "${value}" is not a number of seconds`, { hint: `e.g. ${flag} 30 (at most 3600)` });
  }
  return seconds * 1000;
}
