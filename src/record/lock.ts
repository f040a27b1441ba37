/**
 * One writer per recording: `FILE.lock` (lib/lock.ts) is taken before the file
 * is opened and removed on close. Two runs appending to one file would
 * interleave their lines and the second would cut the first's line in progress
 * (writer.ts drops a last line without its newline), so the second run is
 * refused at once instead of waiting. A stale lock (its writer killed with -9)
 * is taken over.
 */
import { UsageError } from '../errors.js';
import { tryLock, type Lock } from '../lib/lock.js';
import { CLI_NAMES, type OptionName } from '../lib/option-name.js';

export type RecordingLock = Lock;

export function lockRecording(path: string, option: OptionName = CLI_NAMES.record): RecordingLock {
  const lockPath = `${path}.lock`;
  let attempt;
  try {
    attempt = tryLock(lockPath);
  } catch {
    return { release() {} }; // a directory we cannot add files to: openRecorder says why
  }
  if ('release' in attempt) return attempt;
  if (attempt.holder !== undefined) {
    throw new UsageError(`${option.name} ${path}: another stripe-hooks run (pid ${attempt.holder}) is recording to it`, {
      hint: 'stop that run first, or record to another file',
    });
  }
  throw new UsageError(`${option.name} ${path}: its lock ${lockPath} cannot be taken over`, { hint: `remove ${lockPath} if no run is recording` });
}
