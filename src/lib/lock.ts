/**
 * A lock file beside the file it guards (`<file>.lock`), holding its owner's
 * pid: one writer at a time across processes. It is written aside and then
 * linked into place, so it never exists without its pid (link fails if the lock
 * exists, and follows no symlink there). A lock whose pid is gone (its writer
 * was killed with -9) is stale and taken over. Used by --record (one writer per
 * recording: a second is refused at once) and by .env writes (each waits its turn).
 */
import { randomBytes } from 'node:crypto';
import { closeSync, constants, fstatSync, linkSync, lstatSync, openSync, readSync, unlinkSync, writeFileSync, type Stats } from 'node:fs';
import { setTimeout as delay } from 'node:timers/promises';

export interface Lock {
  release(): void;
}

/** The lock, or who holds it: a live pid, or undefined when it kept changing hands or could not be taken over. */
export type Attempt = Lock | { holder: number | undefined };

/**
 * Takes `lockPath` now, or says who holds it. Errors other than "it exists" (a directory we cannot add files to)
 * are thrown for the caller to word.
 */
export function tryLock(lockPath: string): Attempt {
  for (let attempt = 0; attempt < 5; attempt++) {
    try {
      link(lockPath);
      return held(lockPath);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const holder = liveHolder(lockPath);
    if (holder !== undefined) return { holder };
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

/**
 * The live pid holding the lock; undefined once the lock is gone, or was stale (its pid dead, no pid, a planted
 * symlink) and has been removed, so the caller tries again.
 */
function liveHolder(lockPath: string): number | undefined {
  let fd: number;
  try {
    fd = openSync(lockPath, constants.O_RDONLY | constants.O_NOFOLLOW);
  } catch (error) {
    // A symlink is no lock of ours: unlink removes the link itself, never what it points to.
    if ((error as NodeJS.ErrnoException).code === 'ELOOP') removeIf(lockPath, (stats) => stats.isSymbolicLink());
    return undefined; // or gone meanwhile
  }
  try {
    const buffer = Buffer.alloc(32);
    const pid = Number.parseInt(buffer.subarray(0, readSync(fd, buffer)).toString('utf8'), 10);
    if (Number.isSafeInteger(pid) && pid > 0 && alive(pid)) return pid;
    // Stale. Removed only if the name still points at the file read: another writer may have replaced it since
    // (the open descriptor keeps this inode from being reused by that new lock).
    const { ino } = fstatSync(fd);
    removeIf(lockPath, (stats) => stats.ino === ino);
    return undefined;
  } finally {
    closeSync(fd);
  }
}

function removeIf(path: string, test: (stats: Stats) => boolean): void {
  try {
    if (test(lstatSync(path))) unlinkSync(path);
  } catch {
    // gone already: the next attempt sees who has it now
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
