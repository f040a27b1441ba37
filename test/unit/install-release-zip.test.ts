/**
 * The Windows release route, with the platform passed in (these machines run Linux): the asset names, the zip
 * served by a release mirror on 127.0.0.1 as the tarball tests serve theirs, sha256-checked, unpacked under the
 * zip guards, `stripe.exe` alone placed in the cache at `<cache>/<version>/stripe.exe`. Running `stripe.exe
 * version`, the last step of an install, needs Windows: here a stand-in verify sees the file it would run.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { EnvironmentError } from '../../src/errors.js';
import { cacheRoot, cachedBinary, installAtomically } from '../../src/installer/cache.js';
import type { InstallRequest } from '../../src/installer/install.js';
import type { PinnedChecksums } from '../../src/installer/pinned.js';
import { binaryName, releaseArchiveKind, releaseAssets, type Platform } from '../../src/installer/platform.js';
import { releaseSource } from '../../src/installer/release.js';
import { tempDir } from '../support/cli.js';
import { checksumsFile, sha256, startReleaseServer } from '../support/release-server.js';
import type { StaticServer } from '../support/static-server.js';
import { buildZip, S_IFLNK, type ZipTestEntry } from '../support/zip.js';

const VERSION = '1.52.0';
const win32: Platform = { os: 'win32', arch: 'x64' };
const { archive: ARCHIVE, checksums: CHECKSUMS } = releaseAssets(VERSION, win32);
/** A PE header's first bytes, then padding: what a Windows program looks like to a reader. */
const EXE = Buffer.concat([Buffer.from('MZ'), Buffer.alloc(200_000, 1)]);
const goodEntries: ZipTestEntry[] = [
  { name: 'stripe.exe', data: EXE },
  { name: 'README.md', data: 'the Stripe CLI' },
  { name: 'LICENSE', data: 'Apache-2.0' },
];

let server: StaticServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function serve(entries: ZipTestEntry[], options: { checksumOf?: Buffer } = {}) {
  const archive = buildZip(entries);
  server = await startReleaseServer(VERSION, { [ARCHIVE]: archive, [CHECKSUMS]: checksumsFile({ [ARCHIVE]: options.checksumOf ?? archive }) });
  return archive;
}

function request(pinned: PinnedChecksums = {}): InstallRequest & { home: string } {
  const home = tempDir('stripe-hooks-home-');
  return { home, version: VERSION, platform: win32, env: { HOME: home }, cwd: home, downloadBase: new URL(server!.url), pinned };
}

/** The release source's fill in a staging directory of its own: what lands there, or what it threw. */
async function fill(req: InstallRequest) {
  const staging = join(tempDir('stripe-hooks-staging-'), 'staging');
  mkdirSync(staging);
  const outcome = await releaseSource(req).fill(staging).then(
    (filled) => ({ filled, error: undefined }),
    (error: unknown) => ({ filled: undefined, error: error as Error }),
  );
  return { staging, ...outcome };
}

describe('Windows paths and names (platform passed in)', () => {
  it('the release asset is the .zip and the checksums file the windows one', () => {
    expect(releaseAssets(VERSION, win32)).toEqual({ archive: 'stripe_1.52.0_windows_x86_64.zip', checksums: 'stripe-windows-checksums.txt', format: 'zip' });
    expect(releaseAssets(VERSION, { os: 'linux', arch: 'x64' }).format).toBe('tar.gz');
    expect(releaseArchiveKind(win32)).toBe('zip');
    expect(releaseArchiveKind({ os: 'darwin', arch: 'arm64' })).toBe('tarball');
  });

  it('the binary is stripe.exe, in the cache too', () => {
    expect(binaryName(win32)).toBe('stripe.exe');
    const root = cacheRoot({ HOME: '/home/ada' });
    expect(root).toBe('/home/ada/.cache/stripe-hooks/stripe-cli');
    expect(cachedBinary(root, VERSION, win32)).toBe('/home/ada/.cache/stripe-hooks/stripe-cli/1.52.0/stripe.exe');
  });
});

