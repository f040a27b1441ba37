/**
 * What `stripe-hooks setup` reports besides the binary: API key mode, the
 * `stripe login` config and the Node version. Never the key itself.
 */
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { isAbsolute, join } from 'node:path';
import { describeKey, type KeyKind, type KeyMode } from '../lib/stripe-key.js';
import type { BrokenCli, FoundCli } from '../stripe-cli/locate.js';

export interface ApiKeyFacts {
  present: boolean;
  /** Where the key came from; the key itself is never reported. */
  from: 'STRIPE_API_KEY' | '--api-key' | null;
  mode: KeyMode | null;
  kind: KeyKind | null;
  /** False for a key that is neither a secret (sk_) nor a restricted (rk_) key. */
  recognised: boolean | null;
}

export interface LoginFacts {
  configPath: string;
  /** The config file holds an account's keys (it is written by every CLI run, so existing is not enough). */
  loggedIn: boolean;
  /** What logs in the Stripe CLI found: `stripe login` when that is the `stripe` on PATH, else `<its path> login`; null with none found. */
  command: string | null;
}

export interface NodeFacts {
  version: string;
  required: string;
  supported: boolean;
}

export interface SetupReport {
  ok: boolean;
  stripeCli: { path: string; version: string; source: FoundCli['source'] | 'installed' } | null;
  installed: { from: 'npm' | 'release'; description: string; integrity: string | null; sha256: string | null } | null;
  skipped: BrokenCli[];
  apiKey: ApiKeyFacts;
  login: LoginFacts;
  node: NodeFacts;
}

export function apiKeyFacts(apiKey: string | undefined, env: NodeJS.ProcessEnv): ApiKeyFacts {
  if (!apiKey) return { present: false, from: null, mode: null, kind: null, recognised: null };
  const from = env.STRIPE_API_KEY === apiKey ? 'STRIPE_API_KEY' : '--api-key';
  const info = describeKey(apiKey);
  return { present: true, from, mode: info?.mode ?? null, kind: info?.kind ?? null, recognised: info !== undefined };
}

/** `$XDG_CONFIG_HOME` (when absolute) or `~/.config`, then stripe/config.toml — where the Stripe CLI keeps `stripe login`. */
export function loginFacts(env: NodeJS.ProcessEnv, command: string | null = null): LoginFacts {
  const xdg = env.XDG_CONFIG_HOME;
  const configPath = join(xdg && isAbsolute(xdg) ? xdg : join(env.HOME || homedir(), '.config'), 'stripe', 'config.toml');
  let text: string;
  try {
    text = existsSync(configPath) ? readFileSync(configPath, 'utf8') : '';
  } catch {
    text = '';
  }
  return { configPath, loggedIn: /^\s*(test_mode_api_key|live_mode_api_key|account_id)\s*=/m.test(text), command };
}

const REQUIRED_NODE = '20.18.1';

export function nodeFacts(version = process.versions.node): NodeFacts {
  const have = version.split('.').map(Number);
  const need = REQUIRED_NODE.split('.').map(Number);
  // The first part that differs decides (major, then minor, then patch: undici 7 needs 20.18.1, not 20.18.0).
  const at = need.findIndex((part, i) => (have[i] ?? 0) !== part);
  return { version, required: `>=${REQUIRED_NODE}`, supported: at === -1 || (have[at] ?? 0) > need[at]! };
}
