/**
 * `replay` output: what is about to be sent (stderr), the dry-run table, and notes on
 * the recording. The report, progress bar and secret warnings are trigger-flow
 * --offline's (ui/trigger-flow-offline.ts).
 */
import { shown } from '../lib/sanitize.js';
import type { ReplayPreview } from '../run/replay.js';
import type { Output } from './output.js';
import { table } from './table.js';
import { plural } from '../lib/plural.js';

/** Recorded redeliveries and a cut-short last line left out, and the shuffle's seed: said before anything is sent. */
export function renderReplayStart(out: Output, settings: { count: number; shown: string; url: URL; thinUrl?: URL; redeliveries: number; torn?: number; seed?: number }): void {
  const { count, shown, url, thinUrl, redeliveries, torn, seed } = settings;
  if (torn !== undefined) out.warn(`${shown}:${torn} is cut short (the recording was killed while writing it): left out`);
  if (redeliveries > 0) {
    out.note(`${plural(redeliveries, 'recorded redelivery', 'recorded redeliveries')} of an event already in ${shown} left out: each event is sent once (--duplicate sends each twice)`);
  }
  const to = thinUrl === undefined ? url.href : `${url.href} (thin events to ${thinUrl.href})`;
  out.note(`replaying ${plural(count, 'event')} from ${shown} to ${to}${seed === undefined ? '' : `, shuffled (--seed ${seed} repeats this order)`}`);
}

/** What would be sent, in order, as a table (or the JSON object). */
export function renderReplayPreview(out: Output, preview: ReplayPreview & { record?: string }): void {
  if (out.json) return out.data(preview);
  // With two destinations, each event's is a column of its own.
  const split = preview.events.some((event) => event.url !== preview.forwardTo);
  const where = split ? `${preview.forwardTo} (thin events to ${preview.thinTo})` : preview.forwardTo;
  out.line(`POST ${where}, re-signed, ${preview.copies === 2 ? 'each twice' : 'one at a time'}:`);
  const rows = preview.events.map((event, i) => [String(i + 1), shown(event.type), shown(event.id), String(event.line), ...(split ? [shown(event.url)] : [])]);
  out.line(table(['#', 'event', 'evt id', 'line', ...(split ? ['to'] : [])], rows));
  out.line(out.c.dim(`dry run: nothing sent${preview.seed === undefined ? '' : ` (shuffled with --seed ${preview.seed})`}`));
  if (preview.record !== undefined) out.line(out.c.dim(`# every delivery is appended to ${preview.record} (--record)`));
}
