/**
 * Installing from the release tarball + checksums file, served by a local HTTP
 * server from an archive the test builds: good -> in the cache; a wrong
 * checksum, a `../` entry or a wrong binary -> refused with nothing installed.
 * A version pinned in source is checked against its pinned sha256 only; the
 * mirror must be https (or loopback), redirects included.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { EnvironmentError, UsageError } from '../../src/errors.js';
import { installAtomically } from '../../src/installer/cache.js';
import { installStripeCli, type InstallRequest } from '../../src/installer/install.js';
import { checksumFor, parseDownloadBase, releaseUrl } from '../../src/installer/release.js';
import { PINNED_SHA256, type PinnedChecksums } from '../../src/installer/pinned.js';
import { DEFAULT_CLI_VERSION, releaseAssets } from '../../src/installer/platform.js';
import { checkBinary } from '../../src/stripe-cli/version.js';
import { tempDir } from '../support/cli.js';
import { checksumsFile, sha256, startReleaseServer } from '../support/release-server.js';
import type { StaticServer } from '../support/static-server.js';
import { buildTarGz, standInStripe, type TestEntry } from '../support/tar.js';

const VERSION = '1.52.0';
const platform = { os: 'linux' as const, arch: 'x64' };
const { archive: ARCHIVE, checksums: CHECKSUMS } = releaseAssets(VERSION, platform);

let server: StaticServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function serve(entries: TestEntry[], options: { checksumOf?: Buffer } = {}) {
  const archive = buildTarGz(entries);
  server = await startReleaseServer(VERSION, {
    [ARCHIVE]: archive,
    [CHECKSUMS]: checksumsFile({ 'stripe_1.52.0_mac-os_x86_64.tar.gz': Buffer.from('other'), [ARCHIVE]: options.checksumOf ?? archive }),
  });
  return archive;
}

function request(base = server!.url, pinned: PinnedChecksums = {}): InstallRequest & { home: string; cache: string } {
  const home = tempDir('stripe-hooks-home-');
  return {
    home,
    cache: join(home, '.cache', 'stripe-hooks', 'stripe-cli'),
    version: VERSION,
    platform,
    env: { HOME: home, PATH: '/usr/bin:/bin' },
    cwd: home,
    downloadBase: new URL(base),
    pinned,
  };
}

const goodEntries: TestEntry[] = [
  { name: 'stripe', data: standInStripe(VERSION), mode: 0o755 },
  { name: 'README.md', data: 'the Stripe CLI' },
];

describe('install from the release tarball', () => {
  it('good archive: verified, unpacked, proven to run, placed in the cache', async () => {
    const archive = await serve(goodEntries);
    const req = request();
    const installed = await installStripeCli(req, 'release');
    const binary = join(req.cache, VERSION, 'stripe');
    expect(installed).toEqual({ path: binary, version: VERSION, from: 'release', description: `release tarball ${server!.url}v1.52.0/${ARCHIVE}`, sha256: sha256(archive), integrity: undefined });
    expect(statSync(binary).mode & 0o111).toBe(0o111);
    expect(await checkBinary(binary, { env: req.env, cwd: req.cwd })).toMatchObject({ ok: true, version: VERSION });
    expect(readdirSync(req.cache)).toEqual([VERSION]); // no staging leftovers
    expect(server!.requests).toEqual([`GET /v1.52.0/${CHECKSUMS}`, `GET /v1.52.0/${ARCHIVE}`]);
  });

  it('wrong checksum: refused before unpacking, nothing installed', async () => {
    await serve(goodEntries, { checksumOf: Buffer.from('a different archive') });
    const req = request();
    const error = await installStripeCli(req, 'release').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(EnvironmentError);
    expect((error as Error).message).toMatch(new RegExp(`^checksum mismatch for ${ARCHIVE.replace(/\./g, '\\.')}: expected sha256 [0-9a-f]{64}, got [0-9a-f]{64}; nothing installed$`));
    expect(readdirSync(req.cache)).toEqual([]);
  });

  it('a `../` entry: refused, nothing installed, nothing written outside', async () => {
    await serve([...goodEntries, { name: '../../../escaped', data: 'pwned' }]);
    const req = request();
    await expect(installStripeCli(req, 'release')).rejects.toThrow(/entry "\.\.\/\.\.\/\.\.\/escaped" would be written outside the target directory/);
    expect(readdirSync(req.cache)).toEqual([]);
    expect(existsSync(join(req.home, '.cache', 'escaped'))).toBe(false);
    expect(existsSync(join(req.home, 'escaped'))).toBe(false);
  });

  it('a binary that is not the version asked for: refused, nothing installed', async () => {
    await serve([{ name: 'stripe', data: standInStripe('1.40.0'), mode: 0o755 }]);
    const req = request();
    await expect(installStripeCli(req, 'release')).rejects.toThrow(/says it is version 1\.40\.0, not 1\.52\.0; nothing installed/);
    expect(readdirSync(req.cache)).toEqual([]);
  });

  it('an archive without the binary, a checksums file without the archive, a 404', async () => {
    await serve([{ name: 'docs/README.md', data: 'no binary here' }]);
    await expect(installStripeCli(request(), 'release')).rejects.toThrow(`${ARCHIVE} has no stripe at its top level`);
    server!.files.set(`/v1.52.0/${CHECKSUMS}`, 'abc  something-else.tar.gz\n');
    await expect(installStripeCli(request(), 'release')).rejects.toThrow(`${CHECKSUMS} lists no sha256 for ${ARCHIVE}`);
    server!.files.delete(`/v1.52.0/${CHECKSUMS}`);
    await expect(installStripeCli(request(), 'release')).rejects.toThrow(`download of ${server!.url}v1.52.0/${CHECKSUMS} failed: HTTP 404`);
  });

  it('an unreachable mirror is an environment error naming the URL (without its credentials)', async () => {
    const closed = await startReleaseServer(VERSION, {});
    await closed.close();
    const req = request(closed.url.replace('http://', 'http://user:s3cret@') + 'mirror');
    const error = (await installStripeCli(req, 'release').catch((caught: unknown) => caught)) as EnvironmentError;
    expect(error).toBeInstanceOf(EnvironmentError);
    expect(error.message).toMatch(/^cannot download http:\/\/127\.0\.0\.1:\d+\/mirror\/v1\.52\.0\/stripe-linux-checksums\.txt \(ECONNREFUSED\)$/);
    expect(error.message).not.toContain('s3cret');
  });

  it('a mirror URL with credentials works (they go as Basic auth, not in the URL)', async () => {
    await serve(goodEntries);
    const installed = await installStripeCli(request(server!.url.replace('http://', 'http://user:s3cret@')), 'release');
    expect(installed.description).not.toContain('s3cret');
    expect(existsSync(installed.path)).toBe(true);
  });

  it('--force replaces an installed version in one step', async () => {
    await serve(goodEntries);
    const req = request();
    await installStripeCli(req, 'release');
    const first = statSync(join(req.cache, VERSION, 'stripe')).ino;
    await installStripeCli(req, 'release');
    expect(statSync(join(req.cache, VERSION, 'stripe')).ino).not.toBe(first);
    expect(readdirSync(req.cache)).toEqual([VERSION]);
  });
});

describe('atomic placement', () => {
  it('an install interrupted half-way leaves no version directory', async () => {
    const root = join(tempDir(), 'cache');
    const failing = installAtomically({
      root,
      version: VERSION,
      platform,
      fill: async (staging) => {
        const { writeFileSync } = await import('node:fs');
        writeFileSync(join(staging, 'stripe'), '#!/bin/sh\n# half a bin');
        throw new Error('connection reset');
      },
      verify: async () => {},
    });
    await expect(failing).rejects.toThrow('connection reset');
    expect(readdirSync(root)).toEqual([]);
  });
});

describe('release names and checksums', () => {
  it('uses the asset names of Stripe\'s goreleaser configs', () => {
    expect(releaseAssets('1.52.0', { os: 'linux', arch: 'x64' })).toEqual({ archive: 'stripe_1.52.0_linux_x86_64.tar.gz', checksums: 'stripe-linux-checksums.txt', format: 'tar.gz' });
    expect(releaseAssets('1.52.0', { os: 'linux', arch: 'arm64' }).archive).toBe('stripe_1.52.0_linux_arm64.tar.gz');
    expect(releaseAssets('1.52.0', { os: 'darwin', arch: 'arm64' })).toEqual({ archive: 'stripe_1.52.0_mac-os_arm64.tar.gz', checksums: 'stripe-mac-checksums.txt', format: 'tar.gz' });
  });

  it('builds URLs under <base>/v<version>/, with or without a trailing slash', () => {
    expect(releaseUrl(parseDownloadBase(undefined), '1.52.0', 'x.tar.gz').href).toBe('https://github.com/stripe/stripe-cli/releases/download/v1.52.0/x.tar.gz');
    expect(releaseUrl(new URL('http://127.0.0.1:9/mirror/'), '1.52.0', 'x').href).toBe('http://127.0.0.1:9/mirror/v1.52.0/x');
    expect(() => parseDownloadBase('ftp://mirror')).toThrow(/must be an http\(s\) URL/);
    expect(() => parseDownloadBase('not a url')).toThrow(/is not a URL/);
  });

  it('reads sha256sum lines, binary-mode stars included, exact names only', () => {
    const hash = 'a'.repeat(64);
    const text = `${'b'.repeat(64)}  stripe_1.52.0_linux_x86_64.tar.gz.sig\n${hash} *stripe_1.52.0_linux_x86_64.tar.gz\n`;
    expect(checksumFor(text, 'stripe_1.52.0_linux_x86_64.tar.gz')).toBe(hash);
    expect(checksumFor(text, 'stripe_1.52.0_linux_arm64.tar.gz')).toBeUndefined();
  });
});

describe('a version whose sha256 is pinned in source', () => {
  const pin = (hash: string, file = ARCHIVE): PinnedChecksums => ({ [VERSION]: { [file]: hash } });

  it('installs against the pinned sha256 without fetching the checksums file', async () => {
    const archive = await serve(goodEntries);
    const installed = await installStripeCli(request(server!.url, pin(sha256(archive))), 'release');
    expect(installed.sha256).toBe(sha256(archive));
    expect(server!.requests).toEqual([`GET /v1.52.0/${ARCHIVE}`]);
  });

  it('a tampered archive is refused even though the mirror\'s checksums file matches it', async () => {
    const genuine = buildTarGz(goodEntries);
    const tampered = await serve([...goodEntries, { name: 'backdoor', data: 'x' }]); // checksums file lists the tampered one
    const req = request(server!.url, pin(sha256(genuine)));
    const error = await installStripeCli(req, 'release').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(EnvironmentError);
    expect((error as Error).message).toBe(`checksum mismatch for ${ARCHIVE}: expected the pinned sha256 ${sha256(genuine)}, got ${sha256(tampered)}; nothing installed`);
    expect(server!.requests).toEqual([`GET /v1.52.0/${ARCHIVE}`]);
    expect(readdirSync(req.cache)).toEqual([]);
  });

  it('a pinned version without this platform\'s archive is refused before any download', async () => {
    await serve(goodEntries);
    const req = request(server!.url, pin('a'.repeat(64), 'stripe_1.52.0_mac-os_arm64.tar.gz'));
    await expect(installStripeCli(req, 'release')).rejects.toThrow(`stripe-hooks pins the sha256 of the 1.52.0 release archives, but not of ${ARCHIVE}; nothing installed`);
    expect(server!.requests).toEqual([]);
  });

  it('a version not pinned uses the checksums file', async () => {
    await serve(goodEntries);
    await installStripeCli(request(server!.url, { '1.51.0': { [ARCHIVE.replace('1.52.0', '1.51.0')]: 'a'.repeat(64) } }), 'release');
    expect(server!.requests).toEqual([`GET /v1.52.0/${CHECKSUMS}`, `GET /v1.52.0/${ARCHIVE}`]);
  });

  it('the table in source is well-formed: release archive names and lowercase sha256; a pinned default version pins every archive', () => {
    const archives = (version: string) => [
      ...(['linux', 'darwin'] as const).flatMap((os) => ['x64', 'arm64'].map((arch) => releaseAssets(version, { os, arch }).archive)),
      releaseAssets(version, { os: 'win32', arch: 'x64' }).archive,
    ];
    for (const [version, files] of Object.entries(PINNED_SHA256)) {
      for (const [file, hash] of Object.entries(files)) {
        expect(archives(version), `${version} ${file}`).toContain(file);
        expect(hash, `${version} ${file}`).toMatch(/^[0-9a-f]{64}$/);
      }
    }
    const pinnedDefault = PINNED_SHA256[DEFAULT_CLI_VERSION];
    if (pinnedDefault) expect(Object.keys(pinnedDefault).sort()).toEqual(archives(DEFAULT_CLI_VERSION).sort());
  });
});

describe('https only, except on loopback', () => {
  it.each(['https://mirror.example.com/stripe', 'http://127.0.0.1:9/', 'http://127.1.2.3/', 'http://localhost:8080/m', 'http://[::1]:9/'])('%s is accepted', (base) => {
    expect(parseDownloadBase(base).href).toBe(new URL(base).href);
  });

  it.each(['http://mirror.example.com/', 'http://128.0.0.1/', 'http://localhost.example.com/', 'http://[::2]/', 'http://user:s3cret@mirror.example.com/'])(
    '%s is a usage error naming https',
    (base) => {
      const error = (() => {
        try {
          parseDownloadBase(base);
        } catch (caught) {
          return caught as UsageError;
        }
      })();
      expect(error).toBeInstanceOf(UsageError);
      expect(error!.exitCode).toBe(2);
      expect(error!.message).toMatch(/^--download-base http:\/\/\S+ is plain http, which anyone on the way can change$/);
      expect(error!.message).not.toContain('s3cret');
      expect(error!.hint).toContain('https://');
    },
  );

  /** A loopback server answering every request with a redirect to `location(path)`. */
  async function redirector(location: (path: string) => string) {
    const seen: string[] = [];
    const redirecting = createServer((req, res) => {
      seen.push(req.url ?? '');
      res.writeHead(302, { location: location(req.url ?? '/') }).end();
    });
    await new Promise<void>((resolve) => redirecting.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(redirecting.address() as AddressInfo).port}/`;
    return { url, seen, close: () => new Promise<void>((resolve) => redirecting.close(() => resolve())) };
  }

  it('a redirect to another loopback server is followed', async () => {
    await serve(goodEntries);
    const mirror = await redirector((path) => new URL(path.slice(1), server!.url).href);
    try {
      const installed = await installStripeCli(request(mirror.url), 'release');
      expect(existsSync(installed.path)).toBe(true);
      expect(mirror.seen).toEqual([`/v1.52.0/${CHECKSUMS}`, `/v1.52.0/${ARCHIVE}`]);
    } finally {
      await mirror.close();
    }
  });

  it('a redirect to plain http elsewhere is refused before it is requested', async () => {
    const mirror = await redirector((path) => `http://mirror.example.com${path}`);
    const req = request(mirror.url);
    try {
      await expect(installStripeCli(req, 'release')).rejects.toThrow(
        `${mirror.url}v1.52.0/${CHECKSUMS} redirects to http://mirror.example.com/v1.52.0/${CHECKSUMS}, which is not https; nothing installed`,
      );
      expect(readdirSync(req.cache)).toEqual([]);
    } finally {
      await mirror.close();
    }
  });
});
