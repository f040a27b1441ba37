/**
 * `replay FILE`: a recording's events, chosen (--only, --since) and sent again
 * through the offline runner: one run whose steps are the recorded events, each
 * body re-signed with a fresh timestamp and sent byte for byte. --duplicate,
 * --shuffle, --continue-on-error and progress are the offline runner's.
 */
import { UsageError } from '../errors.js';
import { flag, type OptionName } from '../lib/option-name.js';
import type { Flow } from '../flows/types.js';
import { isEventGlob, matchesGlob } from '../lib/glob.js';
import { auditSampleOf, type AuditSample } from '../offline/audit.js';
import { openBodies, recordingAsFlow, type Recording, type RecordingEntry } from '../record/read.js';
import type { EventSource } from './offline-driver.js';
import { deliveryOrder, runOfflineFlow, type OfflineRunOptions } from './offline-runner.js';
import type { FlowReport } from './report.js';

export interface ReplaySelection {
  /** Event-type globs (`invoice.*`): only events matching one are sent. */
  only?: string[];
  /** An event id: send from that event on, inclusive. */
  since?: string;
}

/** `--only 'invoice.*,charge.refunded'` → its globs; a UsageError when one is not a glob. */
export function parseOnly(value: string): string[] {
  const globs = value.split(',').map((glob) => glob.trim()).filter(Boolean);
  const hint = "e.g. --only 'invoice.*,charge.refunded' (`*` matches any characters, dots included)";
  if (globs.length === 0) throw new UsageError('--only is empty', { hint });
  const bad = globs.find((glob) => !isEventGlob(glob));
  if (bad !== undefined) throw new UsageError(`--only "${bad}" is not an event-type glob (letters, digits, _ . and *)`, { hint });
  return globs;
}

/**
 * The recorded events a replay sends, in recorded order; a UsageError when the selection names what is not there,
 * naming the options as the caller's surface does (`names`: the CLI's flags by default).
 */
export function selectEvents(recording: Recording, selection: ReplaySelection, names: Record<'only' | 'since', OptionName> = { only: flag('--only'), since: flag('--since') }): RecordingEntry[] {
  let entries = recording.entries;
  if (selection.since !== undefined) {
    const from = entries.findIndex((entry) => entry.id === selection.since);
    if (from === -1) {
      throw new UsageError(`${names.since.name} ${selection.since}: no such event in ${recording.shown}`, {
        hint: `give the id of ${entries.length === 1 ? 'its one event' : `one of its ${entries.length} events`} (\`replay ${recording.shown} --dry-run\` lists them)`,
      });
    }
    entries = entries.slice(from);
  }
  const { only } = selection;
  if (only) entries = entries.filter((entry) => only.some((glob) => matchesGlob(glob, entry.type)));
  if (entries.length === 0) {
    throw new UsageError(`${names.only.name} ${only!.join(',')} matches none of the events ${selection.since ? `from ${selection.since} on ` : ''}in ${recording.shown}`, {
      hint: '`replay FILE --dry-run` lists its events and their types',
    });
  }
  return entries;
}

/** The replay as a flow: one step per recorded event, named after the file. */
export function replayFlow(recording: Recording, entries: readonly RecordingEntry[]): Flow {
  return recordingAsFlow(recording, entries, `the events recorded in ${recording.shown}`);
}

/** The recording's first chosen event, parsed: the audit's sample. Read before the replay, so a bad one stops it before anything is sent. */
export async function auditSample(recording: Recording, entries: readonly RecordingEntry[]): Promise<{ event: AuditSample; from: string }> {
  const reader = await openBodies(recording);
  const entry = entries[0]!;
  try {
    return { event: auditSampleOf(await reader.body(entry)), from: `the first event sent, ${recording.shown}:${entry.line}` };
  } catch (error) {
    if (error instanceof UsageError) throw error;
    throw new UsageError(`${recording.shown}:${entry.line}: ${(error as Error).message}`, { hint: 'audit with another event: --since or --only choose the first one sent' });
  } finally {
    await reader.close();
  }
}

export interface ReplayRunOptions extends Omit<OfflineRunOptions, 'flow' | 'source' | 'repeat' | 'concurrency' | 'apiVersion'> {
  recording: Recording;
  entries: readonly RecordingEntry[];
}

export async function runReplay({ recording, entries, ...options }: ReplayRunOptions): Promise<FlowReport> {
  const reader = await openBodies(recording);
  // One instance: its step `index` is the entry's; the body is read from the file when it is sent.
  const events = {
    take: async (index: number) => {
      const entry = entries[index]!;
      return { id: entry.id, type: entry.type, body: await reader.body(entry), livemode: entry.livemode, thin: entry.thin };
    },
  };
  const source: EventSource = () => events;
  try {
    const report = await runOfflineFlow({ ...options, flow: replayFlow(recording, entries), source });
    return { ...report, mode: 'replay' };
  } finally {
    await reader.close();
  }
}

/** Also the --json shape of `replay --dry-run`. */
export interface ReplayPreview {
  flow: string;
  mode: 'replay';
  forwardTo: string;
  /** Where thin events go (--thin-to), when given. */
  thinTo?: string;
  /** 2 with --duplicate. */
  copies: number;
  /** Set with --shuffle: the order's seed. */
  seed?: number;
  /** `url`: where it would be sent (--thin-to for a thin event, when given). */
  events: { id: string; type: string; line: number; url: string }[];
}

export function replayPreview(recording: Recording, entries: readonly RecordingEntry[], settings: { url: URL; thinUrl?: URL; copies: number; shuffle: boolean; seed: number }): ReplayPreview {
  const order = deliveryOrder(entries.length, settings.seed, 0, settings.shuffle);
  const { url, thinUrl } = settings;
  return {
    flow: recording.name,
    mode: 'replay',
    forwardTo: url.href,
    ...(thinUrl && { thinTo: thinUrl.href }),
    copies: settings.copies,
    ...(settings.shuffle && { seed: settings.seed }),
    events: order.map((i) => {
      const { id, type, line, thin } = entries[i]!;
      return { id, type, line, url: (thin && thinUrl ? thinUrl : url).href };
    }),
  };
}
