// Shared by the reliability scripts: the built CLI as a child process, the test harness's helpers
// (compiled to .bench/ as the benchmarks do), and the /proc look-ups that find leftover processes.
import { readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { execa } from 'execa';
import { benchSource, loadFakeStripe, root, stripeBin } from '../bench/lib/measure.js';

export { benchSource, root, stripeBin };
export const bin = join(root, 'bin', 'stripe-hooks.js');

/** A test-mode key the fake Stripe accepts (the harness's TEST_API_KEY). */
export const testKey = 'sk_test_stripehooks_harness_key';

/** The harness modules the categories use, compiled from test/support/ by tsconfig.bench.json. */
export async function loadSupport() {
  const startFakeStripe = await loadFakeStripe();
  const from = (name) => import(join(root, '.bench', 'test', 'support', `${name}.js`));
  const [cli, lines, receiver, release, tar, action, hostile, terminal] = await Promise.all(
    ['cli', 'lines', 'receiver', 'release-server', 'tar', 'action-runner', 'hostile', 'hostile-terminal'].map(from),
  );
  const { releaseAssets } = await import(benchSource('installer/platform'));
  return {
    action,
    hostile,
    terminal,
    startFakeStripe,
    startReceiver: receiver.startReceiver,
    sandbox: cli.sandbox,
    tempDir: cli.tempDir,
    startReleaseServer: release.startReleaseServer,
    checksumsFile: release.checksumsFile,
    releaseAssets,
    buildTarGz: tar.buildTarGz,
    standInStripe: tar.standInStripe,
    watchLines: lines.watchLines,
  };
}

/**
 * `stripe-hooks …args` in a sandbox (temp HOME and cwd, clean env), the way the e2e tests run it;
 * never rejects. `--` ends node's own options (Node 20 would read a script's `--env-file`).
 */
export function runCli(args, { box, env = {} }) {
  return execa(process.execPath, ['--', bin, ...args], {
    cwd: box.cwd,
    env: { ...box.env, ...env },
    extendEnv: false,
    reject: false,
    stdin: 'ignore',
  });
}

/** Every live process whose environment has HOME=home: what a trial started, however it was reparented. */
export function processesWithHome(home) {
  const marker = `\0HOME=${home}\0`;
  const found = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const environ = `\0${readFileSync(`/proc/${name}/environ`, 'latin1')}`;
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const state = stat.slice(stat.lastIndexOf(')') + 2)[0];
      if (environ.includes(marker) && state !== 'Z') found.push({ pid: Number(name), comm: stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')) });
    } catch {
      // gone meanwhile, or not ours to read
    }
  }
  return found;
}

/**
 * Every file (with its size) and empty directory under dir, to tell whether a run wrote anything.
 * Left out: the probe cache stripe-hooks keeps by design (docs/trigger-flow.md#the-probe-cache) and the
 * config the Stripe CLI itself writes whenever it runs.
 */
export function snapshot(dir) {
  const entries = [];
  const walk = (path) => {
    const children = readdirSync(path, { withFileTypes: true });
    if (children.length === 0 && path !== dir) entries.push(`${relative(dir, path)}/`);
    for (const entry of children) {
      const full = join(path, entry.name);
      if (/^\.(cache\/stripe-hooks\/probes|config\/stripe)$/.test(relative(dir, full))) continue;
      if (entry.isDirectory()) walk(full);
      else entries.push(`${relative(dir, full)} ${statSync(full).size}`);
    }
  };
  walk(dir);
  return entries.sort().join('\n');
}

/** Removes temp directories a trial made (a sandbox's HOME and cwd, or any dir). */
export function remove(...dirs) {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
}

export const randomInt = (max) => Math.floor(Math.random() * (max + 1));
export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Runs `tasks` (functions returning promises) with at most `limit` in flight; results in order. */
export async function pool(limit, tasks) {
  const results = new Array(tasks.length);
  let next = 0;
  const worker = async () => {
    while (next < tasks.length) {
      const index = next++;
      results[index] = await tasks[index]();
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, tasks.length) }, worker));
  return results;
}
