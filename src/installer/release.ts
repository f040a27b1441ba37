/**
 * The second source: the GitHub release archive and its checksums file,
 * `<base>/v<version>/stripe_<version>_<os>_<arch>.tar.gz` (`.zip` on Windows) and
 * `<base>/v<version>/stripe-<os>-checksums.txt`, the layout GitHub releases use
 * (and a mirror copying them keeps), over https (download.ts). The archive is
 * verified against its sha256 before a single byte of it is unpacked: the one
 * pinned in source (pinned.ts) when its version is pinned, else the checksums file's.
 * Then it is unpacked under the same guards either way (archive.ts, zip.ts).
 */
import { createHash } from 'node:crypto';
import { chmod } from 'node:fs/promises';
import { join } from 'node:path';
import { EnvironmentError, UsageError } from '../errors.js';
import { binaryName, releaseArchiveKind, releaseAssets } from './platform.js';
import type { InstallRequest, SourceInstall } from './install.js';
import { extractTarGz } from './archive.js';
import { extractZipFile } from './zip.js';
import { download, isSecure, shownUrl } from './download.js';
import { PINNED_SHA256 } from './pinned.js';
import { parseHttpUrl } from '../lib/option-values.js';

const DEFAULT_DOWNLOAD_BASE = 'https://github.com/stripe/stripe-cli/releases/download';

export function parseDownloadBase(value: string | undefined): URL {
  const hint = `use e.g. --download-base ${DEFAULT_DOWNLOAD_BASE}`;
  const url = parseHttpUrl(value ?? DEFAULT_DOWNLOAD_BASE, '--download-base', hint);
  if (!isSecure(url)) {
    throw new UsageError(`--download-base ${shownUrl(url)} is plain http, which anyone on the way can change`, {
      hint: 'use the mirror\'s https:// URL (plain http is accepted only on loopback: 127.0.0.0/8, [::1], localhost)',
    });
  }
  return url;
}

export function releaseUrl(base: URL, version: string, file: string): URL {
  const href = base.href.endsWith('/') ? base.href : base.href + '/';
  return new URL(`v${encodeURIComponent(version)}/${encodeURIComponent(file)}`, href);
}

/** The sha256 listed for `file` in a `sha256sum`-style checksums file. */
export function checksumFor(checksums: string, file: string): string | undefined {
  for (const line of checksums.split('\n')) {
    const [hash, name] = line.trim().split(/\s+/);
    if (hash && name?.replace(/^\*/, '') === file && /^[0-9a-f]{64}$/i.test(hash)) return hash.toLowerCase();
  }
  return undefined;
}

/** For a pinned version, the checksums file is not consulted: a hash missing here is a refusal, not a fallback. */
function pinnedSha256(pinned: Readonly<Record<string, string>>, version: string, archive: string): string {
  const hash = pinned[archive];
  if (!hash) {
    throw new EnvironmentError(`stripe-hooks pins the sha256 of the ${version} release archives, but not of ${archive}; nothing installed`, {
      hint: 'install from npm (without --from-release)',
    });
  }
  return hash;
}

/** For other versions, the release's own checksums file (as trustworthy as the https mirror serving it). */
async function listedSha256(request: InstallRequest, base: URL, assets: { archive: string; checksums: string }): Promise<string> {
  request.onProgress?.(`Downloading ${assets.checksums}…`);
  const checksums = (await download(releaseUrl(base, request.version, assets.checksums), request.signal)).toString('utf8');
  const expected = checksumFor(checksums, assets.archive);
  if (!expected) {
    throw new EnvironmentError(`${assets.checksums} lists no sha256 for ${assets.archive}; nothing installed`, { hint: 'check --cli-version and --download-base' });
  }
  return expected;
}

export function releaseSource(request: InstallRequest): SourceInstall {
  const { platform, version } = request;
  const base = request.downloadBase ?? parseDownloadBase(undefined);
  const assets = releaseAssets(version, platform);
  const archiveUrl = releaseUrl(base, version, assets.archive);
  return {
    description: `release ${releaseArchiveKind(platform)} ${shownUrl(archiveUrl)}`,
    async fill(staging) {
      const pinned = (request.pinned ?? PINNED_SHA256)[version];
      const expected = pinned ? pinnedSha256(pinned, version, assets.archive) : await listedSha256(request, base, assets);
      request.onProgress?.(`Downloading ${assets.archive}…`);
      const archive = await download(archiveUrl, request.signal);
      const actual = createHash('sha256').update(archive).digest('hex');
      if (actual !== expected) {
        throw new EnvironmentError(`checksum mismatch for ${assets.archive}: expected ${pinned ? 'the pinned ' : ''}sha256 ${expected}, got ${actual}; nothing installed`, {
          hint: 'the download is corrupt or was tampered with: try again, or check your --download-base mirror',
        });
      }
      request.onProgress?.(`Unpacking ${assets.archive}…`);
      const bin = binaryName(platform);
      // The zip reader writes the binary alone; the tar reader everything (it is read whole anyway).
      const entries = assets.format === 'zip' ? await extractZipFile(archive, bin, staging) : await extractTarGz(archive, staging);
      if (!entries.some((entry) => entry.type === 'file' && entry.name === bin)) {
        throw new EnvironmentError(`${assets.archive} has no ${bin} at its top level; nothing installed`, { hint: 'check --download-base' });
      }
      await chmod(join(staging, bin), 0o755);
      return { sha256: actual };
    },
  };
}
