/**
 * `trigger-flow --offline` output (replay's too): the signing secret's warnings, the progress bar,
 * the dry-run table, and the flow report followed by the handler audit.
 */
import type { AuditReport } from '../offline/audit.js';
import { shown } from '../lib/sanitize.js';
import { SECRET_ENV } from '../lib/secrets.js';
import type { SecretChoice } from '../offline/secret.js';
import { objectId } from '../offline/synthesize.js';
import type { OfflinePreview } from '../run/offline-preview.js';
import { reportJson, type FlowReport } from '../run/report.js';
import type { RecordSummary } from '../record/writer.js';
import { renderAuditReport } from './audit-report.js';
import { renderRecordSummary } from './listen.js';
import { renderFlowReport } from './flow-report.js';
import type { Output, Spinner } from './output.js';
import { table } from './table.js';

/**
 * Says where a generated secret went (the app needs it to accept the deliveries), or that a given one is not
 * shaped like Stripe's: right for a test suite's made-up secret, a mistake when it was meant to be the endpoint's.
 */
function announceSecret(out: Output, secret: SecretChoice): void {
  if (!secret.generated) {
    if (!secret.stripeShaped) out.warn(`the signing secret from ${secret.source} does not look like Stripe's (whsec_…); signing with it as given`);
    return;
  }
  if (secret.writtenTo) {
    out.warn(`no signing secret given: generated one into ${secret.writtenTo} (${SECRET_ENV}); start your app with it loaded`);
    return;
  }
  out.allow(secret.value); // the user asked for one by giving none: this is the value their app needs
  out.warn(`no signing secret given: generated ${secret.value} for this run`);
  out.warn(`start your app with ${SECRET_ENV}=${secret.value}, or pass --dotenv .env to keep it there`);
}

/** The settled secret on screen: masked wherever it shows up, but announced when the app needs to be given it. */
export function showSigningSecret(out: Output, secret: SecretChoice): void {
  out.secret(secret.value);
  announceSecret(out, secret);
}

export interface ProgressBar {
  update: (done: number, total: number) => void;
  stop: () => void;
}

/** A progress bar on a terminal's stderr; redrawn at most ten times a second. */
export async function progressBar(out: Output, total: number): Promise<ProgressBar> {
  if (!out.interactive) return { update: () => {}, stop: () => {} };
  const spinner: Spinner = await out.spinner(`delivering 0/${total} events`);
  let last = 0;
  return {
    update: (done, all) => {
      const now = Date.now();
      if (now - last < 100 && done < all) return;
      last = now;
      const filled = Math.round((done / all) * 24);
      spinner.update(`[${'#'.repeat(filled)}${'-'.repeat(24 - filled)}] ${done}/${all} events`);
    },
    stop: () => spinner.stop(),
  };
}

/** What would be delivered, as a table (or the JSON object). */
export function renderPreview(out: Output, preview: OfflinePreview & { record?: string }): void {
  if (out.json) return out.data(preview);
  // Thin events carry no api_version: a preview of them alone names none.
  const versioned = preview.events.some((event) => event.object === 'event');
  const thinTo = preview.events.some((event) => event.object !== 'event') ? preview.thinTo : undefined;
  const where = thinTo === undefined ? preview.forwardTo : `${preview.forwardTo} (thin events to ${thinTo})`;
  out.line(`POST ${where}, signed, ${preview.copies === 2 ? 'each twice' : 'one at a time'}${versioned ? `, api_version ${preview.apiVersion}` : ''}:`);
  // With two destinations, each event's is a column of its own.
  const to = (event: OfflinePreview['events'][number]) => (thinTo === undefined ? [] : [shown(event.object === 'event' ? preview.forwardTo : thinTo)]);
  const headers = ['#', 'event', 'evt id', 'object', ...(thinTo === undefined ? [] : ['to'])];
  out.line(table(headers, preview.events.map((event, i) => [String(i + 1), shown(event.type), shown(event.id), shown(objectId(event)), ...to(event)])));
  const instances = preview.repeat > 1 ? `; ${preview.repeat} instances in all, each with fresh ids` : '';
  out.line(out.c.dim(`dry run: nothing sent (seed ${preview.seed}${instances})`));
  if (preview.record !== undefined) out.line(out.c.dim(`# every delivery is appended to ${preview.record} (--record)`));
}

/** What `--json` prints for an offline run or a replay: the library's FlowReport, with the audit when there was one. */
export type OfflineReportJson = FlowReport & { audit?: AuditReport; record?: RecordSummary };

/** The flow report (or a replay's), then the audit when there was one, then what --record wrote; as one JSON object with --json. */
export function renderOfflineReports(out: Output, report: FlowReport, audit: AuditReport | undefined, seed: number | undefined, record?: RecordSummary): void {
  if (out.json) return out.data({ ...reportJson(report, seed), ...(audit && { audit }), ...(record && { record }) } satisfies OfflineReportJson);
  renderFlowReport(report, out);
  if (audit) {
    out.line();
    out.line(out.c.bold(`Handler audit of ${audit.url}`));
    renderAuditReport(audit, out);
  }
  if (record) renderRecordSummary(out, record);
}
