/**
 * Renders a FlowReport (live or offline) for a human: the step table, the other
 * events that arrived as side effects, burst figures, and a one-line summary.
 * Everything goes to stdout: the report is the command's data.
 */
import { shown } from '../lib/sanitize.js';
import type { FlowReport, StepResult } from '../run/report.js';
import type { Output } from './output.js';
import { statusText } from './status.js';
import { table } from './table.js';
import { plural } from '../lib/plural.js';

const ms = (value: number) => (value >= 10_000 ? `${(value / 1000).toFixed(1)} s` : `${Math.round(value)}`);

function statusCell(out: Output, status: number | null): string {
  return status === null ? out.c.dim('-') : statusText(out.c, status);
}

function resultCell(out: Output, step: StepResult, unverified: boolean): string {
  if (step.failure === 'skipped') return out.c.dim('skipped');
  if (!step.ok) return out.c.red(`FAIL ${shown(step.error ?? '')}`.trim());
  if (!unverified) return out.c.green('ok');
  return out.c.yellow(step.trigger === null ? 'not checked' : 'fired (unverified)');
}

function triggerCell(out: Output, step: StepResult, mode: FlowReport['mode']): string {
  if (step.trigger !== null) return shown(step.trigger);
  return out.c.dim(mode === 'offline' || mode === 'replay' ? '-' : '(observed)');
}

export function renderFlowReport(report: FlowReport, out: Output): void {
  const unverified = report.mode === 'unverified';
  const { c } = out;
  // Where each event went is a column only when the run sent to more than one URL (--thin-to, --route).
  const urls = new Set([...report.steps, ...report.sideEffects].flatMap((result) => (result.url === undefined ? [] : [result.url])));
  const to = (url: string | undefined) => (urls.size > 1 ? [url === undefined ? c.dim('-') : shown(url)] : []);
  const toHeader = urls.size > 1 ? ['to'] : [];
  const rows = report.steps.map((step, i) => [
    String(i + 1),
    shown(step.event),
    triggerCell(out, step, report.mode),
    step.eventId === null ? c.dim('-') : shown(step.eventId),
    ...to(step.url),
    statusCell(out, step.status),
    step.failure === 'skipped' ? c.dim('-') : ms(step.ms),
    resultCell(out, step, unverified),
  ]);
  out.line(table(['step', 'event', 'trigger', 'evt id', ...toHeader, 'status', 'ms', 'result'], rows));

  if (report.sideEffects.length > 0) {
    out.line();
    out.line(c.dim(`side effects: ${plural(report.sideEffects.length, 'other event')} delivered`));
    out.line(table(['event', 'evt id', ...toHeader, 'status'], report.sideEffects.map((effect) => [effect.type, effect.eventId, ...to(effect.url), statusCell(out, effect.status)])));
  }

  if (report.burst) {
    const { count, failures, eventsPerSecond, latency } = report.burst;
    out.line();
    out.line(
      `burst: ${plural(count, 'event')}, ${failures ? c.red(`${failures} failed`) : c.green('0 failed')}, ${Math.round(eventsPerSecond)} events/s; ` +
        `latency p50 ${latency.p50} ms, p95 ${latency.p95} ms, p99 ${latency.p99} ms, max ${latency.max} ms`,
    );
  }

  out.line();
  if (report.apiVersion) {
    const { version, reason, shape } = report.apiVersion;
    out.line(c.dim(`api version: ${version} (${reason})${shape === version ? '' : `, objects shaped as ${shape}`}`));
  }
  out.line(summary(report, out));
  // Not a failure (only steps decide), but Stripe would retry these: worth a look.
  const unanswered = report.sideEffects.filter((effect) => effect.status === null || effect.status < 200 || effect.status >= 300).length;
  if (unanswered > 0) out.line(out.c.yellow(`note: ${plural(unanswered, 'side effect was', 'side effects were')} not answered 2xx (Stripe would retry ${unanswered === 1 ? 'it' : 'them'})`));
  const reordered = [...report.steps, ...report.sideEffects].filter((result) => result.reordered).map((result) => result.eventId);
  if (reordered.length > 0) {
    const n = reordered.length;
    out.line(c.dim(`note: ${plural(n, 'delivery', 'deliveries')} reordered by --serial, each sent ahead of an event that reached the relay first but was created later: ${reordered.join(', ')}`));
  }
}

function summary(report: FlowReport, out: Output): string {
  const { c } = out;
  const total = report.steps.length;
  const skipped = report.steps.filter((step) => step.failure === 'skipped').length;
  const failed = report.steps.filter((step) => !step.ok).length - skipped;
  const passed = total - failed - skipped;
  if (report.mode === 'unverified') {
    const triggers = report.steps.filter((step) => step.trigger !== null);
    const fired = `${report.flow}: ${triggers.filter((step) => step.ok).length} of ${plural(triggers.length, 'trigger')} fired`;
    return `${report.ok ? c.yellow(fired) : c.red(fired)} — unverified: deliveries were not checked (--no-listen)`;
  }
  const steps = plural(total, report.mode === 'replay' ? 'event' : 'step');
  if (report.ok) return c.green(`${report.flow}: ${total === 1 ? '' : 'all '}${steps} passed`);
  const parts = [`${passed} passed`, c.red(`${failed} failed`), ...(skipped ? [`${skipped} skipped`] : [])];
  return `${c.red(`${report.flow}: FAILED`)} — ${parts.join(', ')} of ${steps}`;
}
