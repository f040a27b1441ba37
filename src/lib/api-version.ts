/** The grammar of a Stripe API version the user names (the one the SDK is pinned to: sdk-api-version.ts). */
import { UsageError } from '../errors.js';
import { SDK_API_VERSION } from './sdk-api-version.js';

/** A date, optionally with the release name: 2024-06-20, 2026-10-28.endive. */
const API_VERSION = /^\d{4}-\d{2}-\d{2}(\.[a-z]+)?$/;

/** An --api-version value, trimmed; anything else is a usage error. */
export function parseApiVersion(value: string, hint = `use a date, optionally with a release name: e.g. --api-version ${SDK_API_VERSION}`): string {
  if (API_VERSION.test(value.trim())) return value.trim();
  throw new UsageError(`--api-version "${value}" is not a Stripe API version`, { hint });
}
