/**
 * The settings every offline run starts from, from what the user gave (flags, or
 * the library's options): where to POST, the seed that fixes the story and the
 * --shuffle order (a fresh one unless given), and the synthesized events' api_version.
 * Shared by `trigger-flow --offline`, `replay` and the library's deliverFlow, auditHandler and replay.
 */
import { parseApiVersion } from '../lib/api-version.js';
import { SDK_API_VERSION } from '../lib/sdk-api-version.js';
import { parseForwardUrl } from '../lib/forward-url.js';
import { randomSeed } from '../offline/random.js';

export interface OfflineSettings {
  url: URL;
  seed: number;
  apiVersion: string;
}

export function offlineSettings(given: { forwardTo: string; seed?: number; apiVersion?: string }): OfflineSettings {
  return { url: new URL(parseForwardUrl(given.forwardTo)), ...storySettings(given) };
}

/** What fixes the synthesized events themselves. */
export function storySettings(given: { seed?: number; apiVersion?: string }): Omit<OfflineSettings, 'url'> {
  return {
    seed: given.seed ?? randomSeed(),
    apiVersion: given.apiVersion === undefined ? SDK_API_VERSION : parseApiVersion(given.apiVersion),
  };
}
