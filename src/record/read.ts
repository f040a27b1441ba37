/**
 * Reading a recording (format.ts) for a replay: the whole file is checked line by
 * line before anything is sent, so a bad line stops the run with nothing half-done.
 * Memory stays bounded for big recordings: each event keeps only its id, type and
 * where its line lies in the file; its body is read back when it is sent.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open, stat, type FileHandle } from 'node:fs/promises';
import { basename, relative, resolve } from 'node:path';
import { UsageError } from '../errors.js';
import type { EventType } from '../flows/event-types.js';
import type { Flow } from '../flows/types.js';
import { lineText, MAX_EVENT_BYTES, parseRecordingLine, RECORDING_VERSION, type RecordedEvent } from './format.js';

/** One recorded event, without its body. */
export interface RecordingEntry {
  id: string;
  type: string;
  /** The event's own livemode: a replay recorded with --record keeps --live's rule. */
  livemode: boolean;
  /** 1-based line number in the file. */
  line: number;
  /** Where the line's bytes start, and how many there are (newline excluded). */
  offset: number;
  length: number;
  /** The checked bytes' digest: a line rewritten before it is sent (same id and length or not) is refused. */
  hash: string;
}

export interface Recording {
  /** The path as given, relative to the cwd when inside it (for messages). */
  shown: string;
  /** The file's name: a replay's (and a recording-as-flow's) name. */
  name: string;
  path: string;
  /** Each event once, in the order the events arrived (each run's `seq`; file order for files without it). */
  entries: RecordingEntry[];
  /**
   * Later lines repeating an id already seen (Stripe's retries of one event, recorded each time): left out,
   * as a replay sends each event once (--duplicate sends each twice).
   */
  redeliveries: number;
  /** The number of a last line cut short (a recording killed while writing it): left out. */
  torn?: number;
}

const HINT = `a recording is NDJSON v${RECORDING_VERSION}, one event a line, as \`stripe-hooks listen --record FILE\` writes it`;

/** Shows `file` relative to `cwd` when it lies inside it. */
export function shownPath(file: string, cwd: string): string {
  const path = resolve(cwd, file);
  const rel = relative(cwd, path);
  return rel === '' || rel.startsWith('..') ? path : rel;
}

/** SHA-256 (its first 128 bits): about 7 µs for a 3 KiB line, 20 ms for the longest, next to parsing it. */
const digest = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest().toString('base64', 0, 16);

const tooLong = (shown: string, line: number) =>
  new UsageError(`${shown}:${line}: the line is longer than ${MAX_EVENT_BYTES >> 20} MiB, the largest event stripe-hooks records`, { hint: 'remove that line: no Stripe event is that large' });

interface Line {
  /** The line's bytes, without `\n` or a trailing `\r`. */
  bytes: Buffer;
  line: number;
  offset: number;
  terminated: boolean;
}

/**
 * Every line of a file with its 1-based number and byte offset. A line over MAX_EVENT_BYTES stops the read as
 * its bytes arrive, before they are joined or decoded.
 */
async function* linesOf(path: string, shown: string): AsyncGenerator<Line> {
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let offset = 0; // of the current line's first byte
  let line = 1;
  const emit = (tail: Buffer, terminated = true): Line => {
    const bytes = pending.length === 0 ? tail : Buffer.concat([...pending, tail]);
    pending = [];
    pendingBytes = 0;
    return { bytes: bytes.at(-1) === 0x0d ? bytes.subarray(0, -1) : bytes, line, offset, terminated };
  };
  for await (const chunk of createReadStream(path) as AsyncIterable<Buffer>) {
    let start = 0;
    for (let newline = chunk.indexOf(0x0a); newline !== -1; newline = chunk.indexOf(0x0a, start)) {
      if (pendingBytes + (newline - start) > MAX_EVENT_BYTES + 1) throw tooLong(shown, line); // + 1: a `\r`
      const next = offset + pendingBytes + (newline - start) + 1;
      yield emit(chunk.subarray(start, newline));
      offset = next;
      line++;
      start = newline + 1;
    }
    if (start < chunk.length) {
      pendingBytes += chunk.length - start;
      if (pendingBytes > MAX_EVENT_BYTES + 1) throw tooLong(shown, line);
      pending.push(chunk.subarray(start));
    }
  }
  if (pendingBytes > 0) yield emit(Buffer.alloc(0), false); // a last line without a newline
}

async function assertFile(path: string, shown: string): Promise<void> {
  let isFile: boolean;
  try {
    isFile = (await stat(path)).isFile();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new UsageError(`recording ${shown} not found`, { hint: 'check the path (record one with `stripe-hooks listen --record FILE`)' });
    throw new UsageError(`cannot read ${shown} (${code ?? String(error)})`, { hint: 'check the path and its permissions' });
  }
  if (!isFile) throw new UsageError(`${shown} is a directory, not a recording`, { hint: 'pass the .ndjson file `listen --record` wrote' });
}

