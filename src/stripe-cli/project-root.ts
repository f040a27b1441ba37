/**
 * The project root: how far up from cwd locate may look for a `node_modules`.
 * A `stripe` in a node_modules above the project (e.g. /tmp/node_modules when the
 * project is /tmp/app) belongs to someone else and must never run.
 *
 * The root is the nearest directory, cwd included, with a lockfile, a `.git` or a
 * workspace declaration (so a package inside a monorepo reaches the workspace
 * root's node_modules); with none, the directory of the nearest package.json; with
 * no package.json either, cwd itself.
 */
import { readFile, stat } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';

const LOCKFILES = ['package-lock.json', 'npm-shrinkwrap.json', 'yarn.lock', 'pnpm-lock.yaml', 'bun.lock', 'bun.lockb'];
// pnpm declares its workspaces in this file, not in a `workspaces` field.
const MARKERS = [...LOCKFILES, '.git', 'pnpm-workspace.yaml'];

async function exists(path: string): Promise<boolean> {
  return (await stat(path).catch(() => undefined)) !== undefined;
}

/** Anyone may write here (/tmp, /var/tmp): a marker planted in such a directory names nobody's project. */
async function isShared(dir: string): Promise<boolean> {
  if (process.platform === 'win32') return false; // mode bits say nothing there
  return (((await stat(dir).catch(() => undefined))?.mode ?? 0) & 0o002) !== 0;
}

async function declaresWorkspaces(packageJson: string): Promise<boolean> {
  try {
    const parsed: unknown = JSON.parse(await readFile(packageJson, 'utf8'));
    return typeof parsed === 'object' && parsed !== null && (parsed as { workspaces?: unknown }).workspaces != null;
  } catch {
    return false; // an unreadable or invalid package.json declares nothing
  }
}

async function isMarked(dir: string): Promise<boolean> {
  for (const marker of MARKERS) if (await exists(join(dir, marker))) return true;
  return declaresWorkspaces(join(dir, 'package.json'));
}

/** The project root for `cwd` (always cwd or one of its ancestors). */
export async function projectRoot(cwd: string): Promise<string> {
  const start = resolve(cwd);
  let nearestPackage: string | undefined;
  for (let dir = start; ; dir = dirname(dir)) {
    if (dir !== start && (await isShared(dir))) break;
    if (await isMarked(dir)) return dir;
    if (nearestPackage === undefined && (await exists(join(dir, 'package.json')))) nearestPackage = dir;
    if (dirname(dir) === dir) break;
  }
  return nearestPackage ?? start;
}

/** cwd, then each parent up to and including `root`. */
export function* upTo(cwd: string, root: string): Generator<string> {
  for (let dir = resolve(cwd); ; dir = dirname(dir)) {
    yield dir;
    if (dir === root || dirname(dir) === dir) return;
  }
}
