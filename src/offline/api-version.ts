/** The `api_version` synthesized events carry: the SDK's pinned version, or one the user names. */
import { UsageError } from '../errors.js';

/**
 * The version the installed SDK is pinned to (its types describe events of that version).
 * Read from the SDK's one-line apiVersion module rather than by loading the whole SDK
 * (~90 ms and ~20 MB more); the full import is the fallback should that file move.
 */
export async function pinnedApiVersion(): Promise<string> {
  try {
    const module = (await import(new URL('./apiVersion.js', import.meta.resolve('stripe')).href)) as { ApiVersion?: unknown };
    if (typeof module.ApiVersion === 'string') return module.ApiVersion;
  } catch {
    // fall through to the SDK itself
  }
  const { default: Stripe } = await import('stripe');
  return Stripe.API_VERSION;
}

const VERSION = /^\d{4}-\d{2}-\d{2}(\.[a-z]+)?$/;

export function parseApiVersion(value: string, flag = '--api-version'): string {
  if (VERSION.test(value.trim())) return value.trim();
  throw new UsageError(`${flag} "${value}" is not a Stripe API version`, { hint: `use a date, optionally with a release name: e.g. ${flag} 2026-10-28.endive` });
}
