/**
 * `--report-html FILE` on the commands: `trigger-flow --offline` against the example app (what `demo` runs) writes
 * the page as one file with every delivery and step, masked as the inspector masks them, when the run passes and
 * when it fails; `inspect FILE --report-html` writes a recording's page and ends, with no Stripe CLI on PATH.
 */
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startWebhookApp } from '../../src/demo/app.js';
import type { InspectItem } from '../../src/inspect/item.js';
import type { InspectStep } from '../../src/inspect/server.js';
import { runCli, sandbox, tempDir } from '../support/cli.js';

const secret = 'whsec_reportHtml0123456789abcdefghij';
const closers: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((close) => close()));
});

async function demoApp(appSecret = secret): Promise<string> {
  const app = await startWebhookApp({ secret: appSecret, log: () => undefined });
  closers.push(app.close);
  return app.url;
}

interface Embedded {
  mode: string;
  dropped: number;
  items: InspectItem[];
  steps: InspectStep[];
}

/** The report's embedded data, as the page reads it. */
function embedded(html: string): Embedded {
  const block = /<script type="application\/json" id="data">([\s\S]*?)<\/script>/.exec(html);
  expect(block, 'the data block').not.toBeNull();
  return JSON.parse(block![1]!) as Embedded;
}

interface FlowReport {
  ok: boolean;
  steps: { event: string; eventId: string }[];
}

describe('--report-html', () => {
  it('trigger-flow --offline writes every delivery and step, signatures checked, with no secret in the file', async () => {
    const url = await demoApp();
    const box = sandbox();
    const result = await runCli(['trigger-flow', 'payment', '--offline', '--forward-to', url, '--report-html', 'r.html', '--json'], { box, env: { STRIPE_WEBHOOK_SECRET: secret } });
    expect(result.exitCode, result.stderr).toBe(0);
    const flow = JSON.parse(result.stdout) as FlowReport;
    const path = join(box.cwd, 'r.html');
    const html = readFileSync(path, 'utf8');
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(html).not.toContain(secret);
    expect(html).not.toContain('127.0.0.1:0'); // nothing served
    const data = embedded(html);
    expect(data.mode).toBe('trigger-flow');
    expect(data.items.map((item) => [item.id, item.type])).toEqual(flow.steps.map((step) => [step.eventId, step.event]));
    for (const [index, item] of data.items.entries()) {
      expect(item.status).toBe(200);
      expect(item.signature?.verifies).toBe(true);
      expect(item.step).toBe(index);
      expect(html).toContain(item.id!);
    }
    expect(data.steps.map((step) => [step.index, step.ok, step.seq])).toEqual(flow.steps.map((_, index) => [index, true, index]));
  });

  it('is written when the run fails too (the app refuses every signature)', async () => {
    const url = await demoApp('whsec_another0123456789abcdefghijklmn');
    const box = sandbox();
    const result = await runCli(['trigger-flow', 'payment', '--offline', '--forward-to', url, '--report-html', 'r.html'], { box, env: { STRIPE_WEBHOOK_SECRET: secret } });
    expect(result.exitCode).toBe(1);
    const html = readFileSync(join(box.cwd, 'r.html'), 'utf8');
    expect(html).not.toContain(secret);
    const data = embedded(html);
    expect(data.items.length).toBeGreaterThan(0);
    expect(data.items[0]!.status).toBe(400);
    expect(data.steps[0]!.ok).toBe(false);
  });

  it('replay --report-html writes what it sent and the app\'s answers', async () => {
    const url = await demoApp();
    const box = sandbox();
    const events = [0, 1].map((n) => JSON.stringify({ id: `evt_replayrep${n}`, object: 'event', type: 'customer.created', created: 1_700_000_000 + n, livemode: false, data: { object: { id: `cus_${n}`, object: 'customer' } } }));
    writeFileSync(join(box.cwd, 'rec.ndjson'), events.map((event, n) => JSON.stringify({ v: 1, run: 'r', seq: n, receivedAt: '2026-12-01T10:00:00.000Z', event, headers: {}, answer: { status: 200, ms: 1 } })).join('\n') + '\n');
    const result = await runCli(['replay', 'rec.ndjson', '--forward-to', url, '--report-html', 'missing/r.html'], { box, env: { STRIPE_WEBHOOK_SECRET: secret } });
    expect(result.exitCode, result.stderr).toBe(2); // a usage error before anything is sent
    expect(result.stderr).toContain('--report-html missing/r.html: the folder');
    expect(result.stderr).not.toMatch(/passed|failed of/); // no run report: nothing was sent
    const ok = await runCli(['replay', 'rec.ndjson', '--forward-to', url, '--report-html', 'r.html'], { box, env: { STRIPE_WEBHOOK_SECRET: secret } });
    expect(ok.exitCode, ok.stderr).toBe(0);
    const html = readFileSync(join(box.cwd, 'r.html'), 'utf8');
    expect(html).not.toContain(secret);
    const data = embedded(html);
    expect(data.mode).toBe('replay');
    expect(data.items.map((item) => [item.id, item.status, item.event, item.signature?.verifies])).toEqual([
      ['evt_replayrep0', 200, events[0], true],
      ['evt_replayrep1', 200, events[1], true],
    ]);
  });

  it('inspect FILE --report-html writes the recording as one page and ends, with no Stripe CLI', async () => {
    const box = sandbox({ PATH: tempDir('stripe-hooks-empty-path-') });
    const events = [0, 1].map((n) => JSON.stringify({ id: `evt_report${n}`, object: 'event', type: n ? 'invoice.paid' : 'customer.created', created: 1_700_000_000 + n, livemode: false, data: { object: { id: `obj_${n}`, note: '</script><b>x</b>' } } }));
    const lines = events.map((event, n) => JSON.stringify({ v: 1, run: 'r', seq: n, receivedAt: '2026-12-01T10:00:00.000Z', event, headers: {}, answer: { status: n ? 500 : 200, ms: 3 } }));
    writeFileSync(join(box.cwd, 'rec.ndjson'), lines.join('\n') + '\n');
    const result = await runCli(['inspect', 'rec.ndjson', '--report-html', 'r.html'], { box });
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stderr).toContain('2 events');
    const html = readFileSync(join(box.cwd, 'r.html'), 'utf8');
    expect(html).not.toContain('</script><b>');
    const data = embedded(html);
    expect(data.mode).toBe('inspect');
    expect(data.items.map((item) => [item.id, item.type, item.status, item.event])).toEqual([
      ['evt_report0', 'customer.created', 200, events[0]],
      ['evt_report1', 'invoice.paid', 500, events[1]],
    ]);
  });
});
