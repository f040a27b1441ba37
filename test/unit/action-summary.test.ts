/**
 * action/summary.js on its own, fed crafted reports: whatever a report holds, no line it prints starts a workflow
 * command (it does not count on the action's ::stop-commands:: around it), and the job summary's Markdown keeps
 * its table shape, with no HTML.
 */
import { execa } from 'execa';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { workflowCommands } from '../support/action-runner.js';
import { ROOT, tempDir } from '../support/cli.js';
import { hostileError, hostileReport, INJECTIONS } from '../support/hostile.js';

async function summarize(report: unknown): Promise<{ log: string; markdown: string }> {
  const dir = tempDir('stripe-hooks-summary-');
  const [path, markdown] = [join(dir, 'report.json'), join(dir, 'summary.md')];
  writeFileSync(path, JSON.stringify(report));
  writeFileSync(markdown, '');
  const result = await execa(process.execPath, [join(ROOT, 'action', 'summary.js'), path], { env: { GITHUB_STEP_SUMMARY: markdown }, reject: false });
  expect(result.exitCode, result.stderr).toBe(0);
  return { log: result.stdout, markdown: readFileSync(markdown, 'utf8') };
}

/** The log's lines as a runner reads them (\n, \r and \r\n end one): each starts with the summary's own words. */
const lines = (log: string) => log.split(/\r\n|\r|\n/);
const OWN_LINE = /^(flow |step \d+ |burst: |audit: |fix |stripe-hooks: |hint: |report: )/;

describe('action/summary.js with hostile report text', () => {
  it.each(INJECTIONS)('a report: one line per item, no workflow command, the table intact (%j)', async (injection) => {
    const { log, markdown } = await summarize(hostileReport(injection));
    expect(workflowCommands(log)).toEqual([]);
    expect(lines(log).filter((line) => !OWN_LINE.test(line))).toEqual([]);
    expect(lines(log)).toHaveLength(6); // flow, one failed step, burst, audit, one fix, report
    expect(log).toContain('step 1 charge.succeeded');

    const rows = markdown.split('\n').filter((line) => line.startsWith('|'));
    expect(rows).toHaveLength(4); // header, rule, two steps
    for (const row of rows) expect(row.replace(/\\\|/g, '').split('|')).toHaveLength(8); // six cells: no forged one
    expect(markdown).not.toMatch(/[<>]/);
    expect(markdown.split('\n').filter((line) => line !== '' && !/^(### stripe-hooks|- |\| )/.test(line))).toEqual([]);
  });

  it.each(INJECTIONS)('an error document: the error and hint lines only (%j)', async (injection) => {
    const { log, markdown } = await summarize(hostileError(injection));
    expect(workflowCommands(log)).toEqual([]);
    expect(lines(log).map((line) => OWN_LINE.exec(line)?.[1])).toEqual(['stripe-hooks: ', 'hint: ', 'report: ']);
    expect(markdown).not.toMatch(/[<>]/);
  });

  it('shows control characters as escapes and breaks the legacy ##[command] form', async () => {
    const { log } = await summarize(hostileError('\u0007 ##[error]x'));
    expect(log).toContain('stripe-hooks: ERR_STRIPE_HOOKS_USAGE\\u0007 # #[error]x: bad input');
  });
});

describe('action/summary.js wording', () => {
  it('counts in words: "1 of 1 step", "7 of 7 checks"', async () => {
    const step = { event: 'invoice.created', trigger: null, eventId: 'evt_1', status: 200, ms: 3, ok: true };
    const check = { name: 'signed', title: 'a correctly signed event', expected: '2xx', status: 200, ms: 1, ok: true, detail: 'answered 200' };
    const { log } = await summarize({ flow: 'one', ok: true, mode: 'offline', steps: [step], sideEffects: [], audit: { url: 'http://x', ok: true, checks: [check] } });
    expect(lines(log)[0]).toBe('flow one: passed (offline) — 1 of 1 step passed');
    expect(lines(log)[1]).toBe('audit: passed — 1 of 1 check passed');
    const { log: many } = await summarize({ flow: 'two', ok: true, mode: 'offline', steps: [step, step], sideEffects: [] });
    expect(lines(many)[0]).toBe('flow two: passed (offline) — 2 of 2 steps passed');
  });

  it('names the audit\'s sample and says what a passed check could not see', async () => {
    const duplicate = { name: 'duplicate', title: 'the same event delivered twice (its answers)', expected: '2xx', status: 200, ms: 1, ok: true, detail: 'answered 200 then 200', note: 'answered 2xx to both deliveries of evt_1; whether it did the work twice is not visible from outside' };
    const audit = { url: 'http://x', ok: true, sample: { type: 'invoice.created', from: 'the first event of flow payment' }, checks: [duplicate] };
    const { log } = await summarize({ flow: 'payment', ok: true, mode: 'offline', steps: [], sideEffects: [], audit });
    expect(lines(log).slice(1, 3)).toEqual([
      'audit: passed — 1 of 1 check passed (copies of invoice.created, the first event of flow payment)',
      `note duplicate: ${duplicate.note}`,
    ]);
  });
});
