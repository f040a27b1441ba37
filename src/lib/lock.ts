/**
 * A lock file beside the file it guards (`<file>.lock`), holding its owner's
 * pid: one writer at a time across processes. It is written aside and then
 * linked into place, so it never exists without its pid (link fails if the lock
 * exists, and follows no symlink there). A lock whose pid is gone (its writer
 * was killed with -9) is stale and taken over. Used by --record (one writer per
 * recording: a second is refused at once) and by .env writes (each waits its turn).
 */
import { randomBytes } from 'node:crypto';
import { closeSync, constants, fstatSync, linkSync, lstatSync, openSync, readSync, unlinkSync, writeFileSync } from 'node:fs';
import { setTimeout as delay } from 'node:timers/promises';

export interface Lock {
  release(): void;
}

/** The lock, or who holds it: a live pid, or undefined when a stale lock could not be taken over. */
export type Attempt = Lock | { holder: number | undefined };

/**
 * Takes `lockPath` now, or says who holds it. Errors other than "it exists" (a directory we cannot add files to)
 * are thrown for the caller to word.
 */
export function tryLock(lockPath: string): Attempt {
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      link(lockPath);
      return held(lockPath);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const holder = lockHolder(lockPath);
    if (holder?.pid !== undefined && alive(holder.pid)) return { holder: holder.pid };
    // Stale (or not a lock at all: no pid, a symlink). Removed only if it is still the file we judged, as another
    // process may have taken it over meanwhile; unlink removes a symlink itself, never what it points to.
    try {
      if (holder && lstatSync(lockPath).ino === holder.ino) unlinkSync(lockPath);
    } catch {
      // gone already: the next attempt sees who has it now
    }
  }
  return { holder: undefined };
}

/** Waits for the lock, trying again every few milliseconds; who holds it when `waitMs` passed first. */
export async function waitForLock(lockPath: string, waitMs: number): Promise<Attempt> {
  const deadline = Date.now() + waitMs;
  for (let pause = 2; ; pause = Math.min(pause * 2, 50)) {
    const attempt = tryLock(lockPath);
    if ('release' in attempt || Date.now() >= deadline) return attempt;
    await delay(pause * (0.5 + Math.random())); // jittered, so waiting writers do not retry in step
  }
}

function held(lockPath: string): Lock {
  let released = false;
  return {
    release() {
      if (released) return;
      released = true;
      try {
        unlinkSync(lockPath);
      } catch {
        // already gone: nothing to release
      }
    },
  };
}

/** The lock appears whole, pid included. The aside name is new (`wx`), so no symlink planted there is followed. */
function link(lockPath: string): void {
  const aside = `${lockPath}.${process.pid}.${randomBytes(4).toString('hex')}`;
  writeFileSync(aside, `${process.pid}\n`, { mode: 0o600, flag: 'wx' });
  try {
    linkSync(aside, lockPath);
  } finally {
    unlinkSync(aside);
  }
}

/** The lock's inode and the pid in it (none when it is not a regular file holding one); undefined when it is gone. */
function lockHolder(lockPath: string): { pid: number | undefined; ino: number } | undefined {
  let fd: number | undefined;
  try {
    fd = openSync(lockPath, constants.O_RDONLY | constants.O_NOFOLLOW);
    const buffer = Buffer.alloc(32);
    const pid = Number.parseInt(buffer.subarray(0, readSync(fd, buffer)).toString('utf8'), 10);
    return { pid: Number.isSafeInteger(pid) && pid > 0 ? pid : undefined, ino: fstatSync(fd).ino };
  } catch {
    // A symlink (ELOOP), or gone meanwhile
    const stats = lstatOrUndefined(lockPath);
    return stats && { pid: undefined, ino: stats.ino };
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

function lstatOrUndefined(path: string) {
  try {
    return lstatSync(path);
  } catch {
    return undefined;
  }
}

function alive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'; // exists, owned by someone else
  }
}
