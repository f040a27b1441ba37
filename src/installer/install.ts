/**
 * Installs the Stripe CLI into our cache from one of two sources (the npm
 * platform package, or the GitHub release archive), the same way for both:
 * staged beside the cache entry, proven to run and to be the version asked
 * for, then renamed into place.
 */
import { EnvironmentError } from '../errors.js';
import { cacheRoot, installAtomically } from './cache.js';
import { npmSource } from './npm.js';
import type { PinnedChecksums } from './pinned.js';
import { releaseSource } from './release.js';
import { isSupported, type Platform } from './platform.js';
import { checkBinary } from '../stripe-cli/version.js';

export interface InstallRequest {
  version: string;
  platform: Platform;
  env: NodeJS.ProcessEnv;
  cwd: string;
  signal?: AbortSignal;
  /** Base URL of release downloads (release source only). */
  downloadBase?: URL;
  /** Release archives' sha256 pinned in source (release source only); tests inject their own. */
  pinned?: PinnedChecksums;
  onProgress?: (text: string) => void;
}

/** One way of getting the binary into a staging directory. */
export interface SourceInstall {
  description: string;
  /** Puts the binary at `<staging>/<binaryName>`; returns what was verified on the way. */
  fill(staging: string): Promise<{ integrity?: string; sha256?: string }>;
}

export interface Installed {
  path: string;
  version: string;
  from: 'npm' | 'release';
  description: string;
  integrity?: string;
  sha256?: string;
}

export async function installStripeCli(request: InstallRequest, from: 'npm' | 'release'): Promise<Installed> {
  const { platform, version } = request;
  if (!isSupported(platform)) {
    throw new EnvironmentError(`the Stripe CLI is not published for ${platform.os}-${platform.arch}`, {
      hint: 'install it yourself (https://docs.stripe.com/stripe-cli) and pass --stripe-bin',
    });
  }
  const source = from === 'npm' ? npmSource(request) : releaseSource(request);
  let verified: Awaited<ReturnType<SourceInstall['fill']>> = {};
  const path = await installAtomically({
    root: cacheRoot(request.env),
    version,
    platform,
    fill: async (staging) => void (verified = await source.fill(staging)),
    verify: async (binary) => {
      request.onProgress?.('Checking that it runs…');
      const check = await checkBinary(binary, { env: request.env, cwd: request.cwd, platform, signal: request.signal });
      if (!check.ok) {
        throw new EnvironmentError(`the Stripe CLI from ${source.description} ${check.detail}; nothing installed`, {
          hint: 'try again, or use the other source (--from-release, or without it)',
        });
      }
      if (check.version !== version) {
        throw new EnvironmentError(`${source.description} says it is version ${check.version}, not ${version}; nothing installed`, {
          hint: 'check your registry or download mirror',
        });
      }
    },
  });
  return { path, version, from, description: source.description, integrity: verified.integrity, sha256: verified.sha256 };
}
