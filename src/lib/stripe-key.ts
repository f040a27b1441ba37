/** What can be known about a Stripe key from its prefix alone; the key itself is never returned. */
export type KeyMode = 'test' | 'live';
export type KeyKind = 'secret' | 'restricted';

export interface KeyInfo {
  mode: KeyMode;
  kind: KeyKind;
}

const KEY = /^(sk|rk)_(test|live)_[A-Za-z0-9]+$/;

export function describeKey(key: string | undefined): KeyInfo | undefined {
  const match = key ? KEY.exec(key) : null;
  if (!match) return undefined;
  return { kind: match[1] === 'rk' ? 'restricted' : 'secret', mode: match[2] as KeyMode };
}

export function isLiveKey(key: string | undefined): boolean {
  return describeKey(key)?.mode === 'live';
}
