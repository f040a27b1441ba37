/**
 * The node_modules walk stops at the project root: a `stripe` above it (in a
 * node_modules, or a node_modules/.bin that `npm run` put on PATH) is never run,
 * not even asked for its version. Real directories and stand-in scripts that
 * leave a trace when they run.
 */
import { chmodSync, existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findStripeCli } from '../../src/stripe-cli/locate.js';
import { projectRoot } from '../../src/stripe-cli/project-root.js';
import { tempDir } from '../support/cli.js';
import { writeFile, writeStandIn } from '../support/stand-ins.js';

const platform = { os: 'linux' as const, arch: 'x64' };
const PACKAGE_BIN = join('node_modules', '@stripe', 'cli-linux-x64', 'bin', 'stripe');

/** A stand-in that answers `version` and leaves `<its dir>/ran` behind: proof that it was run. */
function tracedStandIn(path: string, version: string): string {
  const ran = join(path, '..', 'ran');
  return writeFile(path, `#!/bin/sh\ntouch '${ran}'\necho "stripe version ${version}"\n`);
}
const ran = (binary: string) => existsSync(join(binary, '..', 'ran'));

/** A tree under a fresh temp dir: each path ending in `/` a directory, others files with the given text. */
function tree(files: Record<string, string>): string {
  const root = tempDir('stripe-hooks-root-');
  for (const [path, text] of Object.entries(files)) {
    if (path.endsWith('/')) mkdirSync(join(root, path), { recursive: true });
    else writeFile(join(root, path), text, 0o644);
  }
  return root;
}

/**
 * A tree meant to have no package.json above it: shared (mode 0777, as /tmp is) so the walk ends there, whatever
 * lies above the temp dir (TMPDIR may be under a project with a package.json of its own).
 */
function bareTree(files: Record<string, string>): string {
  const root = tree(files);
  chmodSync(root, 0o777);
  return root;
}

const locate = (cwd: string, PATH = '') => findStripeCli({ cwd, env: { HOME: tempDir(), PATH }, platform });

describe('a binary above the project root is never run', () => {
  it('in the node_modules of a directory above the project (its package.json marks the root)', async () => {
    const top = tree({ 'app/package.json': '{"name":"app"}', 'app/src/': '' });
    const foreign = tracedStandIn(join(top, PACKAGE_BIN), '6.6.6');
    expect(await locate(join(top, 'app', 'src'))).toEqual({ broken: [], explicit: false });
    expect(ran(foreign)).toBe(false);
  });

  it('in a node_modules/.bin above the root that `npm run` put on PATH; the project\'s own .bin still counts', async () => {
    const top = tree({ 'app/package-lock.json': '{}', 'app/package.json': '{}' });
    const foreign = tracedStandIn(join(top, 'node_modules', '.bin', 'stripe'), '6.6.6');
    const app = join(top, 'app');
    const PATH = [join(app, 'node_modules', '.bin'), join(top, 'node_modules', '.bin')].join(':');
    expect(await locate(app, PATH)).toEqual({ broken: [], explicit: false });
    expect(ran(foreign)).toBe(false);

    const own = writeStandIn(join(app, 'node_modules', '.bin', 'stripe'), '1.0.7');
    expect((await locate(app, PATH)).found).toEqual({ path: own, source: 'PATH', version: '1.0.7' });
  });

  it('without any package.json only cwd\'s own node_modules is searched', async () => {
    const top = bareTree({ 'a/b/': '' });
    const foreign = tracedStandIn(join(top, 'a', PACKAGE_BIN), '6.6.6');
    expect(await locate(join(top, 'a', 'b'))).toEqual({ broken: [], explicit: false });
    expect(ran(foreign)).toBe(false);
    const own = writeStandIn(join(top, 'a', 'b', PACKAGE_BIN), '1.0.8');
    expect((await locate(join(top, 'a', 'b'))).found).toEqual({ path: own, source: 'node_modules', version: '1.0.8' });
  });

  it('a package.json without workspaces above the nearest one is not the root', async () => {
    const top = tree({ 'package.json': '{"name":"outer"}', 'app/package.json': '{"name":"app"}', 'app/src/': '' });
    const foreign = tracedStandIn(join(top, PACKAGE_BIN), '6.6.6');
    expect(await locate(join(top, 'app', 'src'))).toEqual({ broken: [], explicit: false });
    expect(ran(foreign)).toBe(false);
    const own = writeStandIn(join(top, 'app', PACKAGE_BIN), '1.0.9');
    expect((await locate(join(top, 'app', 'src'))).found).toEqual({ path: own, source: 'node_modules', version: '1.0.9' });
  });

  it('a lockfile planted in a world-writable directory (like /tmp) does not make it a project root', async () => {
    const top = tree({ 'yarn.lock': '', 'app/package.json': '{}' });
    chmodSync(top, 0o777);
    const foreign = tracedStandIn(join(top, PACKAGE_BIN), '6.6.6');
    expect(await projectRoot(join(top, 'app'))).toBe(join(top, 'app'));
    expect(await locate(join(top, 'app'))).toEqual({ broken: [], explicit: false });
    expect(ran(foreign)).toBe(false);
  });
});

describe('the project root', () => {
  it.each([
    'package-lock.json',
    'npm-shrinkwrap.json',
    'yarn.lock',
    'pnpm-lock.yaml',
    'bun.lock',
    'bun.lockb',
    'pnpm-workspace.yaml',
    '.git',
    '.git/',
  ])('a package inside a repository marked by %s finds the root\'s node_modules', async (marker) => {
    const top = tree({ [marker]: 'gitdir: elsewhere', 'packages/app/package.json': '{"name":"app"}' });
    const binary = writeStandIn(join(top, PACKAGE_BIN), '1.1.0');
    const cwd = join(top, 'packages', 'app');
    expect(await projectRoot(cwd)).toBe(top);
    expect((await locate(cwd)).found).toEqual({ path: binary, source: 'node_modules', version: '1.1.0' });
  });

  it.each([
    ['an array', '["packages/*"]'],
    ['an object (yarn)', '{"packages":["packages/*"]}'],
  ])('a workspace root (workspaces as %s) is found from a package inside it', async (_kind, workspaces) => {
    const top = tree({ 'package.json': `{"workspaces":${workspaces}}`, 'packages/app/package.json': '{}', 'packages/app/src/': '' });
    const binary = writeStandIn(join(top, PACKAGE_BIN), '1.1.1');
    const cwd = join(top, 'packages', 'app', 'src');
    expect(await projectRoot(cwd)).toBe(top);
    expect((await locate(cwd)).found).toEqual({ path: binary, source: 'node_modules', version: '1.1.1' });
  });

  it('the nearest marker wins; an invalid package.json declares nothing', async () => {
    const top = tree({ '.git/': '', 'inner/yarn.lock': '', 'inner/app/package.json': '{ not json', 'other/package.json': '{ not json' });
    expect(await projectRoot(join(top, 'inner', 'app'))).toBe(join(top, 'inner'));
    expect(await projectRoot(join(top, 'other'))).toBe(top);
    expect(await projectRoot(top)).toBe(top);
  });

  it('with no marker, the nearest package.json; with none, cwd', async () => {
    const top = tree({ 'package.json': '{}', 'app/package.json': '{}', 'app/a/b/': '', 'plain/x/': '' });
    expect(await projectRoot(join(top, 'app', 'a', 'b'))).toBe(join(top, 'app'));
    const bare = bareTree({ 'x/y/': '' });
    expect(await projectRoot(join(bare, 'x', 'y'))).toBe(join(bare, 'x', 'y'));
  });
});
