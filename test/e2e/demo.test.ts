/** `stripe-hooks demo` end to end: the built CLI, its example app on loopback, no account, no Stripe CLI. */
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';

describe('stripe-hooks demo', () => {
  it('runs the payment flow and the audit against the example app, prints both reports, exits 0', async () => {
    const result = await runCli(['demo']);
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/The example webhook app \(src\/demo\/app\.ts in stripe-hooks\) listened at http:\/\/127\.0\.0\.1:\d+\/webhook/);
    expect(result.stdout).toMatch(/^9\s+transfer\.created\s+-\s+evt_[A-Za-z0-9]{24}\s+200\s+\d+\s+ok$/m);
    expect(result.stdout).toContain('payment: all 9 steps passed');
    expect(result.stdout).toMatch(/^4\s+signed 10 minutes ago \(over the 300 s tolerance\)\s+4xx\s+answered 400 in \d+ ms\s+pass$/m);
    expect(result.stdout).toContain('audit: all 7 checks passed');
    expect(result.stdout).toContain('stripe-hooks trigger-flow payment --offline --forward-to http://localhost:4242/webhook');
    // What to try next takes the secret from the environment or a dotenv file, never from argv, where ps shows it.
    expect(result.stdout).toContain('stripe-hooks trigger-flow payment --offline --forward-to http://localhost:4242/webhook --dotenv .env --audit');
    expect(result.stdout).not.toContain('--secret');
    expect(result.stderr).toBe('');
  });

  it('--json prints one object with both reports', async () => {
    const result = await runCli(['demo', '--json']);
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stdout.trim().split('\n')).toHaveLength(1);
    const json = JSON.parse(result.stdout) as {
      ok: boolean;
      app: string;
      flow: { flow: string; ok: boolean; mode: string; steps: { ok: boolean; status: number }[] };
      audit: { ok: boolean; url: string; checks: { name: string; ok: boolean }[] };
    };
    expect(json.ok).toBe(true);
    expect(json.app).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/webhook$/);
    expect(json.flow).toMatchObject({ flow: 'payment', ok: true, mode: 'offline' });
    expect(json.flow.steps.map((step) => step.status)).toEqual(Array(9).fill(200));
    expect(json.audit.url).toBe(json.app);
    expect(json.audit.checks.map((check) => [check.name, check.ok])).toEqual(
      ['signed', 'unsigned', 'wrong-secret', 'stale', 'tampered', 'duplicate', 'timely'].map((name) => [name, true]),
    );
  });

  it('--verbose shows what the example app did with each event', async () => {
    const result = await runCli(['demo', '--verbose']);
    expect(result.exitCode).toBe(0);
    expect(result.stderr).toMatch(/example app: payment pi_[A-Za-z0-9]{24} succeeded: \d+ eur, fulfil the order/);
    expect(result.stderr).toMatch(/example app: payment_intent\.succeeded evt_[A-Za-z0-9]{24}: already handled, skipped/);
  });
});
