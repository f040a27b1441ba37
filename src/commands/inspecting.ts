/**
 * --inspect for the commands that run and end (trigger-flow, replay): the tap started before the run, its URL
 * printed (and opened with --open), and once the run is over the page kept up until Ctrl+C, so what it showed
 * can still be looked at; the run's outcome is its exit code all the same. --report-html (alone or with --inspect)
 * writes the page as one file when the run ends, or fails.
 */
import type { Context } from '../context.js';
import { openBrowser } from '../inspect/open.js';
import { reportTarget } from '../inspect/report-html.js';
import type { InspectMode } from '../inspect/server.js';
import { startInspectTap, type InspectTap } from '../inspect/tap.js';
import { renderInspectorHeld, renderInspectorUrl } from '../ui/inspect.js';

export async function startRunInspector(mode: InspectMode, options: { inspect?: boolean; inspectLimit?: number; open?: boolean; reportHtml?: string }, ctx: Context, forwardTo?: string): Promise<InspectTap | undefined> {
  if (!options.inspect && options.reportHtml === undefined) return undefined;
  const reportHtml = options.reportHtml === undefined ? undefined : reportTarget(options.reportHtml, ctx.cwd);
  const tap = await startInspectTap({ mode, limit: options.inspectLimit, known: [ctx.apiKey ?? ''].filter(Boolean), forwardTo, serve: Boolean(options.inspect), reportHtml });
  if (!options.inspect) return tap;
  renderInspectorUrl(ctx.out, tap.inspector.url, ctx.json);
  if (options.open) openBrowser(tap.inspector.url, ctx.out.interactive);
  return tap;
}

/** Writes the --report-html file; with --inspect keeps the page up until Ctrl+C (or SIGTERM), then closes it (at once when the run was stopped that way). */
export async function holdRunInspector(tap: InspectTap | undefined, ctx: Context): Promise<void> {
  if (!tap) return;
  await tap.report();
  if (tap.inspector.url !== '' && !ctx.signal.aborted) {
    renderInspectorHeld(ctx.out, tap.inspector.url);
    await new Promise<void>((resolve) => ctx.signal.addEventListener('abort', () => resolve(), { once: true }));
  }
  await tap.close();
}
