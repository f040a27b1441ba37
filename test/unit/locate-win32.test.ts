/**
 * Locating on Windows, with the platform passed in (these machines run Linux, and `stripe.exe version` cannot run
 * here: a stand-in proof reads the file's header the way checkBinary does before it runs anything). Every source is
 * looked up by `stripe.exe`: PATH, the project's `@stripe/cli-win32-x64` package, and the cache a Windows install
 * fills; a Linux `stripe` beside each is never taken.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cacheRoot, cachedBinary } from '../../src/installer/cache.js';
import { executableFormat, platformMismatch, readHead, type Platform } from '../../src/installer/platform.js';
import { findStripeCli, type Prove } from '../../src/stripe-cli/locate.js';
import { tempDir } from '../support/cli.js';
import { FOREIGN_HEADERS, writeFile, writeStandIn } from '../support/stand-ins.js';

const win32: Platform = { os: 'win32', arch: 'x64' };
const EXE = FOREIGN_HEADERS['win32-x64 PE'];

/** What checkBinary concludes before running a file, with the version it would then print. */
const proveByHeader: Prove = async (path, options) => {
  const mismatch = platformMismatch(executableFormat(await readHead(path)), options.platform!);
  return mismatch ? { ok: false, path, problem: 'wrong-platform', detail: `cannot run on this machine: ${mismatch}` } : { ok: true, path, version: '1.52.0' };
};

function project() {
  const root = tempDir('stripe-hooks-win32-');
  const home = join(root, 'home');
  const cwd = join(root, 'app');
  mkdirSync(cwd, { recursive: true });
  writeFile(join(cwd, 'package-lock.json'), '{}', 0o644);
  return { root, home, cwd };
}

describe('locating stripe.exe (platform win32 passed in)', () => {
  it('on PATH: stripe.exe is found, a `stripe` in an earlier PATH directory is not', async () => {
    const { root, home, cwd } = project();
    writeStandIn(join(root, 'linux-bin', 'stripe'), '9.9.9');
    const exe = writeFile(join(root, 'win-bin', 'stripe.exe'), EXE);
    const result = await findStripeCli({ cwd, env: { HOME: home, PATH: `${join(root, 'linux-bin')}:${join(root, 'win-bin')}` }, platform: win32, prove: proveByHeader });
    expect(result).toEqual({ found: { path: exe, source: 'PATH', version: '1.52.0' }, broken: [], explicit: false });
  });

  it("in the project's node_modules: @stripe/cli-win32-x64/bin/stripe.exe", async () => {
    const { home, cwd } = project();
    writeStandIn(join(cwd, 'node_modules', '@stripe', 'cli-linux-x64', 'bin', 'stripe'), '9.9.9');
    const exe = writeFile(join(cwd, 'node_modules', '@stripe', 'cli-win32-x64', 'bin', 'stripe.exe'), EXE);
    const result = await findStripeCli({ cwd, env: { HOME: home, PATH: '' }, platform: win32, prove: proveByHeader });
    expect(result.found).toEqual({ path: exe, source: 'node_modules', version: '1.52.0' });
  });

  it('in the cache: <cache>/<version>/stripe.exe, where a Windows install puts it', async () => {
    const { home, cwd } = project();
    const env = { HOME: home, PATH: '' };
    const exe = cachedBinary(cacheRoot(env), '1.52.0', win32);
    expect(exe).toBe(join(home, '.cache', 'stripe-hooks', 'stripe-cli', '1.52.0', 'stripe.exe'));
    writeStandIn(join(cacheRoot(env), '1.53.0', 'stripe'), '1.53.0'); // a Linux install's: not a candidate here
    writeFile(exe, EXE);
    const result = await findStripeCli({ cwd, env, platform: win32, prove: proveByHeader });
    expect(result.found).toEqual({ path: exe, source: 'cache', version: '1.52.0' });
  });

  it('a stripe.exe that is a Linux program is skipped as built for another platform', async () => {
    const { root, home, cwd } = project();
    const elf = writeFile(join(root, 'bin', 'stripe.exe'), FOREIGN_HEADERS['linux-arm64 ELF']);
    const result = await findStripeCli({ cwd, env: { HOME: home, PATH: join(root, 'bin') }, platform: win32, prove: proveByHeader });
    expect(result.found).toBeUndefined();
    expect(result.broken).toEqual([{ path: elf, source: 'PATH', problem: 'wrong-platform', detail: 'cannot run on this machine: it is built for linux-arm64, this machine is win32-x64' }]);
  });
});
