/** Endpoint URLs: validated before any request, and compared in one canonical form. */
import { UsageError } from '../errors.js';
import type { Named } from '../lib/option-name.js';
import { parseHttpUrl } from '../lib/option-values.js';

const EXAMPLE = 'e.g. --url https://app.example.com/webhook';

/**
 * The canonical form an endpoint is matched by: WHATWG URL parsing lower-cases the
 * scheme and host, drops a default port and resolves dot segments; the fragment is
 * dropped because it never reaches the server. Path, trailing slash and query stay:
 * they are what the app's router sees.
 */
export function normaliseEndpointUrl(value: string, flag: Named = '--url'): string {
  const url = parseHttpUrl(value.trim(), flag, EXAMPLE, 'is not an absolute URL');
  url.hash = '';
  return url.href;
}

/** Stripe sends live events only to https endpoints; we refuse before asking it. */
export function assertHttpsForLive(url: string, live: boolean): void {
  if (live && !url.startsWith('https:')) {
    throw new UsageError(`a live-mode endpoint must use https, not ${url}`, {
      hint: 'use the https URL of the deployed app (http is fine with a test key)',
    });
  }
}

/** Whether an endpoint's stored URL is the same endpoint as a normalised one. */
export function sameUrl(stored: string, normalised: string): boolean {
  try {
    return normaliseEndpointUrl(stored) === normalised;
  } catch {
    return false;
  }
}
