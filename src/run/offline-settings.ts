/**
 * The settings every offline run starts from, from what the user gave (flags, or
 * the library's options): where to POST, the seed that fixes the story and the
 * --shuffle order (a fresh one unless given), and the synthesized events' api_version.
 * Shared by `trigger-flow --offline`, `replay` and the library's deliverFlow, auditHandler and replay.
 */
import { parseApiVersion } from '../lib/api-version.js';
import { parseForwardUrl } from '../lib/forward-url.js';
import { resolveApiVersion, type ResolvedApiVersion } from '../offline/app-api-version.js';
import { randomSeed } from '../offline/random.js';

export interface OfflineSettings {
  url: URL;
  /** Where thin events go (`--thin-to`, the library's `thinUrl`), when given; else to `url`. */
  thinUrl?: URL;
  seed: number;
  apiVersion: string;
  /** The known version the events' objects are shaped as (`apiVersion` unless that one is unknown). */
  shape: string;
  /** Which version and why, for the report. */
  version: ResolvedApiVersion;
}

interface GivenStory {
  seed?: number;
  apiVersion?: string;
  /** The flow's own `apiVersion:` (a flow file's). */
  flowApiVersion?: string;
  /** Where to look for the app's node_modules/stripe; no detection without. */
  cwd?: string;
}

export function offlineSettings(given: GivenStory & { forwardTo: string; thinTo?: string }): OfflineSettings {
  const thinUrl = given.thinTo === undefined ? undefined : new URL(parseForwardUrl(given.thinTo, '--thin-to'));
  return { url: new URL(parseForwardUrl(given.forwardTo)), ...(thinUrl && { thinUrl }), ...storySettings(given) };
}

/** What fixes the synthesized events themselves. */
export function storySettings(given: GivenStory): Omit<OfflineSettings, 'url' | 'thinUrl'> {
  const version = resolveApiVersion({
    flag: given.apiVersion === undefined ? undefined : parseApiVersion(given.apiVersion),
    flowFile: given.flowApiVersion,
    cwd: given.cwd,
  });
  return { seed: given.seed ?? randomSeed(), apiVersion: version.version, shape: version.shape, version };
}
