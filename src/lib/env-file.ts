/**
 * Writes one KEY=value into a dotenv file without disturbing anything else:
 * every other line and comment stays byte for byte, an existing key is replaced
 * in place (never duplicated), a new file is created 0600, and the write is
 * atomic (temp file in the same directory + rename) so a crash never leaves a
 * half-written file. A symlinked file is written through to its target. Writers
 * take turns (a lock beside the target, lib/lock.ts): each reads, changes and
 * renames while no other does, so no writer's key is lost to another's rename.
 * Reading uses dotenv's own parser, so values read the way the app's dotenv reads them.
 */
import { randomBytes } from 'node:crypto';
import { constants, promises as fs } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { parse } from 'dotenv';
import { EnvironmentError, UsageError } from '../errors.js';
import { waitForLock, type Lock } from './lock.js';

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

export function validateEnvKey(key: string): void {
  if (!NAME.test(key)) {
    throw new UsageError(`--env-key "${key}" is not a valid variable name`, { hint: 'use letters, digits and _, e.g. STRIPE_WEBHOOK_SECRET' });
  }
}

/**
 * A value we may write unquoted on one line. A newline or control character would
 * let whoever chose the value (an API answer, a flag) add lines of their own, such
 * as NODE_OPTIONS=…; quotes, `#` and spaces would be read back differently.
 */
export function validateEnvValue(key: string, value: string): void {
  // eslint-disable-next-line no-control-regex -- control characters are exactly what is refused
  if (/[\x00-\x1f\x7f]/.test(value)) {
    throw new UsageError(`refusing to write ${key}: its value contains a newline or control character`, {
      hint: 'nothing was written; the value did not come from Stripe as expected',
    });
  }
  if (/^\s|\s$|["'`#\\]/.test(value)) {
    throw new UsageError(`refusing to write ${key}: its value has quotes, #, a backslash or edge spaces`, {
      hint: 'nothing was written; set it in the file by hand',
    });
  }
}

/** Where a quoted value that opens on this line and does not close on it ends (dotenv multiline values). */
function multilineEnd(lines: readonly string[], start: number, rest: string): number {
  const quote = /^\s*(["'`])/.exec(rest)?.[1];
  if (!quote || rest.trim().slice(1).includes(quote)) return start;
  for (let i = start + 1; i < lines.length; i++) if (lines[i]!.includes(quote)) return i;
  return start;
}

/** Pure: returns the new file text with `key` set to `value`. */
/** Refuses early (exit 3) when the file's directory is missing or read-only; `note` adds to the hint. */
export async function assertWritableDirectory(file: string, note?: string): Promise<void> {
  try {
    await fs.access(dirname(file), constants.W_OK);
  } catch (error) {
    throw new EnvironmentError(`cannot write ${file}: its directory is missing or read-only`, {
      hint: `create the directory first${note ? `; ${note}` : ''}`,
      cause: error,
    });
  }
}

export function setEnvValue(text: string, key: string, value: string): string {
  validateEnvValue(key, value);
  const assignment = `${key}=${value}`;
  const pattern = new RegExp(`^(\\s*(?:export\\s+)?)${key}\\s*=(.*)$`);
  const lines = text.split('\n');
  let found = false;
  const updated: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const match = pattern.exec(line.replace(/\r$/, ''));
    if (!match) {
      updated.push(line);
      continue;
    }
    if (!found) {
      found = true;
      updated.push(match[1] + assignment + (line.endsWith('\r') ? '\r' : ''));
    } // later duplicates of the key are dropped: a second definition would shadow ours
    i = multilineEnd(lines, i, match[2]!); // the old value's other lines go with it
  }
  if (found) return updated.join('\n');
  const body = text === '' || text.endsWith('\n') ? text : text + '\n';
  return `${body}${assignment}\n`;
}

/** Reads a value from dotenv text as dotenv does: comments, quotes, `export`, multiline values. */
export function getEnvValue(text: string, key: string): string | undefined {
  return parse(text)[key];
}

/** The file a write lands in: a symlinked .env is written through to its target, the link kept. */
async function writeTarget(path: string): Promise<string> {
  try {
    return await fs.realpath(path);
  } catch {
    // Missing, or a link to a file not created yet: follow the link by hand, once.
    const link = await fs.readlink(path).catch(() => undefined);
    return link === undefined ? path : resolve(dirname(path), link);
  }
}

/** How long a write waits for another writer of the same file (each takes milliseconds). */
const LOCK_WAIT_MS = 10_000;

export async function writeEnvValue(shownPath: string, key: string, value: string): Promise<{ created: boolean }> {
  validateEnvKey(key);
  validateEnvValue(key, value);
  const path = await writeTarget(shownPath);
  const lock = await lockEnv(path);
  try {
    return await writeLocked(path, key, value);
  } finally {
    lock.release();
  }
}

async function lockEnv(path: string): Promise<Lock> {
  const lockPath = `${path}.lock`;
  let attempt;
  try {
    attempt = await waitForLock(lockPath, LOCK_WAIT_MS);
  } catch (error) {
    throw fileError(path, error);
  }
  if ('release' in attempt) return attempt;
  const who = attempt.holder === undefined ? 'a lock that cannot be taken over' : `another writer (pid ${attempt.holder})`;
  throw new EnvironmentError(`cannot write ${path}: ${who} has held ${lockPath} for over ${LOCK_WAIT_MS / 1000} s`, {
    hint: `nothing was written; remove ${lockPath} if nothing is writing to it`,
  });
}

async function writeLocked(path: string, key: string, value: string): Promise<{ created: boolean }> {
  let existing = '';
  let mode = 0o600;
  let created = true;
  try {
    existing = await fs.readFile(path, 'utf8');
    mode = (await fs.stat(path)).mode & 0o777;
    created = false;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw fileError(path, error);
  }
  const temp = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  await clearStaleTemps(path);
  try {
    await fs.writeFile(temp, setEnvValue(existing, key, value), { mode, flag: 'wx' });
    await fs.chmod(temp, mode); // the umask may have narrowed it
    await fs.rename(temp, path);
  } catch (error) {
    await fs.rm(temp, { force: true });
    throw fileError(path, error);
  }
  return { created };
}

/** How old another write's temp file must be before it counts as abandoned (a live write takes milliseconds). */
const STALE_TEMP_MS = 60_000;

/**
 * A write killed between its temp file and the rename (kill -9, power loss) leaves that temp file, secret inside,
 * beside the .env. The next write removes such leftovers; young ones may belong to a write still in progress.
 */
async function clearStaleTemps(path: string, now = Date.now()): Promise<void> {
  const dir = dirname(path);
  const temp = new RegExp(`^\\.${basename(path).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\.[0-9a-f]{12}\\.tmp$`);
  const names = await fs.readdir(dir).catch(() => [] as string[]);
  for (const name of names.filter((candidate) => temp.test(candidate))) {
    const stats = await fs.stat(join(dir, name)).catch(() => undefined);
    if (stats && now - stats.mtimeMs > STALE_TEMP_MS) await fs.rm(join(dir, name), { force: true });
  }
}

function fileError(path: string, error: unknown): EnvironmentError {
  const code = (error as NodeJS.ErrnoException).code ?? 'error';
  return new EnvironmentError(`cannot write ${path} (${code})`, {
    hint: 'check the directory exists and is writable',
    cause: error,
  });
}
