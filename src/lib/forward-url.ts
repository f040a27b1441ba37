/**
 * Forward URLs in every form the Stripe CLI accepts (its proxy's parseURL):
 * `4242` (a port on localhost), `/webhook` (a path on localhost),
 * `localhost:4242/webhook` (no scheme means http), and absolute http(s) URLs.
 * Users paste these from Stripe's docs; refusing them was a wall for new users.
 */
import { UsageError } from '../errors.js';

const SCHEME = /^([A-Za-z][A-Za-z0-9+.-]*):\/\//;

/** The absolute URL `value` stands for; a UsageError naming `flag` (and quoting `value` as given) when it cannot be one. */
export function parseForwardUrl(value: string, flag = '--forward-to', hint = `use e.g. ${flag} localhost:4242/webhook or ${flag} https://app.test/webhook`): string {
  const given = value.trim();
  if (given === '' || given.startsWith('-')) throw new UsageError(`${flag} needs a URL`, { hint });
  let text = /^\d+$/.test(given) ? `localhost:${given}` : given.startsWith('/') ? `localhost${given}` : given;
  const scheme = SCHEME.exec(text)?.[1];
  // `ht!tp://x` has no scheme, and http:// in front would make `ht!tp` its host: a typo, not a host name.
  if (scheme === undefined && text.includes('://')) throw new UsageError(`${flag} "${given}" must be an http(s) URL`, { hint });
  if (scheme === undefined) text = `http://${text}`;
  else if (!/^https?$/i.test(scheme)) throw new UsageError(`${flag} "${given}" must be an http(s) URL`, { hint });
  try {
    return new URL(text).href; // http(s) URLs without a host do not parse
  } catch {
    throw new UsageError(`${flag} "${given}" is not a URL`, { hint });
  }
}
