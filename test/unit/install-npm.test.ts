/**
 * Installing the platform package through the real `npm`, pointed (as a user's
 * mirror would be) at a local registry serving a tarball the test builds.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { EnvironmentError } from '../../src/errors.js';
import { installStripeCli, type InstallRequest } from '../../src/installer/install.js';
import { checkIntegrity } from '../../src/installer/npm.js';
import { checkBinary } from '../../src/stripe-cli/version.js';
import { tempDir } from '../support/cli.js';
import { registryEnv, sri, startFakeRegistry, type FakeRegistry, type PublishedVersion } from '../support/fake-registry.js';
import { npmPackageTarball, standInStripe } from '../support/tar.js';

const PACKAGE = '@stripe/cli-linux-x64';
const platform = { os: 'linux' as const, arch: 'x64' };

let registry: FakeRegistry | undefined;
afterEach(async () => {
  await registry?.close();
  registry = undefined;
});

async function publish(...versions: Partial<PublishedVersion>[]): Promise<void> {
  registry = await startFakeRegistry(
    versions.map((v) => ({ name: PACKAGE, version: '1.52.0', tarball: npmPackageTarball(PACKAGE, v.version ?? '1.52.0', standInStripe(v.version ?? '1.52.0')), ...v })),
  );
}

function request(version = '1.52.0'): InstallRequest & { cache: string } {
  const home = tempDir('stripe-hooks-home-');
  return {
    cache: join(home, '.cache', 'stripe-hooks', 'stripe-cli'),
    version,
    platform,
    env: { HOME: home, PATH: process.env.PATH, ...registryEnv(registry!, join(home, 'npm-cache')) },
    cwd: home,
  };
}

describe('install from the npm registry (the real npm, a local registry)', () => {
  it('installs the platform package into the cache and proves it runs', async () => {
    await publish({ version: '1.52.0' }, { version: '1.51.0' });
    const req = request();
    const progress: string[] = [];
    const installed = await installStripeCli({ ...req, onProgress: (text) => progress.push(text) }, 'npm');
    expect(installed).toMatchObject({ path: join(req.cache, '1.52.0', 'stripe'), version: '1.52.0', from: 'npm', description: `npm package ${PACKAGE}@1.52.0` });
    expect(installed.integrity).toMatch(/^sha512-/);
    expect(await checkBinary(installed.path, { env: req.env, cwd: req.cwd })).toMatchObject({ ok: true, version: '1.52.0' });
    expect(readdirSync(join(req.cache, '1.52.0'))).toEqual(['stripe']); // the binary, not the package's other files
    expect(registry!.tarballRequests()).toEqual([`GET /${PACKAGE}/-/cli-linux-x64-1.52.0.tgz`]);
    expect(progress).toEqual([`Looking up ${PACKAGE}@1.52.0…`, `Downloading ${PACKAGE}@1.52.0…`, `Unpacking ${PACKAGE}@1.52.0…`, 'Checking that it runs…']);
  });

  it('refuses a tarball that does not match the registry\'s dist.integrity: nothing installed', async () => {
    await publish({ integrityOf: Buffer.from('the tarball the registry meant to serve') });
    const req = request();
    const error = await installStripeCli(req, 'npm').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(EnvironmentError);
    expect((error as Error).message).toMatch(new RegExp(`^${PACKAGE}@1\\.52\\.0 failed its integrity check \\(npm: the tarball's hash differs from dist\\.integrity\\); nothing installed$`));
    expect(readdirSync(req.cache)).toEqual([]);
  });

  it('a version the registry does not have is a clear E404', async () => {
    await publish({ version: '1.52.0' });
    const req = request('1.99.0');
    await expect(installStripeCli(req, 'npm')).rejects.toThrow(`${PACKAGE}@1.99.0 is not in the npm registry`);
    expect(readdirSync(req.cache)).toEqual([]);
  });

  it('an unreachable registry is a network error', async () => {
    await publish({});
    const req = request();
    await registry!.close();
    await expect(installStripeCli(req, 'npm')).rejects.toThrow(/^cannot reach the npm registry \(ECONNREFUSED\)$/);
  });
});

describe('checkIntegrity', () => {
  const data = Buffer.from('tarball bytes');
  it('accepts the matching SRI (strongest algorithm of several) and refuses others', () => {
    expect(() => checkIntegrity(data, `sha1-AAAA ${sri(data)}`, 'x@1')).not.toThrow();
    expect(() => checkIntegrity(data, sri(Buffer.from('other')), 'x@1')).toThrow('x@1 failed its integrity check (sha512 mismatch); nothing installed');
    expect(() => checkIntegrity(data, 'md5-abc', 'x@1')).toThrow(/no usable dist.integrity/);
  });
});
