/**
 * Locate order: each source wins over every later one, with stand-in scripts in
 * temp dirs (each reporting its own version, so the winner is unmistakable) and
 * the real Stripe CLI binary where it matters.
 */
import { existsSync, mkdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { EnvironmentError } from '../../src/errors.js';
import type { Environment } from '../../src/lib/environment.js';
import { CLI_NAMES, LIBRARY_NAMES } from '../../src/lib/option-name.js';
import { findStripeCli, requireStripeCli, type LocateInput } from '../../src/stripe-cli/locate.js';
import { reportStripeCli } from '../../src/ui/stripe-cli.js';
import { ROOT, STRIPE_BIN, tempDir } from '../support/cli.js';
import { writeFile, writeStandIn } from '../support/stand-ins.js';
import { capturedContext } from '../support/test-context.js';

interface World {
  home: string;
  cwd: string;
  flagBin: string;
  envBin: string;
  pathDir: string;
  project: string;
  input(overrides?: Partial<LocateInput>): LocateInput;
}

/** Every source populated, each with a stand-in of its own version. */
function world(): World {
  const root = tempDir('stripe-hooks-locate-');
  const home = join(root, 'home');
  const project = join(root, 'project');
  const cwd = join(project, 'packages', 'app');
  mkdirSync(cwd, { recursive: true });
  writeFile(join(project, 'package.json'), '{"workspaces":["packages/*"]}', 0o644); // the root the walk stops at
  const flagBin = writeStandIn(join(root, 'flag', 'stripe'), '1.0.1');
  const envBin = writeStandIn(join(root, 'env', 'stripe'), '1.0.2');
  const pathDir = join(root, 'bin');
  writeStandIn(join(pathDir, 'stripe'), '1.0.3');
  writeStandIn(join(project, 'node_modules', '@stripe', 'cli-linux-x64', 'bin', 'stripe'), '1.0.4');
  writeStandIn(join(home, '.cache', 'stripe-hooks', 'stripe-cli', '1.0.5', 'stripe'), '1.0.5');
  return {
    home,
    cwd,
    flagBin,
    envBin,
    pathDir,
    project,
    input: (overrides = {}) => ({
      cwd,
      env: { HOME: home, PATH: `${join(root, 'empty')}:${pathDir}`, STRIPE_HOOKS_STRIPE_BIN: envBin },
      stripeBin: flagBin,
      platform: { os: 'linux', arch: 'x64' },
      ...overrides,
    }),
  };
}

let w: World;
beforeEach(() => {
  w = world();
});

describe('locate order', () => {
  it('--stripe-bin wins over everything', async () => {
    const result = await findStripeCli(w.input());
    expect(result.found).toEqual({ path: w.flagBin, source: '--stripe-bin', version: '1.0.1' });
    expect(result.explicit).toBe(true);
  });

  it('STRIPE_HOOKS_STRIPE_BIN wins over PATH, node_modules and the cache', async () => {
    const result = await findStripeCli(w.input({ stripeBin: w.envBin }));
    expect(result.found).toEqual({ path: w.envBin, source: 'STRIPE_HOOKS_STRIPE_BIN', version: '1.0.2' });
  });

  it('`stripe` on PATH wins over node_modules and the cache', async () => {
    const result = await findStripeCli(w.input({ stripeBin: undefined }));
    expect(result.found).toEqual({ path: join(w.pathDir, 'stripe'), source: 'PATH', version: '1.0.3' });
    expect(result.explicit).toBe(false);
  });

  it("the project's node_modules (found walking up from cwd to the project root) wins over the cache", async () => {
    const result = await findStripeCli(w.input({ stripeBin: undefined, env: { HOME: w.home, PATH: '' } }));
    expect(result.found).toMatchObject({ source: 'node_modules', version: '1.0.4' });
    expect(result.found!.path).toBe(join(w.project, 'node_modules', '@stripe', 'cli-linux-x64', 'bin', 'stripe'));
  });

  it('the cache comes last', async () => {
    const result = await findStripeCli({ cwd: w.home, env: { HOME: w.home, PATH: '' } });
    expect(result.found).toEqual({ path: join(w.home, '.cache', 'stripe-hooks', 'stripe-cli', '1.0.5', 'stripe'), source: 'cache', version: '1.0.5' });
  });

  it('XDG_CACHE_HOME moves the cache', async () => {
    const xdg = tempDir();
    writeStandIn(join(xdg, 'stripe-hooks', 'stripe-cli', '2.0.0', 'stripe'), '2.0.0');
    const result = await findStripeCli({ cwd: w.home, env: { HOME: w.home, PATH: '', XDG_CACHE_HOME: xdg } });
    expect(result.found).toMatchObject({ source: 'cache', version: '2.0.0' });
  });

  it('in the cache: the preferred version, else the newest (numerically, not as text)', async () => {
    const cache = join(w.home, '.cache', 'stripe-hooks', 'stripe-cli');
    writeStandIn(join(cache, '1.10.0', 'stripe'), '1.10.0');
    writeStandIn(join(cache, '1.9.0', 'stripe'), '1.9.0');
    mkdirSync(join(cache, '.staging-9.9.9-abc'), { recursive: true }); // an interrupted install is never used
    writeStandIn(join(cache, '.staging-9.9.9-abc', 'stripe'), '9.9.9');
    const env = { HOME: w.home, PATH: '' };
    expect((await findStripeCli({ cwd: w.home, env })).found?.version).toBe('1.10.0');
    expect((await findStripeCli({ cwd: w.home, env, preferredVersion: '1.9.0' })).found?.version).toBe('1.9.0');
  });

  it('nothing anywhere: not found, nothing broken', async () => {
    const empty = tempDir();
    expect(await findStripeCli({ cwd: empty, env: { HOME: empty, PATH: '' } })).toEqual({ broken: [], explicit: false });
  });

  it('finds the real binary in this repository\'s node_modules from a nested cwd', async () => {
    const result = await findStripeCli({ cwd: join(ROOT, 'test', 'unit'), env: { HOME: tempDir(), PATH: '' } });
    expect(result.found).toEqual({ path: STRIPE_BIN, source: 'node_modules', version: '1.52.0' });
  });

  it("finds the binary of a non-hoisted @stripe/cli, and of the wrapper's postinstall fallback (vendor/bin)", async () => {
    const env = { HOME: tempDir(), PATH: '' };
    const nestedProject = tempDir();
    const nested = join(nestedProject, 'node_modules', '@stripe', 'cli', 'node_modules', '@stripe', 'cli-linux-x64', 'bin', 'stripe');
    writeStandIn(nested, '1.0.6');
    expect((await findStripeCli({ cwd: nestedProject, env })).found).toEqual({ path: nested, source: 'node_modules', version: '1.0.6' });

    const vendorProject = tempDir();
    const vendor = join(vendorProject, 'node_modules', '@stripe', 'cli', 'vendor', 'bin', 'stripe');
    mkdirSync(join(vendor, '..'), { recursive: true });
    symlinkSync(STRIPE_BIN, vendor);
    expect((await findStripeCli({ cwd: vendorProject, env })).found).toEqual({ path: vendor, source: 'node_modules', version: '1.52.0' });
  });

  it('runs `version` with a throw-away HOME: checking never writes the user\'s Stripe config', async () => {
    const home = tempDir();
    const result = await findStripeCli({ cwd: home, env: { HOME: home, XDG_CONFIG_HOME: join(home, '.config'), PATH: '' }, stripeBin: STRIPE_BIN });
    expect(result.found?.version).toBe('1.52.0');
    expect(existsSync(join(home, '.config'))).toBe(false);
  });
});

describe('broken candidates', () => {
  it('an explicit binary that is broken is reported, not replaced by the working ones behind it', async () => {
    writeFile(w.flagBin, '#!/bin/sh\necho "stripe version 1.0.1"\n', 0o644);
    const result = await findStripeCli(w.input());
    expect(result.found).toBeUndefined();
    expect(result.broken).toEqual([{ path: w.flagBin, source: '--stripe-bin', problem: 'not-executable', detail: 'is not executable' }]);
  });

  it('an implicit broken one is skipped (and reported) for the next source', async () => {
    writeFile(join(w.pathDir, 'stripe'), '#!/bin/sh\nexit 7\n');
    const result = await findStripeCli(w.input({ stripeBin: undefined }));
    expect(result.found).toMatchObject({ source: 'node_modules', version: '1.0.4' });
    expect(result.broken).toEqual([
      { path: join(w.pathDir, 'stripe'), source: 'PATH', problem: 'fails', detail: '`version` exited with code 7' },
    ]);
  });
});

describe('requireStripeCli (for listen and trigger-flow)', () => {
  /** Plain data, no terminal: core gets nothing it could print with. */
  const environment = (cwd: string, env: NodeJS.ProcessEnv, stripeBin?: string): Environment => ({ cwd, env, stripeBin, names: CLI_NAMES, signal: new AbortController().signal });

  it('returns the located binary', async () => {
    const found = await requireStripeCli(environment(w.cwd, { HOME: w.home, PATH: w.pathDir }));
    expect(found).toEqual({ path: join(w.pathDir, 'stripe'), version: '1.0.3', source: 'PATH', warnings: [] });
  });

  it('returns the broken ones it skipped as warnings, which the command shows', async () => {
    writeFile(join(w.pathDir, 'stripe'), '#!/bin/sh\nexit 7\n');
    const found = await requireStripeCli(environment(w.cwd, { HOME: w.home, PATH: w.pathDir }));
    const warning = `skipped the Stripe CLI at ${join(w.pathDir, 'stripe')} (from PATH) \`version\` exited with code 7`;
    expect(found).toMatchObject({ source: 'node_modules', version: '1.0.4', warnings: [warning] });
    const ctx = capturedContext({ cwd: w.cwd, env: {} });
    reportStripeCli(ctx.out, found);
    expect(ctx.stderr()).toContain(warning);
  });

  it('throws "not found" with the setup hint, and installs nothing', async () => {
    const empty = tempDir();
    const error = await requireStripeCli(environment(empty, { HOME: empty, PATH: '' })).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(EnvironmentError);
    expect((error as EnvironmentError).message).toMatch(/^Stripe CLI not found/);
    expect((error as EnvironmentError).hint).toBe('run `stripe-hooks setup` to install it, or pass --stripe-bin');
    expect((error as EnvironmentError).exitCode).toBe(3);
    expect(existsSync(join(empty, '.cache'))).toBe(false);
  });

  it('names the option as the caller does: the library says stripeBin, never --stripe-bin', async () => {
    const empty = tempDir();
    const library = { ...environment(empty, { HOME: empty, PATH: '' }), names: LIBRARY_NAMES };
    expect(await requireStripeCli(library).catch((caught: unknown) => caught)).toMatchObject({ hint: 'run `stripe-hooks setup` to install it, or pass stripeBin' });
    const broken = requireStripeCli({ ...environment(w.cwd, { HOME: w.home, PATH: w.pathDir }, join(w.cwd, 'nope')), names: LIBRARY_NAMES });
    await expect(broken).rejects.toMatchObject({
      message: `the Stripe CLI at ${join(w.cwd, 'nope')} (from stripeBin) does not exist`,
      hint: expect.stringMatching(/^check the path given to stripeBin, /),
    });
  });

  it('throws the specific problem of an explicit broken binary', async () => {
    const found = requireStripeCli(environment(w.cwd, { HOME: w.home, PATH: w.pathDir }, join(w.cwd, 'nope')));
    await expect(found).rejects.toThrow(`the Stripe CLI at ${join(w.cwd, 'nope')} (from --stripe-bin) does not exist`);
  });
});
