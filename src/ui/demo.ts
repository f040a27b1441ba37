/** `demo` output: both reports with a heading each and what to try next; one JSON object with --json. */
import type { Flow } from '../flows/types.js';
import type { AuditReport } from '../offline/audit.js';
import { reportJson, type FlowReport } from '../run/report.js';
import { renderAuditReport } from './audit-report.js';
import { renderFlowReport } from './flow-report.js';
import type { Output } from './output.js';
import { plural } from '../lib/plural.js';

export function renderDemo(out: Output, run: { appUrl: string; flow: Flow; report: FlowReport; audit: AuditReport }): void {
  const { appUrl, flow, report, audit } = run;
  if (out.json) return out.data({ ok: report.ok && audit.ok, app: appUrl, flow: reportJson(report), audit });
  const { c } = out;
  out.line(`The example webhook app (src/demo/app.ts in stripe-hooks) listened at ${appUrl}.`);
  out.line();
  out.line(c.bold(`1. The ${flow.name} flow, offline: ${plural(flow.steps.length, 'signed event')}, in order, each needing a 2xx`));
  renderFlowReport(report, out);
  out.line();
  out.line(c.bold('2. The handler audit: does it refuse what Stripe never sends, and survive what it does?'));
  renderAuditReport(audit, out);
}

/** Printed only when the demo passed (human mode). */
export function renderNextSteps(out: Output): void {
  if (out.json) return;
  out.line();
  out.line('Next, against your own app:');
  out.line('  npx stripe-hooks trigger-flow payment --offline --forward-to http://localhost:4242/webhook --dotenv .env --audit');
  out.line(out.c.dim('  (signs with STRIPE_WEBHOOK_SECRET from .env or the environment: the secret your app verifies with)'));
}
