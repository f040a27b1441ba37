/**
 * Words that hints about the Stripe API share, so every message says them alike: where to put a key (the
 * environment: the CLI's `--api-key` is never suggested, since `ps` shows a process's flags to every user; the
 * library's option beside it), and which server could not be reached (`--api-base` only when one was given).
 */
import type { OptionNames } from './option-name.js';

/** "set STRIPE_API_KEY to <what>", and from the library "set STRIPE_API_KEY (or pass apiKey) to <what>". */
export function giveKeyHint(names: OptionNames, what = 'a test key (sk_test_… or rk_test_…)'): string {
  const flag = names.apiKey.name.startsWith('-');
  return `set STRIPE_API_KEY${flag ? '' : ` (or pass ${names.apiKey.name})`} to ${what}`;
}

/** The server the Stripe CLI or the SDK talks to, as a hint names it: Stripe's API, or the one `--api-base` gave. */
export function apiServerWords(apiBase: URL | undefined, names: OptionNames): string {
  return apiBase ? `the server at ${apiBase.href.replace(/\/$/, '')} (${names.apiBase.name})` : 'the Stripe API';
}
