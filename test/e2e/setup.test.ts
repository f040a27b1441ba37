/**
 * `stripe-hooks setup` as users and CI run it (the built CLI, a temp HOME and cwd,
 * a PATH holding only node and npm): exit codes, the human table, the JSON
 * report, installing from a local npm registry (the real Stripe CLI binary in a
 * package the test builds) and from a local release server, and the key never shown.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_CLI_VERSION, releaseAssets } from '../../src/installer/platform.js';
import { runCli, sandbox, STRIPE_BIN, tempDir, type Sandbox } from '../support/cli.js';
import { registryEnv, startFakeRegistry, type FakeRegistry } from '../support/fake-registry.js';
import { checksumsFile, startReleaseServer } from '../support/release-server.js';
import { FOREIGN_HEADERS, writeFile, writeStandIn } from '../support/stand-ins.js';
import type { StaticServer } from '../support/static-server.js';
import { buildTarGz, npmPackageTarball, realStripeBinary, standInStripe } from '../support/tar.js';

const PACKAGE = '@stripe/cli-linux-x64';
const { archive: ARCHIVE, checksums: CHECKSUMS } = releaseAssets('1.52.0', { os: 'linux', arch: 'x64' });

/** A PATH with node and npm and nothing else: no `stripe` (nor the @stripe/cli shim npm test puts on PATH). */
const tools = tempDir('stripe-hooks-tools-');
symlinkSync(process.execPath, join(tools, 'node'));
symlinkSync(execFileSync('sh', ['-c', 'command -v npm'], { encoding: 'utf8' }).trim(), join(tools, 'npm'));

function box(extra: NodeJS.ProcessEnv = {}): Sandbox {
  return sandbox({ PATH: tools, ...extra });
}

const cacheOf = (b: Sandbox) => join(b.home, '.cache', 'stripe-hooks', 'stripe-cli');
const noCI = { CI: '' };

describe('nothing installed', () => {
  it('without a terminal, --yes or CI: exit 3, the report, and the exact command to run', async () => {
    const b = box(noCI);
    const result = await runCli(['setup'], { box: b });
    expect(result.exitCode).toBe(3);
    expect(result.stdout).toMatch(/^check\s+status\s+detail\nStripe CLI\s+missing\s+not found\n/);
    expect(result.stderr).toContain('error Stripe CLI not found');
    expect(result.stderr).toContain(`hint  run \`npx stripe-hooks setup --yes\` to install it into ${cacheOf(b)}, or pass --stripe-bin`);
    expect(existsSync(join(b.home, '.cache'))).toBe(false);
  });

  it('--json: the error as JSON, exit 3', async () => {
    const b = box(noCI);
    const result = await runCli(['setup', '--json', '--cli-version', '1.50.0'], { box: b });
    expect(result.exitCode).toBe(3);
    expect(JSON.parse(result.stdout)).toEqual({
      error: {
        code: 'ERR_STRIPE_HOOKS_ENVIRONMENT',
        exitCode: 3,
        message: 'Stripe CLI not found',
        hint: `run \`npx stripe-hooks setup --yes --cli-version 1.50.0\` to install it into ${cacheOf(b)}, or pass --stripe-bin`,
      },
    });
  });
});

describe('install from the npm registry', () => {
  let registry: FakeRegistry;
  let tampered: FakeRegistry;
  beforeAll(async () => {
    registry = await startFakeRegistry([{ name: PACKAGE, version: '1.52.0', tarball: npmPackageTarball(PACKAGE, '1.52.0', realStripeBinary()) }]);
    const stand = npmPackageTarball(PACKAGE, '1.52.0', standInStripe('1.52.0'));
    tampered = await startFakeRegistry([{ name: PACKAGE, version: '1.52.0', tarball: stand, integrityOf: Buffer.from('what was published') }]);
  });
  afterAll(async () => {
    await registry.close();
    await tampered.close();
  });

  it('CI=true installs the real Stripe CLI into the cache; the next run finds it there', async () => {
    const b = box({ CI: 'true' });
    const env = registryEnv(registry, join(b.home, 'npm-cache'));
    const first = await runCli(['setup', '--json'], { box: b, env });
    expect(first.stderr).toBe('');
    expect(first.exitCode).toBe(0);
    const binary = join(cacheOf(b), '1.52.0', 'stripe');
    expect(JSON.parse(first.stdout)).toEqual({
      ok: true,
      stripeCli: { path: binary, version: '1.52.0', source: 'installed' },
      installed: { from: 'npm', description: `npm package ${PACKAGE}@1.52.0`, integrity: expect.stringMatching(/^sha512-/), sha256: null },
      skipped: [],
      apiKey: { present: false, from: null, mode: null, kind: null, recognised: null },
      login: { configPath: join(b.home, '.config', 'stripe', 'config.toml'), loggedIn: false, command: `${binary} login` }, // setup's cache is on no PATH
      node: { version: process.versions.node, required: '>=20.18.1', supported: true },
    });
    expect(execFileSync(binary, ['version'], { env: { HOME: b.home, STRIPE_CLI_TELEMETRY_OPTOUT: '1' }, encoding: 'utf8' })).toContain('stripe version 1.52.0');
    expect(readdirSync(cacheOf(b))).toEqual(['1.52.0']);

    const second = await runCli(['setup'], { box: b, env });
    expect(second.exitCode).toBe(0);
    expect(second.stdout).toMatch(new RegExp(`Stripe CLI\\s+ok\\s+1\\.52\\.0  ${binary}  \\(found in stripe-hooks' cache\\)`));
    expect(registry.tarballRequests()).toHaveLength(1);
  });

  it('--yes with a registry whose tarball does not match its integrity: exit 3, nothing installed', async () => {
    const b = box(noCI);
    const result = await runCli(['setup', '--yes'], { box: b, env: registryEnv(tampered, join(b.home, 'npm-cache')) });
    expect(result.exitCode).toBe(3);
    expect(result.stderr).toContain(`error ${PACKAGE}@1.52.0 failed its integrity check`);
    expect(result.stderr).toContain('nothing installed');
    expect(readdirSync(cacheOf(b))).toEqual([]);
  });
});