describe('install from the Windows release zip', () => {
  it('downloads the checksums file and the zip, checks the sha256, writes stripe.exe alone', async () => {
    const archive = await serve(goodEntries);
    const req = request();
    const source = releaseSource(req);
    expect(source.description).toBe(`release zip ${server!.url}v1.52.0/${ARCHIVE}`);
    const { staging, filled } = await fill(req);
    expect(filled).toEqual({ sha256: sha256(archive) });
    expect(readdirSync(staging)).toEqual(['stripe.exe']);
    expect(readFileSync(join(staging, 'stripe.exe')).equals(EXE)).toBe(true);
    expect(server!.requests).toEqual([`GET /v1.52.0/${CHECKSUMS}`, `GET /v1.52.0/${ARCHIVE}`]);
  });

  it('placed in the cache at <version>/stripe.exe, atomically, after the (stand-in) check of that very file', async () => {
    await serve(goodEntries);
    const req = request();
    const root = cacheRoot(req.env);
    const checked: string[] = [];
    const path = await installAtomically({
      root,
      version: VERSION,
      platform: win32,
      fill: async (staging) => void (await releaseSource(req).fill(staging)),
      verify: async (binary) => {
        checked.push(binary);
        expect(readFileSync(binary).equals(EXE)).toBe(true);
      },
    });
    expect(path).toBe(join(req.home, '.cache', 'stripe-hooks', 'stripe-cli', '1.52.0', 'stripe.exe'));
    expect(checked).toHaveLength(1);
    expect(checked[0]).toMatch(/[/\\]\.staging-1\.52\.0-[^/\\]+[/\\]stripe\.exe$/);
    expect(readdirSync(root)).toEqual([VERSION]);
    expect(readdirSync(join(root, VERSION))).toEqual(['stripe.exe']);
  });

  it('a pinned version is checked against its pinned sha256 only', async () => {
    const archive = await serve(goodEntries);
    const { filled } = await fill(request({ [VERSION]: { [ARCHIVE]: sha256(archive) } }));
    expect(filled).toEqual({ sha256: sha256(archive) });
    expect(server!.requests).toEqual([`GET /v1.52.0/${ARCHIVE}`]);
  });

  it('a wrong checksum: refused before unpacking', async () => {
    await serve(goodEntries, { checksumOf: Buffer.from('another zip') });
    const { staging, error } = await fill(request());
    expect(error).toBeInstanceOf(EnvironmentError);
    expect(error!.message).toMatch(/^checksum mismatch for stripe_1\.52\.0_windows_x86_64\.zip: expected sha256 [0-9a-f]{64}, got [0-9a-f]{64}; nothing installed$/);
    expect(readdirSync(staging)).toEqual([]);
  });

  it.each<[string, ZipTestEntry, RegExp]>([
    ['a ../ entry', { name: '../../escaped', data: 'pwned' }, /entry "\.\.\/\.\.\/escaped" would be written outside the target directory/],
    ['an absolute entry', { name: '/escaped', data: 'pwned' }, /entry "\/escaped" would be written outside/],
    ['a symlink entry', { name: 'stripe-link', data: '../stripe.exe', mode: S_IFLNK | 0o777 }, /symbolic link "stripe-link" refused/],
    ['a second stripe.exe', { name: 'stripe.exe', data: 'another program' }, /entry "stripe\.exe" appears more than once/],
  ])('%s (its checksum matching): refused, nothing written', async (_what, bad, message) => {
    await serve([...goodEntries, bad]);
    const { staging, error } = await fill(request());
    expect(error).toBeInstanceOf(EnvironmentError);
    expect(error!.message).toMatch(message);
    expect(readdirSync(staging)).toEqual([]);
    expect(readdirSync(join(staging, '..'))).toEqual(['staging']);
  });

  it('a zip bomb as stripe.exe (declares 1000 bytes, inflates to 8 MiB): cut off at 1000, nothing left', async () => {
    const bomb = await serve([{ name: 'stripe.exe', data: Buffer.alloc(8 << 20), declaredSize: 1000 }]);
    expect(bomb.length).toBeLessThan(20_000);
    const { staging, error } = await fill(request());
    expect(error).toBeInstanceOf(EnvironmentError);
    expect(error!.message).toMatch(/^unsafe or corrupt archive: cannot read the zip \(too many bytes in the stream\. expected 1000\./);
    expect(readdirSync(staging)).toEqual([]);
  });

  it('a zip without stripe.exe at its top level', async () => {
    await serve([{ name: 'bin/stripe.exe', data: EXE }, { name: 'stripe', data: '#!/bin/sh\n' }]);
    const { staging, error } = await fill(request());
    expect(error!.message).toBe(`${ARCHIVE} has no stripe.exe at its top level; nothing installed`);
    expect(readdirSync(staging)).toEqual([]);
    expect(existsSync(join(staging, 'bin'))).toBe(false);
  });
});
