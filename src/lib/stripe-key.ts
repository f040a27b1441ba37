/** What can be known about a Stripe key from its prefix alone; the key itself is never returned. */
import { parseSecret } from './secrets.js';

export type KeyMode = 'test' | 'live';
export type KeyKind = 'secret' | 'restricted';

export interface KeyInfo {
  mode: KeyMode;
  kind: KeyKind;
}

export function describeKey(key: string | undefined): KeyInfo | undefined {
  const secret = key === undefined ? undefined : parseSecret(key);
  if (!secret?.mode || (secret.prefix !== 'sk' && secret.prefix !== 'rk')) return undefined;
  return { kind: secret.prefix === 'rk' ? 'restricted' : 'secret', mode: secret.mode };
}

export function isLiveKey(key: string | undefined): boolean {
  return describeKey(key)?.mode === 'live';
}