describe('install from the release tarball (--from-release)', () => {
  let good: StaticServer;
  let traversal: StaticServer;
  let wrongSum: StaticServer;
  beforeAll(async () => {
    const archive = buildTarGz([{ name: 'stripe', data: standInStripe('1.52.0'), mode: 0o755 }]);
    good = await startReleaseServer('1.52.0', { [ARCHIVE]: archive, [CHECKSUMS]: checksumsFile({ [ARCHIVE]: archive }) });
    const evil = buildTarGz([{ name: 'stripe', data: standInStripe('1.52.0'), mode: 0o755 }, { name: '../../escaped', data: 'x' }]);
    traversal = await startReleaseServer('1.52.0', { [ARCHIVE]: evil, [CHECKSUMS]: checksumsFile({ [ARCHIVE]: evil }) });
    wrongSum = await startReleaseServer('1.52.0', { [ARCHIVE]: archive, [CHECKSUMS]: checksumsFile({ [ARCHIVE]: evil }) });
  });
  afterAll(async () => {
    await Promise.all([good.close(), traversal.close(), wrongSum.close()]);
  });

  it('good: installed, and the table says from where', async () => {
    const b = box();
    const result = await runCli(['setup', '--from-release', '--download-base', good.url], { box: b });
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain(`1.52.0  ${join(cacheOf(b), '1.52.0', 'stripe')}  (installed just now from release tarball ${good.url}v1.52.0/${ARCHIVE})`);
    expect(result.stderr).toContain(`Installing Stripe CLI 1.52.0 from its release tarball into ${cacheOf(b)}…`);
  });

  it.each([
    ['a `../` entry', () => traversal, /entry "\.\.\/\.\.\/escaped" would be written outside the target directory/],
    ['a wrong checksum', () => wrongSum, /checksum mismatch for stripe_1\.52\.0_linux_x86_64\.tar\.gz/],
  ])('%s: refused, exit 3, nothing installed', async (_what, server, message) => {
    const b = box();
    const result = await runCli(['setup', '--json', '--from-release', '--download-base', server().url], { box: b });
    expect(result.exitCode).toBe(3);
    expect(JSON.parse(result.stdout).error.message).toMatch(message);
    expect(readdirSync(cacheOf(b))).toEqual([]);
    expect(existsSync(join(b.home, '.cache', 'escaped'))).toBe(false);
    expect(existsSync(join(b.home, '.cache', 'stripe-hooks', 'escaped'))).toBe(false);
  });
});

describe('an interrupted install', () => {
  it('Ctrl+C while the archive downloads: exit 130, no version directory, no staging left', async () => {
    const archive = buildTarGz([{ name: 'stripe', data: standInStripe('1.52.0'), mode: 0o755 }, { name: 'filler', data: Buffer.alloc(256 * 1024, 1) }]);
    const server = await startReleaseServer('1.52.0', { [ARCHIVE]: archive, [CHECKSUMS]: checksumsFile({ [ARCHIVE]: archive }) });
    server.stalled.add(`/v1.52.0/${ARCHIVE}`);
    try {
      const b = box();
      const child = runCli(['setup', '--from-release', '--download-base', server.url], { box: b });
      await server.requested(`/v1.52.0/${ARCHIVE}`);
      child.kill('SIGINT');
      const result = await child;
      expect(result.exitCode).toBe(130);
      expect(readdirSync(cacheOf(b))).toEqual([]);
    } finally {
      await server.close();
    }
  });
});

