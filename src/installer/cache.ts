/**
 * The tool's own copy of the Stripe CLI: `<cache>/stripe-hooks/stripe-cli/<version>/stripe`.
 * A version directory only ever appears complete: installs fill a staging
 * directory beside it, verify the binary there, then rename it into place, so an
 * interrupted install leaves at most a `.staging-*` directory that locate ignores.
 */
import { mkdir, mkdtemp, readdir, rename, rm, stat } from 'node:fs/promises';
import { homedir } from 'node:os';
import { isAbsolute, join } from 'node:path';
import { UsageError } from '../errors.js';
import { binaryName, type Platform } from './platform.js';

const VERSION = /^v?(\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?)$/;
const STAGING = '.staging-';
const STALE_MS = 60 * 60 * 1000;

/** `--cli-version` as a plain version (it becomes a directory name and an npm spec, so nothing else passes). */
export function parseCliVersion(value: string): string {
  const match = VERSION.exec(value.trim());
  if (!match) {
    throw new UsageError(`--cli-version "${value}" is not a version`, { hint: 'give a Stripe CLI release such as --cli-version 1.52.0' });
  }
  return match[1]!;
}

/** `$XDG_CACHE_HOME` (when absolute, as the spec asks) or `~/.cache`, then stripe-hooks/stripe-cli. */
export function cacheRoot(env: NodeJS.ProcessEnv): string {
  const xdg = env.XDG_CACHE_HOME;
  const base = xdg && isAbsolute(xdg) ? xdg : join(env.HOME || homedir(), '.cache');
  return join(base, 'stripe-hooks', 'stripe-cli');
}

export function cachedBinary(root: string, version: string, platform: Platform): string {
  return join(root, version, binaryName(platform));
}

function compareVersions(a: string, b: string): number {
  const parts = (v: string) => v.split(/[.-]/, 3).map(Number);
  const [x, y] = [parts(a), parts(b)];
  for (let i = 0; i < 3; i++) if (x[i] !== y[i]) return (x[i] ?? 0) - (y[i] ?? 0);
  // A pre-release sorts before its release.
  return Number(!a.includes('-')) - Number(!b.includes('-')) || a.localeCompare(b);
}

/** Versions in the cache: `preferred` first when present, then newest first. */
export async function cachedVersions(root: string, preferred?: string): Promise<string[]> {
  const names = await readdir(root).catch(() => [] as string[]);
  const versions = names.filter((name) => VERSION.test(name) && !name.startsWith('v')).sort((a, b) => compareVersions(b, a));
  if (preferred && versions.includes(preferred)) return [preferred, ...versions.filter((v) => v !== preferred)];
  return versions;
}

/** Best effort: staging directories of installs that died long ago. Recent ones may be another install at work. */
async function removeStale(root: string): Promise<void> {
  const names = await readdir(root).catch(() => [] as string[]);
  await Promise.all(
    names
      .filter((name) => name.startsWith(STAGING))
      .map(async (name) => {
        const info = await stat(join(root, name)).catch(() => undefined);
        if (info && Date.now() - info.mtimeMs > STALE_MS) await rm(join(root, name), { recursive: true, force: true });
      }),
  );
}

export interface AtomicInstall {
  root: string;
  version: string;
  platform: Platform;
  /** Puts the binary at `<staging>/<binaryName>`. */
  fill(staging: string): Promise<void>;
  /** Throws when the staged binary is not the Stripe CLI that was asked for. */
  verify(binary: string): Promise<void>;
}

/** Fills, verifies, then renames the version directory into place; returns the final binary path. */
export async function installAtomically(install: AtomicInstall): Promise<string> {
  const { root, version, platform } = install;
  await mkdir(root, { recursive: true });
  await removeStale(root);
  const staging = await mkdtemp(join(root, `${STAGING}${version}-`));
  try {
    await install.fill(staging);
    await install.verify(join(staging, binaryName(platform)));
    const final = join(root, version);
    try {
      await rename(staging, final);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== 'ENOTEMPTY' && code !== 'EEXIST' && code !== 'EPERM') throw error;
      // Replacing an existing version (--force): a directory cannot be renamed over a non-empty one, so
      // move the old one aside first; the version is missing only between two renames, never half there.
      const old = await mkdtemp(join(root, `${STAGING}old-${version}-`));
      await rename(final, join(old, 'previous'));
      await rename(staging, final);
      await rm(old, { recursive: true, force: true });
    }
    return cachedBinary(root, version, platform);
  } catch (error) {
    await rm(staging, { recursive: true, force: true });
    throw error;
  }
}
