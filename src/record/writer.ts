/**
 * The recorder behind `--record FILE`: one line (format.ts) per event the relay
 * delivered, appended with a single write of the whole line to a file opened
 * O_APPEND, so nothing waits in memory and a kill -9 can cut at most the line
 * being written (Linux stops a write at a page boundary for SIGKILL): that
 * line has no newline; readers skip it, and the next --record drops it.
 *
 * Lines are written as answers come, each with this run's id and the event's
 * arrival number (`seq`), so readers restore arrival order; events still in
 * flight when a run ends are written too (answer.failure "interrupted"), by the
 * relay as it closes. One writer per file (lock.ts).
 *
 * Policy, decided here once for listen and trigger-flow:
 * - The file is created 0600. An existing one is appended to only when it is a
 *   recording (its first line parses; a last line cut short is dropped); if others may read
 *   it, it is tightened to 0600 (fchmod on the open fd) and the caller is told:
 *   a recording holds customer data.
 * - Livemode events are not written unless `live`; the caller counts and warns.
 * - No secret of ours is written: a header whose value looks like a Stripe key or
 *   signing secret is left out, and an event whose line would still hold a secret
 *   we know (the API key, a session's signing secret) is not written at all: the
 *   body is Stripe's bytes and is never altered.
 */
import { randomBytes } from 'node:crypto';
import { closeSync, constants, existsSync, fchmodSync, fstatSync, ftruncateSync, openSync, readlinkSync, readSync, unlinkSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { UsageError } from '../errors.js';
import { CLI_NAMES, type OptionName } from '../lib/option-name.js';
import { findSecrets } from '../lib/secrets.js';
import { MAX_EVENT_BYTES, parseRecordingLine, recordingLine, type RecordedAnswer } from './format.js';
import { lockRecording } from './lock.js';

/** One request the relay forwarded and the app's answer, as the relay hands it over. */
export interface RecordEntry {
  /** Arrival order in this run (the relay's), from 0. */
  seq?: number;
  receivedAt: number;
  /** The request body decoded as UTF-8; undefined when the bytes are not UTF-8 (then it cannot be kept byte-exact). */
  body: string | undefined;
  headers: Record<string, string | string[] | undefined>;
  /** Where it was sent. */
  url?: string;
  /** The event's facts, read from the body; absent when it is not a Stripe event. */
  livemode?: boolean;
  id?: string;
  type?: string;
  answer: RecordedAnswer;
}

/**
 * What became of one entry ('not-event': not a Stripe event in UTF-8 JSON, a line no replay could read;
 * 'too-large': its line would be over MAX_EVENT_BYTES, which readers refuse).
 */
export type RecordOutcome = 'recorded' | 'livemode' | 'secret' | 'not-event' | 'too-large' | 'failed';

export interface RecordSummary {
  path: string;
  recorded: number;
  /** Livemode events not written (no --live). */
  livemodeSkipped: number;
  /** Requests not written for another reason: a secret of ours in them, not a Stripe event, a failed write. */
  notRecorded: number;
  /** Why writing stopped (the disk is full, …), when it did. */
  error?: string;
}

export interface Recorder {
  readonly path: string;
  /** The file existed with broader permissions and was tightened to 0600. */
  readonly tightened: boolean;
  /** Bytes of a cut-short last line (an earlier recording killed while writing it) dropped before appending. */
  readonly cut: number;
  /** Never write this value (a secret learnt during the run, e.g. a session's signing secret). */
  forbid(secret: string | undefined): void;
  write(entry: RecordEntry): RecordOutcome;
  summary(): RecordSummary;
  /** Closes the file; with `discard`, removes it when this recorder created it and wrote nothing (a run that never started). */
  close(options?: { discard?: boolean }): void;
}

export interface RecorderOptions {
  /** Write livemode events too (--live). */
  live: boolean;
  /** Values that must never reach the file (the API key). */
  secrets?: readonly (string | undefined)[];
  /** The option that named the file, for messages: --record (the default), or the library's `record`. */
  option?: OptionName;
}

/** Opens (creating, 0600) or reopens a recording for appending; a path that cannot be one is a UsageError. */
export function openRecorder(path: string, options: RecorderOptions): Recorder {
  const option = options.option ?? CLI_NAMES.record;
  const lock = lockRecording(path, option);
  let file;
  try {
    file = openFile(path, option);
  } catch (error) {
    lock.release();
    throw error;
  }
  const { fd, created, tightened, cut } = file;
  const run = randomBytes(4).toString('hex');
  const forbidden = new Set<string>();
  const summary: RecordSummary = { path, recorded: 0, livemodeSkipped: 0, notRecorded: 0 };
  let open = true;
  const recorder: Recorder = {
    path,
    tightened,
    cut,
    forbid: (secret) => void (secret && forbidden.add(secret)),
    write(entry) {
      const outcome = writeEntry(entry);
      if (outcome === 'recorded') summary.recorded += 1;
      else if (outcome === 'livemode') summary.livemodeSkipped += 1;
      else summary.notRecorded += 1;
      return outcome;
    },
    summary: () => ({ ...summary }),
    close({ discard = false } = {}) {
      if (!open) return;
      open = false;
      closeSync(fd);
      if (discard && created && summary.recorded === 0) unlinkSync(path);
      lock.release();
    },
  };
  for (const secret of options.secrets ?? []) recorder.forbid(secret);

  function writeEntry(entry: RecordEntry): RecordOutcome {
    if (entry.livemode === true && !options.live) return 'livemode';
    if (entry.body === undefined || !entry.id?.startsWith('evt_') || !entry.type) return 'not-event';
    if (!open || summary.error !== undefined) return 'failed';
    const line = recordingLine({ ...entry, run, body: entry.body, headers: withoutSecrets(entry.headers) });
    for (const secret of forbidden) if (line.includes(secret)) return 'secret';
    const bytes = Buffer.from(line, 'utf8');
    if (bytes.length > MAX_EVENT_BYTES + 1) return 'too-large'; // + 1: the newline
    try {
      writeWhole(fd, bytes);
      return 'recorded';
    } catch (error) {
      summary.error = `cannot write to ${path}: ${(error as Error).message}`;
      return 'failed';
    }
  }
  return recorder;
}

/** One write call for the whole line; a short write (rare on a regular file) is finished by the next. */
function writeWhole(fd: number, bytes: Buffer): void {
  for (let done = 0; done < bytes.length; ) done += writeSync(fd, bytes, done);
}

/** The headers without any whose value looks like a Stripe key or signing secret (e.g. one a --header added). */
function withoutSecrets(headers: RecordEntry['headers']): RecordEntry['headers'] {
  const kept: RecordEntry['headers'] = {};
  for (const [name, value] of Object.entries(headers)) {
    const text = Array.isArray(value) ? value.join(', ') : (value ?? '');
    if (findSecrets(text, 1).next().done) kept[name] = value;
  }
  return kept;
}

function openFile(path: string, option: OptionName): { fd: number; created: boolean; tightened: boolean; cut: number } {
  // O_NOFOLLOW: a link planted at the path (a shared /tmp) must not send customer data to its target.
  const { O_WRONLY, O_RDWR, O_APPEND, O_CREAT, O_EXCL, O_NOFOLLOW } = constants;
  try {
    return { fd: openSync(path, O_WRONLY | O_APPEND | O_CREAT | O_EXCL | O_NOFOLLOW, 0o600), created: true, tightened: false, cut: 0 };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw openError(path, error, option);
  }
  let fd: number;
  try {
    fd = openSync(path, O_RDWR | O_APPEND | O_NOFOLLOW);
  } catch (error) {
    throw openError(path, error, option);
  }
  try {
    return { fd, created: false, ...checkExisting(fd, path, option) };
  } catch (error) {
    closeSync(fd);
    throw error;
  }
}

/**
 * Only a file that is ours alone is appended to: another user who owns it (or a hard link's other name) could
 * read the customer data we add, and running as root (CI) must not write into a file someone planted.
 */
function assertOwn(stat: { isFile(): boolean; uid: number; nlink: number }, path: string, option: OptionName): void {
  if (!stat.isFile()) throw new UsageError(`${option.name} ${path} is not a regular file`, { hint: `name a file, e.g. ${option.example('events.ndjson')}` });
  const euid = process.geteuid?.();
  if (euid !== undefined && stat.uid !== euid) {
    throw new UsageError(`${option.name} ${path} belongs to another user (uid ${stat.uid}), who could read what is recorded`, { hint: 'name a new file, in a directory only you can write to' });
  }
  if (stat.nlink !== 1) {
    throw new UsageError(`${option.name} ${path} has ${stat.nlink} hard links: the recording could be read through another name`, { hint: 'name a new file' });
  }
}

/**
 * An existing file must be a recording we may append to. A last line without its newline is one a kill cut
 * short: Linux ends a write at a page boundary when SIGKILL arrives, so a line longer than a page (4 KiB) can
 * be torn even though it was one write call. It is dropped, so the new lines follow whole ones. Returns whether
 * the mode was tightened to 0600, and how many bytes were cut.
 */
function checkExisting(fd: number, path: string, option: OptionName): { tightened: boolean; cut: number } {
  const stat = fstatSync(fd);
  let cut = 0;
  assertOwn(stat, path, option);
  if (stat.size > 0) {
    // The first line may be as long as any (up to the cap), newline included.
    const head = Buffer.alloc(Math.min(stat.size, MAX_EVENT_BYTES + 1));
    readSync(fd, head, 0, head.length, 0);
    const newline = head.indexOf(10);
    let recording = newline > 0;
    try {
      if (recording) parseRecordingLine(head.subarray(0, newline).toString('utf8'));
    } catch {
      recording = false;
    }
    if (!recording) throw new UsageError(`${option.name} ${path} exists and is not a stripe-hooks recording`, { hint: 'name a new file, or an earlier recording to append to' });
    const end = lastNewline(fd, stat.size) + 1;
    if (end < stat.size) ftruncateSync(fd, end);
    cut = stat.size - end;
  }
  if ((stat.mode & 0o077) === 0) return { tightened: false, cut };
  try {
    fchmodSync(fd, 0o600);
  } catch {
    throw new UsageError(`${option.name} ${path} is readable by others (mode ${(stat.mode & 0o777).toString(8)}) and cannot be made private`, { hint: `run chmod 600 ${path}, or name a new file` });
  }
  return { tightened: true, cut };
}

/** The offset of the file's last newline (there is one: the first line ends in it), read backwards in chunks. */
function lastNewline(fd: number, size: number): number {
  const chunk = Buffer.alloc(64 * 1024);
  for (let end = size; end > 0; ) {
    const start = Math.max(0, end - chunk.length);
    readSync(fd, chunk, 0, end - start, start);
    const at = chunk.subarray(0, end - start).lastIndexOf(10);
    if (at !== -1) return start + at;
    end = start;
  }
  return -1;
}

function openError(path: string, error: unknown, option: OptionName): UsageError {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ELOOP') return linkError(path, option);
  if (code === 'ENOENT') return new UsageError(`${option.name} ${path}: the directory ${dirname(path)} does not exist`, { hint: `create it first (mkdir -p ${dirname(path)}), or name a file in an existing directory` });
  if (code === 'EISDIR') return new UsageError(`${option.name} ${path} is a directory`, { hint: `name a file, e.g. ${option.example(`${path.replace(/\/+$/, '')}/events.ndjson`)}` });
  if (code === 'EACCES' || code === 'EPERM') return new UsageError(`${option.name} ${path}: no permission to write there`, { hint: 'name a file in a directory you can write to' });
  if (code === 'ENOTDIR') return new UsageError(`${option.name} ${path}: a part of the path is not a directory`, { hint: 'name a file in an existing directory' });
  return new UsageError(`${option.name} ${path}: cannot open it (${code ?? String(error)})`, { hint: 'name a file in a directory you can write to' });
}

/** The path is a symbolic link (O_NOFOLLOW refused it): say where it points, and whether that exists. */
function linkError(path: string, option: OptionName): UsageError {
  let target = '?';
  let dangling = false;
  try {
    target = readlinkSync(path);
    dangling = !existsSync(path); // follows the link
  } catch {
    // gone or not a link any more: the message still says what was refused
  }
  return new UsageError(`${option.name} ${path} is a symbolic link (to ${target}${dangling ? ', which does not exist' : ''}); ${option.name} never follows one`, {
    hint: 'name the file itself, or a new file',
  });
}
