/**
 * The second source: the GitHub release tarball and its checksums file,
 * `<base>/v<version>/stripe_<version>_<os>_<arch>.tar.gz` and
 * `<base>/v<version>/stripe-<os>-checksums.txt`, the layout GitHub releases use
 * (and a mirror copying them keeps). The archive is verified against its sha256
 * before a single byte of it is unpacked.
 */
import { createHash } from 'node:crypto';
import { chmod } from 'node:fs/promises';
import { join } from 'node:path';
import { EnvironmentError } from '../errors.js';
import { binaryName, releaseAssets } from './platform.js';
import type { InstallRequest, SourceInstall } from './install.js';
import { extractTarGz } from './archive.js';
import { parseHttpUrl } from '../lib/option-values.js';

const DEFAULT_DOWNLOAD_BASE = 'https://github.com/stripe/stripe-cli/releases/download';
const DOWNLOAD_TIMEOUT_MS = 5 * 60_000;
const MAX_DOWNLOAD = 512 * 1024 * 1024;

export function parseDownloadBase(value: string | undefined): URL {
  return parseHttpUrl(value ?? DEFAULT_DOWNLOAD_BASE, '--download-base', `use e.g. --download-base ${DEFAULT_DOWNLOAD_BASE}`);
}

/** A URL as shown to the user: credentials a mirror URL may carry are left out. */
function shown(url: URL): string {
  const copy = new URL(url.href);
  copy.username = '';
  copy.password = '';
  return copy.href;
}

export function releaseUrl(base: URL, version: string, file: string): URL {
  const href = base.href.endsWith('/') ? base.href : base.href + '/';
  return new URL(`v${encodeURIComponent(version)}/${encodeURIComponent(file)}`, href);
}

async function download(url: URL, signal: AbortSignal | undefined): Promise<Buffer> {
  const timeout = AbortSignal.timeout(DOWNLOAD_TIMEOUT_MS);
  // fetch refuses URLs with credentials: a mirror's user:password travels as Basic auth instead.
  const headers: Record<string, string> = {};
  if (url.username || url.password) {
    const pair = `${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`;
    headers.authorization = `Basic ${Buffer.from(pair).toString('base64')}`;
  }
  let response: Response;
  try {
    response = await fetch(shown(url), { headers, signal: signal ? AbortSignal.any([signal, timeout]) : timeout, redirect: 'follow' });
  } catch (error) {
    if (signal?.aborted) throw signal.reason;
    const cause = (error as { cause?: { code?: string } }).cause?.code ?? (timeout.aborted ? 'timed out' : 'network error');
    throw new EnvironmentError(`cannot download ${shown(url)} (${cause})`, { hint: 'check your network, or point --download-base at a reachable mirror' });
  }
  if (!response.ok) {
    await response.body?.cancel();
    throw new EnvironmentError(`download of ${shown(url)} failed: HTTP ${response.status}`, {
      hint: 'check --cli-version and --download-base (files are read from <base>/v<version>/)',
    });
  }
  const declared = Number(response.headers.get('content-length') ?? 0);
  if (declared > MAX_DOWNLOAD) throw new EnvironmentError(`${shown(url)} is too large (${declared} bytes)`, { hint: 'check --download-base' });
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of response.body ?? []) {
    size += chunk.length;
    if (size > MAX_DOWNLOAD) throw new EnvironmentError(`${shown(url)} is too large`, { hint: 'check --download-base' });
    chunks.push(Buffer.from(chunk));
  }
  return Buffer.concat(chunks);
}

/** The sha256 listed for `file` in a `sha256sum`-style checksums file. */
export function checksumFor(checksums: string, file: string): string | undefined {
  for (const line of checksums.split('\n')) {
    const [hash, name] = line.trim().split(/\s+/);
    if (hash && name?.replace(/^\*/, '') === file && /^[0-9a-f]{64}$/i.test(hash)) return hash.toLowerCase();
  }
  return undefined;
}

export function releaseSource(request: InstallRequest): SourceInstall {
  const { platform, version } = request;
  const base = request.downloadBase ?? parseDownloadBase(undefined);
  const assets = releaseAssets(version, platform);
  const archiveUrl = releaseUrl(base, version, assets.archive);
  return {
    description: `release tarball ${shown(archiveUrl)}`,
    async fill(staging) {
      if (platform.os === 'win32') {
        throw new EnvironmentError('--from-release handles .tar.gz archives; Windows releases are .zip', { hint: 'install from npm instead (without --from-release)' });
      }
      request.onProgress?.(`Downloading ${assets.checksums}…`);
      const checksums = (await download(releaseUrl(base, version, assets.checksums), request.signal)).toString('utf8');
      const expected = checksumFor(checksums, assets.archive);
      if (!expected) {
        throw new EnvironmentError(`${assets.checksums} lists no sha256 for ${assets.archive}; nothing installed`, { hint: 'check --cli-version and --download-base' });
      }
      request.onProgress?.(`Downloading ${assets.archive}…`);
      const archive = await download(archiveUrl, request.signal);
      const actual = createHash('sha256').update(archive).digest('hex');
      if (actual !== expected) {
        throw new EnvironmentError(`checksum mismatch for ${assets.archive}: expected sha256 ${expected}, got ${actual}; nothing installed`, {
          hint: 'the download is corrupt or was tampered with: try again, or check your --download-base mirror',
        });
      }
      request.onProgress?.(`Unpacking ${assets.archive}…`);
      const entries = await extractTarGz(archive, staging);
      const bin = binaryName(platform);
      if (!entries.some((entry) => entry.type === 'file' && entry.name === bin)) {
        throw new EnvironmentError(`${assets.archive} has no ${bin} at its top level; nothing installed`, { hint: 'check --download-base' });
      }
      await chmod(join(staging, bin), 0o755);
      return { sha256: actual };
    },
  };
}
