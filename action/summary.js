// The GitHub Action's summary of a report: a few lines for the log and, when the runner offers one, a
// Markdown table for the job summary. `node action/summary.js REPORT`; never fails the step itself.
import { appendFileSync, readFileSync } from 'node:fs';

/** One line, whatever the app answered: a newline could start a workflow command in the log. */
const oneLine = (text) => String(text).replace(/[\r\n]+/g, ' ');
const cell = (text) => oneLine(text).replace(/\|/g, '\\|');

function read(path) {
  try {
    const text = readFileSync(path, 'utf8').trim();
    return text ? JSON.parse(text) : { error: { message: 'the CLI wrote no report (see its output above)' } };
  } catch (error) {
    return { error: { message: `the report ${path} is not readable JSON: ${error.message}` } };
  }
}

function logLines(report) {
  if (report.error) {
    return [`stripe-hooks: ${report.error.kind ?? 'error'}: ${oneLine(report.error.message)}`, ...(report.error.hint ? [`hint: ${oneLine(report.error.hint)}`] : [])];
  }
  const steps = report.steps ?? [];
  const passed = steps.filter((s) => s.ok).length;
  const lines = [`${report.flow}: ${report.ok ? 'passed' : 'FAILED'} (${report.mode}) — ${passed} of ${steps.length} steps passed${report.seed === undefined ? '' : `, seed ${report.seed}`}`];
  for (const [i, step] of steps.entries()) {
    if (!step.ok && step.failure !== 'skipped') lines.push(`step ${i + 1} ${step.event}: ${oneLine(step.error)}`);
  }
  if (report.burst) lines.push(`burst: ${report.burst.count} events, ${report.burst.failures} failed`);
  if (report.audit) {
    const checks = report.audit.checks ?? [];
    lines.push(`audit: ${report.audit.ok ? 'passed' : 'FAILED'} — ${checks.filter((c) => c.ok).length} of ${checks.length} checks passed`);
    for (const check of checks) if (check.fix) lines.push(`fix ${check.name}: ${oneLine(check.fix)}`);
  }
  return lines;
}

function markdown(report, lines) {
  const out = ['### stripe-hooks', '', ...lines.map((line) => `- ${cell(line)}`), ''];
  if (report.steps?.length) {
    out.push('| # | event | event id | status | ms | result |', '| --- | --- | --- | --- | --- | --- |');
    for (const [i, s] of report.steps.entries()) {
      const result = s.ok ? 'ok' : s.failure === 'skipped' ? 'skipped' : cell(s.error ?? 'failed');
      out.push(`| ${i + 1} | ${cell(s.event)} | ${cell(s.eventId ?? '-')} | ${s.status ?? '-'} | ${s.ms} | ${result} |`);
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
