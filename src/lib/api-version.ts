/** The grammar of a Stripe API version the user names (the one the SDK is pinned to: sdk-api-version.ts). */
import { UsageError } from '../errors.js';
import { named, type Named } from './option-name.js';
import { SDK_API_VERSION } from './sdk-api-version.js';

/** A date, optionally with the release name: 2024-06-20, 2026-10-28.endive. */
const API_VERSION = /^\d{4}-\d{2}-\d{2}(\.[a-z]+)?$/;

/** An --api-version (or apiVersion) value, trimmed; anything else is a usage error naming the option. */
export function parseApiVersion(value: string, name: Named = '--api-version', example: string = SDK_API_VERSION): string {
  if (API_VERSION.test(value.trim())) return value.trim();
  const option = named(name);
  throw new UsageError(`${option.given(value)} is not a Stripe API version`, { hint: `use a date, optionally with a release name: e.g. ${option.example(example)}` });
}
