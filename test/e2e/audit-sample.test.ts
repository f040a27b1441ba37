/**
 * The CLI's audit sends copies of the flow's own first event, as `auditHandler({ flow })` and `replay --audit` do:
 * a built-in flow's, a `--file` flow's, and `demo`'s; the report says which event it sampled and where from.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli, sandbox } from '../support/cli.js';
import { startReceiver, type Receiver } from '../support/receiver.js';

const secret = 'whsec_auditSample0123456789abcdefghi';
let receiver: Receiver | undefined;
afterEach(async () => {
  await receiver?.close();
  receiver = undefined;
});

interface AuditJson {
  steps: unknown[];
  audit: { ok: boolean; sample: { type: string; from: string }; checks: { name: string; ok: boolean; note?: string }[] };
}

/** Runs `trigger-flow … --offline --audit --json` and returns its audit and the types of the events the audit sent. */
async function audited(args: string[], box = sandbox()): Promise<{ audit: AuditJson['audit']; sent: string[] }> {
  receiver = await startReceiver({ secret });
  const result = await runCli(['trigger-flow', ...args, '--offline', '--audit', '--json', '-f', receiver.url], { box, env: { STRIPE_WEBHOOK_SECRET: secret } });
  expect(result.exitCode, result.stderr).toBe(0);
  const json = JSON.parse(result.stdout) as AuditJson;
  const sent = receiver.deliveries.slice(json.steps.length).map((delivery) => String(delivery.event?.type));
  return { audit: json.audit, sent };
}

describe('trigger-flow --offline --audit samples the flow\'s first event', () => {
  it('a built-in flow: its first event, invoice.created for payment', async () => {
    const { audit, sent } = await audited(['payment']);
    expect(audit.sample).toEqual({ type: 'invoice.created', from: 'the first event of flow payment' });
    expect(sent).toHaveLength(7); // six checks send (the duplicate twice); the seventh times their answers
    expect(new Set(sent)).toEqual(new Set(['invoice.created']));
  });

  it('a --file flow: its first event, one the built-in flows never send', async () => {
    const box = sandbox();
    writeFileSync(join(box.cwd, 'checkout.yaml'), 'name: checkout\nsteps:\n  - event: checkout.session.completed\n  - event: payment_intent.succeeded\n');
    const { audit, sent } = await audited(['--file', 'checkout.yaml', 'checkout'], box);
    expect(audit.ok).toBe(true);
    expect(audit.sample).toEqual({ type: 'checkout.session.completed', from: 'the first event of flow checkout' });
    expect(new Set(sent)).toEqual(new Set(['checkout.session.completed']));
    expect(audit.checks.find((check) => check.name === 'duplicate')!.note).toMatch(/^answered 2xx to both deliveries of evt_\w{24}; whether it did the work twice is not visible from outside/);
  });

  it('the human report names the sample above the checks', async () => {
    receiver = await startReceiver({ secret });
    const result = await runCli(['trigger-flow', 'subscription', '--offline', '--audit', '-f', receiver.url], { env: { STRIPE_WEBHOOK_SECRET: secret } });
    expect(result.exitCode, result.stderr).toBe(0);
    const lines = result.stdout.split('\n');
    const heading = lines.findIndex((line) => line.startsWith('Handler audit of '));
    expect(lines[heading + 1]).toMatch(/^each check sends a copy of [a-z_.]+ \(the first event of flow subscription\) with a fresh id$/);
    expect(result.stdout).toMatch(/^note duplicate: answered 2xx to both deliveries of evt_\w{24}; whether it did the work twice is not visible from outside: make your handler idempotent by event id$/m);
  });
});