describe('a binary named explicitly', () => {
  it('--stripe-bin with the real Stripe CLI', async () => {
    const result = await runCli(['setup', '--json', '--stripe-bin', STRIPE_BIN], { box: box() });
    expect(result.exitCode).toBe(0);
    expect(JSON.parse(result.stdout).stripeCli).toEqual({ path: STRIPE_BIN, version: '1.52.0', source: '--stripe-bin' });
  });

  it('STRIPE_HOOKS_STRIPE_BIN, reported as such, and beating a stripe on PATH', async () => {
    const pathDir = tempDir();
    writeStandIn(join(pathDir, 'stripe'), '1.0.0');
    const result = await runCli(['setup'], { box: box(), env: { STRIPE_HOOKS_STRIPE_BIN: STRIPE_BIN, PATH: `${tools}:${pathDir}` } });
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain(`1.52.0  ${STRIPE_BIN}  (given by STRIPE_HOOKS_STRIPE_BIN)`);
  });

  it.each([
    ['not executable', () => writeFile(join(tempDir(), 'stripe'), standInStripe('1.52.0'), 0o644), 'is not executable', 'chmod +x'],
    ['for another platform', () => writeFile(join(tempDir(), 'stripe'), FOREIGN_HEADERS['linux-arm64 ELF']), 'cannot run on this machine: it is built for linux-arm64', 'build for linux-x64'],
    ['failing', () => writeFile(join(tempDir(), 'stripe'), '#!/bin/sh\nexit 4\n'), '`version` exited with code 4', 'working Stripe CLI'],
  ])('%s: exit 3 with what is wrong, no install even with --yes', async (_what, make, problem, fix) => {
    const bin = make();
    const b = box({ CI: 'true' });
    const result = await runCli(['setup', '--yes', '--stripe-bin', bin], { box: b });
    expect(result.exitCode).toBe(3);
    expect(result.stderr).toContain(`error the Stripe CLI at ${bin} (from --stripe-bin) ${problem}`);
    expect(result.stderr).toContain(fix);
    expect(result.stdout).toBe('');
    expect(existsSync(join(b.home, '.cache'))).toBe(false);
  });
});

describe('the rest of the report', () => {
  const LIVE = 'sk_live_51SetupNeverPrintsThisKey0123';
  const RESTRICTED = 'rk_test_51SetupNeverPrintsThisKey0123';

  it('an API key: its mode and kind, never the key', async () => {
    const b = box();
    const env = { STRIPE_API_KEY: LIVE };
    const human = await runCli(['setup', '--stripe-bin', STRIPE_BIN], { box: b, env });
    expect(human.exitCode).toBe(0);
    expect(human.stdout).toMatch(/API key\s+live\s+live mode, secret key \(from STRIPE_API_KEY\)/);
    const json = await runCli(['setup', '--json', '--stripe-bin', STRIPE_BIN, '--api-key', RESTRICTED], { box: b, env });
    expect(JSON.parse(json.stdout).apiKey).toEqual({ present: true, from: '--api-key', mode: 'test', kind: 'restricted', recognised: true });
    for (const output of [human.stdout, human.stderr, json.stdout, json.stderr]) expect(output).not.toContain('SetupNeverPrintsThisKey');
  });

  it('a key that is not a secret or restricted key is flagged', async () => {
    const result = await runCli(['setup', '--json', '--stripe-bin', STRIPE_BIN], { box: box(), env: { STRIPE_API_KEY: 'pk_test_51Publishable' } });
    expect(JSON.parse(result.stdout).apiKey).toEqual({ present: true, from: 'STRIPE_API_KEY', mode: null, kind: null, recognised: false });
  });

  it('`stripe login` is recognised by the account in its config, without printing the stored key', async () => {
    const b = box();
    mkdirSync(join(b.home, '.config', 'stripe'), { recursive: true });
    writeFileSync(
      join(b.home, '.config', 'stripe', 'config.toml'),
      `color = ''\n[default]\naccount_id = 'acct_1Test'\ntest_mode_api_key = '${RESTRICTED}'\n`,
    );
    const result = await runCli(['setup', '--stripe-bin', STRIPE_BIN], { box: b });
    expect(result.stdout).toMatch(new RegExp(`stripe login\\s+yes\\s+${join(b.home, '.config', 'stripe', 'config.toml')}`));
    expect(result.stdout + result.stderr).not.toContain('SetupNeverPrintsThisKey');
  });

  it('--help names the pinned default version', async () => {
    const result = await runCli(['setup', '--help']);
    expect(result.stdout).toContain(`(default: ${DEFAULT_CLI_VERSION},`);
  });

  it('usage errors exit 2 before anything runs', async () => {
    const plainHttp = ['--from-release', '--download-base', 'http://mirror.example.com/'];
    for (const args of [['--cli-version', 'latest'], ['--download-base', 'http://127.0.0.1:9/'], ['--from-release', '--download-base', 'ftp://mirror'], plainHttp]) {
      const result = await runCli(['setup', ...args], { box: box() });
      expect(result.exitCode, args.join(' ')).toBe(2);
      expect(result.stderr).toMatch(/^error (--cli-version|--download-base)/);
    }
    const refused = await runCli(['setup', ...plainHttp], { box: box() });
    expect(refused.stderr).toMatch(/^error --download-base http:\/\/mirror\.example\.com\/ is plain http.*\nhint  use the mirror's https:\/\/ URL/);
  });
});
