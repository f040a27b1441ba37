/**
 * `stripe-hooks inspect FILE`: a recording shown in the inspector, read and checked whole first (record/read.ts:
 * file:line errors, Stripe's retries of one event kept once, arrival order), with no Stripe CLI and no network.
 * Replays from it need an app URL and a secret, as `replay` does.
 */
import { openBodies, readRecording } from '../record/read.js';
import { createSender } from './actions.js';
import { recordedItem, type InspectItem, type Known } from './item.js';
import { writeReportHtml } from './report-html.js';
import { startInspector, type Inspector } from './server.js';

export interface RecordingInspectorOptions {
  file: string;
  cwd: string;
  limit?: number;
  known: Known;
  /** --forward-to and the secret: both, or replays are refused saying what is missing. */
  send?: { forwardTo: string; secret: string };
}

export async function inspectRecording(options: RecordingInspectorOptions): Promise<{ inspector: Inspector; shown: string; count: number; close(): Promise<void> }> {
  const recording = await readRecording(options.file, options.cwd);
  const sender = options.send && createSender(options.send.secret, options.known, options.send.forwardTo);
  const inspector = await startInspector({ mode: 'inspect', limit: options.limit, sender: () => sender });
  const bodies = await openBodies(recording);
  try {
    let seq = 0;
    for (const entry of recording.entries) inspector.add(recordedItem(await bodies.line(entry), seq++, sender?.known ?? options.known));
  } finally {
    await bodies.close();
  }
  return {
    inspector,
    shown: recording.shown,
    count: recording.entries.length,
    close: async () => {
      sender?.engine.close();
      await inspector.close();
    },
  };
}

/** `inspect FILE --report-html OUT`: the recording's items, built and masked as the page gets them, written as one page. */
export async function reportRecording(options: { file: string; cwd: string; known: Known; out: string }): Promise<{ shown: string; count: number }> {
  const recording = await readRecording(options.file, options.cwd);
  const bodies = await openBodies(recording);
  const items: InspectItem[] = [];
  try {
    for (const entry of recording.entries) items.push(recordedItem(await bodies.line(entry), items.length, options.known).item);
  } finally {
    await bodies.close();
  }
  await writeReportHtml(options.out, { mode: 'inspect', items });
  return { shown: recording.shown, count: items.length };
}
