/**
 * `--report-html FILE`: the inspector's page as one self-contained file, fit to upload as a CI artifact and open from
 * file://. Its stylesheet and script are inlined, the items embedded as JSON in <script type="application/json"
 * id="data">; a Content-Security-Policy allows exactly those two inline blocks (by hash) and nothing from anywhere.
 * The items are written as given: the caller masks secrets first, as the server does for the page.
 */
import { createHash } from 'node:crypto';
import { statSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { UsageError } from '../errors.js';
import { pageFile } from './page-files.js';

/** What a report shows: the delivery items (the server's shape, docs/inspect.md), how many were dropped, the mode, flow steps. */
export interface ReportInput {
  items: readonly unknown[];
  dropped?: number;
  mode?: string;
  steps?: readonly unknown[];
}

const hash = (text: string): string => `'sha256-${createHash('sha256').update(text).digest('base64')}'`;

/** `</script` or `<!--` inside embedded JSON would end or confuse the block: `<` as `\u003c` is the same JSON. */
const embeddable = (value: unknown): string => JSON.stringify(value).replace(/</g, '\\u003c');

/** The report's HTML. */
export function reportHtml(input: ReportInput): string {
  const css = pageFile('app.css');
  const js = pageFile('app.js');
  if (/<\/(script|style)/i.test(css + js)) throw new Error('the inspector page cannot be inlined: it contains a closing tag');
  const csp = `default-src 'none'; style-src ${hash(css)}; script-src ${hash(js)}; img-src data:`;
  const data = embeddable({ mode: input.mode ?? 'report', dropped: input.dropped ?? 0, items: input.items, steps: input.steps ?? [] });
  return pageFile('index.html')
    .replace('<meta charset="utf-8">', `<meta charset="utf-8">\n<meta http-equiv="Content-Security-Policy" content="${csp}">`)
    .replace('<link rel="stylesheet" href="app.css">', () => `<style>${css}</style>`)
    .replace('<script src="app.js" defer></script>', () => `<script type="application/json" id="data">${data}</script>\n<script>${js}</script>`);
}

/** Writes the report to `file` (0600, like a recording: it holds the events and the app's answers). */
export async function writeReportHtml(file: string, input: ReportInput): Promise<void> {
  await writeFile(file, reportHtml(input), { mode: 0o600 });
}

/** `--report-html FILE` resolved and checked before the run: a folder that is not there is a usage error now, not after the run. */
export function reportTarget(file: string, cwd: string): string {
  const path = resolve(cwd, file);
  const folder = statSync(dirname(path), { throwIfNoEntry: false });
  if (!folder?.isDirectory()) throw new UsageError(`--report-html ${file}: the folder ${dirname(path)} does not exist`, { hint: 'create it first, or give a path in an existing folder' });
  if (statSync(path, { throwIfNoEntry: false })?.isDirectory()) throw new UsageError(`--report-html ${file}: is a folder`, { hint: 'give a file name, e.g. --report-html report.html' });
  return path;
}