/** Reads and checks a whole recording; any bad line is a UsageError naming `file:line` and what is wrong. */
export async function readRecording(file: string, cwd: string): Promise<Recording> {
  const path = resolve(cwd, file);
  const shown = shownPath(file, cwd);
  await assertFile(path, shown);
  const lines: Array<RecordingEntry & { order: number }> = [];
  // A recording has few distinct types: one string each, not one per event.
  const types = new Map<string, string>();
  // Lines are written as answers come; `seq` is arrival order within a run, and runs follow one another.
  const runs = new Map<string | undefined, number>();
  let torn: number | undefined;
  for await (const { bytes, line, offset, terminated } of linesOf(path, shown)) {
    let event;
    try {
      const text = lineText(bytes);
      if (text.trim() === '') continue;
      event = parseRecordingLine(text);
    } catch (error) {
      // A last line without its newline that does not parse: the write a kill cut short (see writer.ts).
      if (!terminated) {
        torn = line;
        continue;
      }
      throw new UsageError(`${shown}:${line}: ${(error as Error).message}`, { hint: HINT });
    }
    let type = types.get(event.type);
    if (type === undefined) types.set(event.type, (type = event.type));
    let run = runs.get(event.run);
    if (run === undefined) runs.set(event.run, (run = runs.size));
    // Runs apart by 2^32 arrivals; a line without seq keeps its place in the file.
    lines.push({ id: event.id, type, livemode: event.livemode, line, offset, length: bytes.length, hash: digest(bytes), order: run * 2 ** 32 + (event.seq ?? lines.length) });
  }
  lines.sort((a, b) => a.order - b.order || a.line - b.line);
  const entries: RecordingEntry[] = [];
  const seen = new Set<string>();
  let redeliveries = 0;
  for (const { order: _order, ...entry } of lines) {
    if (seen.has(entry.id)) redeliveries++;
    else entries.push(entry);
    seen.add(entry.id);
  }
  if (entries.length === 0) throw new UsageError(`recording ${shown} has no events`, { hint: HINT });
  return { shown, name: basename(path), path, entries, redeliveries, ...(torn !== undefined && { torn }) };
}

/** Whether `text` (a file's start) is a recording: its first non-blank line parses as a recording line. */
export function looksLikeRecording(text: string): boolean {
  for (let start = 0; start < text.length; ) {
    const end = text.indexOf('\n', start);
    const line = text.slice(start, end === -1 ? text.length : end);
    if (line.trim() !== '') {
      try {
        parseRecordingLine(line);
        return true;
      } catch {
        return false;
      }
    }
    if (end === -1) break;
    start = end + 1;
  }
  return false;
}

/** Reads recorded bodies back by position, one open file for the whole replay. */
export interface BodyReader {
  body(entry: RecordingEntry): Promise<string>;
  /** The whole line, parsed (`inspect FILE` shows its headers and answer too). */
  line(entry: RecordingEntry): Promise<RecordedEvent>;
  close(): Promise<void>;
}

export async function openBodies(recording: Pick<Recording, 'path' | 'shown'>): Promise<BodyReader> {
  const handle: FileHandle = await open(recording.path, 'r');
  const line = async (entry: RecordingEntry): Promise<RecordedEvent> => {
    const bytes = Buffer.alloc(entry.length);
    const { bytesRead } = await handle.read(bytes, 0, entry.length, entry.offset);
    // The file was checked before the replay began; a line that changed since is not sent, whatever changed.
    try {
      if (bytesRead !== entry.length) throw new Error('the file is shorter than when it was checked');
      if (digest(bytes) !== entry.hash) throw new Error('its bytes are not those checked');
      return parseRecordingLine(lineText(bytes));
    } catch (error) {
      throw new UsageError(`${recording.shown}:${entry.line} changed during the replay: ${(error as Error).message}`, { hint: 'replay a recording nothing is writing to' });
    }
  };
  return {
    body: async (entry) => (await line(entry)).body,
    line,
    close: () => handle.close(),
  };
}

/**
 * A recording's events as a flow: one step per entry, in recorded order, named after the file. Recorded types
 * may be newer than this SDK's list; the runner compares them only as strings.
 */
export function recordingAsFlow(recording: Recording, entries: readonly RecordingEntry[], description: string): Flow {
  return { name: recording.name, description, steps: entries.map((entry) => ({ event: entry.type as EventType })), source: recording.shown, recording: true };
}
