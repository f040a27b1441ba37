// The GitHub Action's summary of a report: a few lines for the log and, when the runner offers one, a
// Markdown table for the job summary. `node action/summary.js REPORT`; never fails the step itself.
import { appendFileSync, readFileSync } from 'node:fs';

/**
 * Report text is untrusted: a fork's recording sets event types and ids, the app sets its answers. In the log it
 * stays on one line, other control characters shown as escapes, and the legacy `##[command]` form (acted on
 * anywhere in a line) broken; every line starts with our own words, so none can start `::command`. The action
 * also prints all of it between ::stop-commands:: and a random token.
 */
const text = (value) =>
  String(value ?? '')
    .replace(/[\r\n\u2028\u2029]+/g, ' ')
    // eslint-disable-next-line no-control-regex -- control characters are exactly what is escaped
    .replace(/[\u0000-\u001f\u007f-\u009f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)
    .replace(/##\[/g, '# #[');
const HTML = { '&': '&amp;', '<': '&lt;', '>': '&gt;' };
/** A Markdown table cell or list item: no HTML, no pipe ending the cell, no code, emphasis, link or image. */
const cell = (value) => text(value).replace(/[&<>]/g, (c) => HTML[c]).replace(/[\\`*_[\]~|]/g, '\\$&');

function read(path) {
  try {
    const raw = readFileSync(path, 'utf8').trim();
    return raw ? JSON.parse(raw) : { error: { message: 'the CLI wrote no report (see its output above)' } };
  } catch (error) {
    return { error: { message: `the report ${path} is not readable JSON: ${error.message}` } };
  }
}

/** "1 step", "2 steps": this script runs alone in the action, so it keeps its own copy of src/lib/plural.ts. */
const count = (n, noun) => `${n} ${noun}${n === 1 ? '' : 's'}`;

function logLines(report) {
  if (report.error) {
    return [`stripe-hooks: ${text(report.error.code ?? 'error')}: ${text(report.error.message)}`, ...(report.error.hint ? [`hint: ${text(report.error.hint)}`] : [])];
  }
  const steps = report.steps ?? [];
  const passed = steps.filter((s) => s.ok).length;
  const lines = [`flow ${text(report.flow)}: ${report.ok ? 'passed' : 'FAILED'} (${text(report.mode)}) — ${passed} of ${count(steps.length, 'step')} passed${report.seed === undefined ? '' : `, seed ${text(report.seed)}`}`];
  for (const [i, step] of steps.entries()) {
    if (!step.ok && step.failure !== 'skipped') lines.push(`step ${i + 1} ${text(step.event)}: ${text(step.error)}`);
  }
  if (report.burst) lines.push(`burst: ${text(report.burst.count)} events, ${text(report.burst.failures)} failed`);
  if (report.audit) {
    const checks = report.audit.checks ?? [];
    const sample = report.audit.sample ? ` (copies of ${text(report.audit.sample.type)}, ${text(report.audit.sample.from)})` : '';
    lines.push(`audit: ${report.audit.ok ? 'passed' : 'FAILED'} — ${checks.filter((c) => c.ok).length} of ${count(checks.length, 'check')} passed${sample}`);
    for (const check of checks) if (check.fix) lines.push(`fix ${text(check.name)}: ${text(check.fix)}`);
    // What a pass could not see (the duplicate check sees answers, not the work): said, so it is not read as more.
    for (const check of checks) if (check.note) lines.push(`note ${text(check.name)}: ${text(check.note)}`);
  }
  return lines;
}

function markdown(report, lines) {
  const out = ['### stripe-hooks', '', ...lines.map((line) => `- ${cell(line)}`), ''];
  if (report.steps?.length) {
    out.push('| # | event | event id | status | ms | result |', '| --- | --- | --- | --- | --- | --- |');
    for (const [i, s] of report.steps.entries()) {
      const result = s.ok ? 'ok' : s.failure === 'skipped' ? 'skipped' : cell(s.error ?? 'failed');
      out.push(`| ${i + 1} | ${cell(s.event)} | ${cell(s.eventId ?? '-')} | ${cell(s.status ?? '-')} | ${cell(s.ms)} | ${result} |`);
    }
    out.push('');
  }
  return `${out.join('\n')}\n`;
}

const path = process.argv[2];
const report = read(path);
const lines = logLines(report);
console.log([...lines, `report: ${path}`].join('\n'));
if (process.env.GITHUB_STEP_SUMMARY) appendFileSync(process.env.GITHUB_STEP_SUMMARY, markdown(report, lines));
