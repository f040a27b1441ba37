/** `stripe-hooks demo` end to end: the built CLI, its example app on loopback, no account, no Stripe CLI. */
import { spawn } from 'node:child_process';
import { connect } from 'node:net';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { signatureHeader } from '../../src/offline/sign.js';
import { ROOT, runCli } from '../support/cli.js';
import { watchLines } from '../support/lines.js';

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
      audit: { ok: boolean; url: string; sample: { type: string; from: string }; checks: { name: string; ok: boolean; detail: string }[] };
    };
    expect(json.ok).toBe(true);
    expect(json.app).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/webhook$/);
    expect(json.flow).toMatchObject({ flow: 'payment', ok: true, mode: 'offline' });
    expect(json.flow.steps.map((step) => step.status)).toEqual(Array(9).fill(200));
    expect(json.audit.url).toBe(json.app);
    expect(json.audit.sample).toEqual({ type: 'invoice.created', from: 'the first event of flow payment' }); // the flow's own first event
    // The example app runs in-process: the audit sees the work it did, not only its answers.
    expect(json.audit.checks.find((check) => check.name === 'duplicate')).toMatchObject({ detail: 'answered 200 then 200; did the work once' });
    expect(json.audit.checks.map((check) => [check.name, check.ok])).toEqual(
      ['signed', 'unsigned', 'wrong-secret', 'stale', 'tampered', 'duplicate', 'timely'].map((name) => [name, true]),
    );
  });

  it('--verbose shows what the example app did with each event', async () => {
    const result = await runCli(['demo', '--verbose']);
    expect(result.exitCode).toBe(0);
    expect(result.stderr).toMatch(/example app: payment pi_[A-Za-z0-9]{24} succeeded: \d+ eur, fulfil the order/);
    expect(result.stderr).toMatch(/example app: invoice\.created evt_[A-Za-z0-9]{24}: already handled, skipped/); // the audit's duplicate
  });

  it('the example app on its own (node dist/demo/app.js) outlives a client that closes mid-body', async () => {
    const secret = 'whsec_demoStandalone0123456789abcdef';
    const child = spawn(process.execPath, [join(ROOT, 'dist', 'demo', 'app.js')], {
      env: { ...process.env, PORT: '0', STRIPE_WEBHOOK_SECRET: secret },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const exited = new Promise<number | undefined>((resolve) => child.once('exit', (code) => resolve(code ?? undefined)));
    try {
      const app = watchLines(child, exited, 'node dist/demo/app.js');
      const url = new URL((await app.waitForLine(/^listening at http:/)).slice('listening at '.length));
      const socket = connect(Number(url.port), '127.0.0.1');
      await new Promise((resolve, reject) => socket.once('connect', resolve).once('error', reject));
      socket.write('POST /webhook HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 1000\r\n\r\n{"id":"evt_cut');
      socket.destroy();
      // Before the fix the unhandled 'aborted' rejection ended the process here (waitForLine fails on the exit).
      await app.waitForLine(/^POST \/webhook: aborted$/);
      const body = JSON.stringify({ id: 'evt_after', object: 'event', type: 'charge.pending', data: { object: { id: 'ch_1', status: 'pending' } } });
      const response = await fetch(url, { method: 'POST', body, headers: { 'Stripe-Signature': signatureHeader(body, secret) } });
      expect(response.status).toBe(200);
      await app.waitForLine(/^charge ch_1 of payment undefined is pending$/);
      expect(child.exitCode).toBeNull();
      expect(app.stderr).toEqual([]);
    } finally {
      child.kill();
      await exited;
    }
  });
});
