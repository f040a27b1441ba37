/**
 * Forward URLs in every form the Stripe CLI accepts (its proxy's parseURL):
 * `4242` (a port on localhost), `/webhook` (a path on localhost),
 * `localhost:4242/webhook` (no scheme means http), and absolute http(s) URLs.
 * Users paste these from Stripe's docs; refusing them was a wall for new users.
 */
import { UsageError } from '../errors.js';
import { parseHttpUrl } from './option-values.js';

const SCHEME = /^([A-Za-z][A-Za-z0-9+.-]*):\/\//;

/** The absolute URL `value` stands for; a UsageError naming `flag` when it cannot be one. */
export function parseForwardUrl(value: string, flag = '--forward-to'): string {
  const hint = `use e.g. ${flag} localhost:4242/webhook or ${flag} https://app.test/webhook`;
  let text = value.trim();
  if (text === '' || text.startsWith('-')) throw new UsageError(`${flag} needs a URL`, { hint });
  if (/^\d+$/.test(text)) text = `localhost:${text}`;
  if (text.startsWith('/')) text = `localhost${text}`;
  const scheme = SCHEME.exec(text)?.[1];
  if (scheme === undefined) text = `http://${text}`;
  else if (!/^https?$/i.test(scheme)) throw new UsageError(`${flag} "${value}" must be an http(s) URL with a host`, { hint });
  try {
    return parseHttpUrl(text, flag, hint).href;
  } catch (error) {
    // Name the value as the user wrote it, not with the scheme added for them.
    if (error instanceof UsageError && text !== value) throw new UsageError(error.message.replace(`"${text}"`, `"${value}"`), { hint });
    throw error;
  }
}
