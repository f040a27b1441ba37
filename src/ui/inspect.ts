/** The inspector's one line: where its page is (the token is in the URL, so it is the user's to keep). */
import type { Output } from './output.js';

export function renderInspectorUrl(out: Output, url: string, json: boolean): void {
  if (json) out.data({ kind: 'inspector', time: new Date().toISOString(), url });
  else out.note(`Inspector: ${url}`);
}

/** The run is over and the page stays up until Ctrl+C (the run's report is already printed). */
export function renderInspectorHeld(out: Output, url: string): void {
  out.note(`The inspector keeps serving at ${url} — Ctrl+C stops it.`);
}
