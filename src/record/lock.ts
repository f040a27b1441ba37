/**
 * One writer per recording: `FILE.lock`, created exclusively and holding the
 * writer's pid, is taken before the file is opened and removed on close. Two
 * runs appending to one file would interleave their lines and the second would
 * cut the first's line in progress (writer.ts drops a last line without its
 * newline), so the second run is refused instead. A lock whose pid is gone (a
 * writer killed with -9) is stale and taken over.
 */
import { randomBytes } from 'node:crypto';
import { closeSync, constants, linkSync, openSync, readSync, unlinkSync, writeSync } from 'node:fs';
import { UsageError } from '../errors.js';

export interface RecordingLock {
  release(): void;
}

export function lockRecording(path: string): RecordingLock {
  const lockPath = `${path}.lock`;
  for (let attempt = 0; ; attempt++) {
    try {
      takeLock(lockPath);
      let held = true;
      return {
        release() {
          if (!held) return;
          held = false;
          try {
            unlinkSync(lockPath);
          } catch {
            // already gone: nothing to release
          }
        },
      };
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== 'EEXIST') return { release() {} }; // a directory we cannot add files to: openRecorder says why
      const holder = lockHolder(lockPath, path);
      if (holder !== undefined && alive(holder)) {
        throw new UsageError(`--record ${path}: another stripe-hooks run (pid ${holder}) is recording to it`, {
          hint: 'stop that run first, or record to another file',
        });
      }
      if (attempt > 0) throw new UsageError(`--record ${path}: its lock ${lockPath} cannot be taken over`, { hint: `remove ${lockPath} if no run is recording` });
      try {
        unlinkSync(lockPath); // stale: its writer is gone
      } catch {
        // another run took it over first: the next attempt sees its pid
      }
    }
  }
}

/**
 * The lock appears whole, pid included (written aside, then linked: link fails if the lock exists). The aside
 * name is unguessable and opened O_EXCL | O_NOFOLLOW, so a link planted there cannot redirect the write.
 */
function takeLock(lockPath: string): void {
  const aside = `${lockPath}.${process.pid}.${randomBytes(6).toString('hex')}`;
  const { O_WRONLY, O_CREAT, O_EXCL, O_NOFOLLOW } = constants;
  const fd = openSync(aside, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW, 0o600);
  try {
    writeSync(fd, `${process.pid}\n`);
  } finally {
    closeSync(fd);
  }
  try {
    linkSync(aside, lockPath);
  } finally {
    unlinkSync(aside);
  }
}

/** The pid in the lock; a planted symbolic link is refused rather than read through (or waited on: O_NONBLOCK). */
function lockHolder(lockPath: string, path: string): number | undefined {
  let fd: number;
  try {
    fd = openSync(lockPath, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ELOOP') return undefined;
    throw new UsageError(`--record ${path}: its lock ${lockPath} is a symbolic link, not a lock stripe-hooks wrote`, { hint: `remove ${lockPath}, or record to another file` });
  }
  try {
    const text = Buffer.alloc(32);
    const pid = Number.parseInt(text.toString('latin1', 0, readSync(fd, text, 0, text.length, 0)), 10);
    return Number.isSafeInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  } finally {
    closeSync(fd);
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
