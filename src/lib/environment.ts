import type { OptionNames } from './option-name.js';

/**
 * What core modules take from the outside world: plain data, resolved once by
 * the CLI (or by the library from its options). No terminal in it: core returns
 * warnings and never prints or asks. The commands' `Context` has all of this
 * (and more), so it can be passed as is.
 */
export interface Environment {
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** Explicit Stripe CLI binary (--stripe-bin or STRIPE_HOOKS_STRIPE_BIN). */
  stripeBin?: string;
  /** Stripe API key (--api-key or STRIPE_API_KEY). Never printed. */
  apiKey?: string;
  /** Local backend for the Stripe CLI and the SDK (--api-base or STRIPE_HOOKS_API_BASE). */
  apiBase?: URL;
  /** How messages name options: the CLI's flags (CLI_NAMES) or the library's options (LIBRARY_NAMES). */
  names: OptionNames;
  /** Aborted on SIGINT/SIGTERM: long work stops its children and throws the reason. */
  signal: AbortSignal;
}
