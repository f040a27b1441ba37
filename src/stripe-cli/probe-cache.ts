/**
 * What running a Stripe CLI binary has proven about it — its `version`, and the
 * fixtures its `stripe trigger --help` lists — kept on disk so later runs skip
 * those child processes (~100 ms each). An entry belongs to one file exactly:
 * its real path, size, mtime, ctime, inode and device. Any change to the file
 * (replaced, rebuilt, chmod) makes it a stranger, proven again from scratch.
 * Best effort throughout: an unreadable, corrupt or foreign entry is a miss, and
 * a failed write is ignored. Only successes are kept; a failure is never cached.
 */
import { createHash } from 'node:crypto';
import { mkdir, readFile, realpath, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { cacheRoot } from '../installer/cache.js';
import { checkBinary, type BinaryCheck, type CheckOptions } from './version.js';

/** Everything that changes when the file at a path is no longer the one that was proven. */
export interface BinaryIdentity {
  path: string;
  size: number;
  mtimeMs: number;
  ctimeMs: number;
  ino: number;
  dev: number;
}

export interface Probes {
  version?: string;
  triggerable?: string[];
}

const VERSION = /^\d+\.\d+\.\d+\S*$/;
const FIXTURE = /^[a-z0-9_]+(\.[a-z0-9_]+)+$/;

/** The binary's identity, or undefined when it cannot be read (then nothing is cached for it). */
export async function binaryIdentity(path: string): Promise<BinaryIdentity | undefined> {
  try {
    const real = await realpath(path);
    const { size, mtimeMs, ctimeMs, ino, dev } = await stat(real);
    return { path: real, size, mtimeMs, ctimeMs, ino, dev };
  } catch {
    return undefined;
  }
}

export function identityKey(identity: BinaryIdentity): string {
  return JSON.stringify(identity);
}

/** One file per binary, under the tool's cache dir (beside its `stripe-cli/` installs). */
export function probeFile(env: NodeJS.ProcessEnv, identity: BinaryIdentity): string {
  const name = createHash('sha256').update(identity.path).digest('hex').slice(0, 32);
  return join(dirname(cacheRoot(env)), 'probes', `${name}.json`);
}

function parseEntry(text: string, identity: BinaryIdentity): Probes {
  const entry = JSON.parse(text) as { binary?: unknown; version?: unknown; triggerable?: unknown } | null;
  if (typeof entry !== 'object' || entry === null || JSON.stringify(entry.binary) !== identityKey(identity)) return {};
  const probes: Probes = {};
  if (typeof entry.version === 'string' && VERSION.test(entry.version)) probes.version = entry.version;
  const list = entry.triggerable;
  if (Array.isArray(list) && list.length > 0 && list.every((name) => typeof name === 'string' && FIXTURE.test(name))) {
    probes.triggerable = list as string[];
  }
  return probes;
}

/** What is known about exactly this file: {} when nothing is (or the entry is unreadable, corrupt or stale). */
export async function readProbes(env: NodeJS.ProcessEnv, identity: BinaryIdentity): Promise<Probes> {
  try {
    return parseEntry(await readFile(probeFile(env, identity), 'utf8'), identity);
  } catch {
    return {};
  }
}

// Writes to one entry are chained in this process, so the version and the fixture list, proven
// concurrently, are merged rather than one overwriting the other.
const writes = new Map<string, Promise<void>>();

/** Adds `probes` to the file's entry: written to a temp file, then renamed over it, so readers never see half. */
export function saveProbes(env: NodeJS.ProcessEnv, identity: BinaryIdentity, probes: Probes): Promise<void> {
  const file = probeFile(env, identity);
  const write = async () => {
    const entry = { binary: identity, ...(await readProbes(env, identity)), ...probes };
    const temp = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
    try {
      await mkdir(dirname(file), { recursive: true });
      await writeFile(temp, JSON.stringify(entry) + '\n');
      await rename(temp, file);
    } catch {
      await rm(temp, { force: true }).catch(() => {});
    }
  };
  const next = (writes.get(file) ?? Promise.resolve()).then(write);
  writes.set(file, next);
  return next;
}

/**
 * `checkBinary`, skipped when this very file has passed it before. For commands
 * that use the Stripe CLI; `setup` proves the binary for real every time.
 */
export async function checkBinaryCached(path: string, options: CheckOptions): Promise<BinaryCheck> {
  const identity = await binaryIdentity(path);
  const known = identity && (await readProbes(options.env, identity)).version;
  if (known) return { ok: true, path, version: known };
  const result = await checkBinary(path, options);
  // Under the identity taken before the run: if the file changed meanwhile, the entry just never matches.
  if (result.ok && identity) await saveProbes(options.env, identity, { version: result.version });
  return result;
}
