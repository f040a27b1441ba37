/**
 * Renders a handler audit for a human: the event it sampled, one row per check (what
 * was sent, what a correct handler does, what came back), then how to fix each failure
 * and what a pass does not prove, then a one-line summary. Everything goes to stdout:
 * the report is the command's data.
 */
import { shown } from '../lib/sanitize.js';
import type { AuditReport } from '../offline/audit.js';
import type { Output } from './output.js';
import { table } from './table.js';
import { plural } from '../lib/plural.js';

export function renderAuditReport(report: AuditReport, out: Output): void {
  const { c } = out;
  out.line(c.dim(`each check sends a copy of ${shown(report.sample.type)} (${shown(report.sample.from)}) with a fresh id`));
  const rows = report.checks.map((check, i) => [
    String(i + 1),
    check.title,
    check.expected,
    shown(check.detail),
    check.ok ? c.green('pass') : c.red('FAIL'),
  ]);
  out.line(table(['check', 'sent', 'expects', 'answer', 'result'], rows));

  const failed = report.checks.filter((check) => !check.ok);
  if (failed.length > 0) {
    out.line();
    for (const check of failed) out.line(`${c.red('fix')} ${c.bold(check.name)}: ${check.fix ?? ''}`);
  }
  const noted = report.checks.filter((check) => check.note !== undefined);
  if (noted.length > 0) {
    out.line();
    for (const check of noted) out.line(`${c.yellow('note')} ${c.bold(check.name)}: ${check.note}`);
  }
  out.line();
  const total = report.checks.length;
  out.line(
    report.ok
      ? c.green(`audit: ${total === 1 ? '' : 'all '}${plural(total, 'check')} passed`)
      : `${c.red('audit: FAILED')} — ${total - failed.length} passed, ${c.red(`${failed.length} failed`)} of ${plural(total, 'check')}`,
  );
}
