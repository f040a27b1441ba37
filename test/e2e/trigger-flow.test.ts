/**
 * `stripe-hooks trigger-flow` end to end: the built CLI runs the real `stripe listen` and
 * `stripe trigger` against the fake Stripe backend, forwarding to a receiver that verifies
 * every signature with the SDK.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { BUILTIN_FLOWS } from '../../src/flows/builtin.js';
import type { FlowReport } from '../../src/run/report.js';
import { runCli, sandbox, STRIPE_BIN, type Sandbox } from '../support/cli.js';
import { startFakeStripe, type FakeStripe } from '../support/fake-stripe/server.js';
import { startReceiver, type Receiver, type ReceiverOptions } from '../support/receiver.js';
import { TEST_API_KEY } from '../support/stripe-cli.js';

/** The key goes in the environment, as users are told to give it (`--api-key` is warned about). */
const KEY_ENV = { STRIPE_API_KEY: TEST_API_KEY };

let fake: FakeStripe | undefined;
let receiver: Receiver | undefined;

afterEach(async () => {
  await fake?.close();
  await receiver?.close();
  fake = receiver = undefined;
});

const globalArgs = (apiBase: string) => ['--api-base', apiBase, '--stripe-bin', STRIPE_BIN];

async function backend(options: ReceiverOptions = {}): Promise<{ fake: FakeStripe; receiver: Receiver }> {
  fake = await startFakeStripe();
  receiver = await startReceiver({ secret: fake.secret, ...options });
  return { fake, receiver };
}

function triggerFlow(args: string[], apiBase = fake!.url, box: Sandbox = sandbox()) {
  return runCli(['trigger-flow', ...args, ...globalArgs(apiBase)], { box, env: KEY_ENV });
}

/** A sandbox whose cwd holds a flow file. */
function withFile(name: string, text: string): Sandbox {
  const box = sandbox();
  writeFileSync(join(box.cwd, name), text);
  return box;
}

/** stdout must be exactly one JSON document. */
function onlyJson(stdout: string): FlowReport {
  expect(stdout.trim().split('\n')).toHaveLength(1);
  return JSON.parse(stdout) as FlowReport;
}

// The documented order (asserted against the source documents in test/unit/flow-load.test.ts).
const PAYMENT = BUILTIN_FLOWS.find((flow) => flow.name === 'payment')!.steps.map((step) => step.event);

describe('trigger-flow payment, live', () => {
  it('passes in order against a receiver that verifies every signature (--json)', async () => {
    const { receiver } = await backend();
    const result = await triggerFlow(['payment', '--forward-to', receiver.url, '--json']);
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stderr).toBe('');
    const report = onlyJson(result.stdout);
    expect(Object.keys(report)).toEqual(['flow', 'ok', 'mode', 'steps', 'sideEffects']);
    expect(report).toMatchObject({ flow: 'payment', ok: true, mode: 'live' });
    expect(report.steps.map((step) => step.event)).toEqual(PAYMENT);
    for (const step of report.steps) {
      expect(Object.keys(step)).toEqual(['event', 'trigger', 'eventId', 'status', 'ms', 'ok']);
      expect(step).toMatchObject({ ok: true, status: 200, trigger: step.event === 'charge.pending' ? null : step.event });
      expect(step.eventId).toMatch(/^evt_\w{24}$/);
    }
    // Each step's event reached the app, verified, and the triggered ones in the flow's order.
    const position = (id: string | null) => receiver.deliveries.findIndex((d) => d.event?.id === id);
    for (const step of report.steps) {
      expect(receiver.deliveries[position(step.eventId)]).toMatchObject({ verified: true, status: 200, event: { type: step.event } });
    }
    const triggered = report.steps.filter((step) => step.trigger !== null).map((step) => position(step.eventId));
    expect(triggered).toEqual([...triggered].sort((a, b) => a - b));
    // The rest of what arrived is reported as side effects, each a real verified delivery.
    expect(report.sideEffects.length).toBeGreaterThan(0);
    for (const effect of report.sideEffects) {
      expect(receiver.deliveries[position(effect.eventId)]).toMatchObject({ verified: true, event: { type: effect.type } });
      expect(report.steps.map((step) => step.eventId)).not.toContain(effect.eventId);
    }
    expect(receiver.deliveries.every((d) => d.verified)).toBe(true);
  });

  it('the app answering one event 500 fails that step, skips the rest, exit 1, one JSON document', async () => {
    const { receiver } = await backend({ status: { 'payment_intent.processing': 500 } });
    const result = await triggerFlow(['payment', '--forward-to', receiver.url, '--json']);
    expect(result.exitCode).toBe(1);
    const report = onlyJson(result.stdout);
    expect(report.ok).toBe(false);
    expect(report.steps.slice(0, 4).every((step) => step.ok)).toBe(true);
    const failed = report.steps[4]!;
    expect(failed).toMatchObject({ event: 'payment_intent.processing', status: 500, ok: false, failure: 'status' });
    // The relay recorded the app's answer to exactly this event, body included.
    expect(failed.error).toBe('the app answered 500: {"received":true}');
    expect(receiver.deliveries.find((d) => d.event?.id === failed.eventId)).toMatchObject({ status: 500, event: { type: 'payment_intent.processing' } });
    for (const step of report.steps.slice(5)) expect(step).toMatchObject({ ok: false, eventId: null, status: null, failure: 'skipped', error: 'not run: an earlier step failed' });
  });
});

describe('trigger-flow on a connected account', () => {
  it('--stripe-account triggers Connect events, which the listener forwards to the same URL', async () => {
    const { receiver } = await backend();
    const result = await triggerFlow(['invoice-void', '--stripe-account', 'acct_1Connected', '--forward-to', receiver.url, '--json']);
    expect(result.exitCode, result.stderr).toBe(0);
    const report = onlyJson(result.stdout);
    for (const step of report.steps) {
      expect(receiver.deliveries.find((d) => d.event?.id === step.eventId)).toMatchObject({ verified: true, event: { account: 'acct_1Connected' } });
    }
  });
});

describe('trigger-flow, human output', () => {
  it('prints the table and a summary; --continue-on-error runs past a failed step', async () => {
    const { receiver } = await backend({ status: { 'invoice.updated': 503 } });
    const result = await triggerFlow(['invoice', '--forward-to', receiver.url, '--continue-on-error']);
    expect(result.exitCode).toBe(1);
    const lines = result.stdout.split('\n');
    expect(lines[0]).toMatch(/^step +event +trigger +evt id +status +ms +result$/);
    expect(lines[1]).toMatch(/^1 +invoice\.created +invoice\.created +evt_\w{24} +200 +\d+ +ok$/);
    expect(lines[2]).toMatch(/^2 +invoice\.updated +invoice\.updated +evt_\w{24} +503 +\d+ +FAIL the app answered 503: \{"received":true\}$/);
    expect(lines[3]).toMatch(/^3 +invoice\.finalized +invoice\.finalized +evt_\w{24} +200 +\d+ +ok$/);
    expect(lines[4]).toMatch(/^4 +invoice\.paid +invoice\.paid +evt_\w{24} +200 +\d+ +ok$/);
    expect(result.stdout).toMatch(/^side effects: \d+ other events? delivered$/m);
    expect(result.stdout.trimEnd().split('\n').at(-1)).toBe('invoice: FAILED — 3 passed, 1 failed of 4 steps');
    expect(result.stderr).toBe('error flow invoice: 1 step failed\nhint  the report above says which and why');
  });

  it('an event that never arrives fails its step at --step-timeout with a clear message', async () => {
    const { fake, receiver } = await backend();
    fake.dropEvent('customer.updated');
    // The first step keeps Stripe's default room (its own timeout beats --step-timeout): on a loaded machine a
    // `stripe trigger` alone can take over a second (and did, in a CI run at load 16, for the second step too, when
    // --step-timeout was 1 s). The second, never sent, waits --step-timeout's 5 s, which covers its trigger too.
    const box = withFile('flow.yaml', 'steps:\n  - event: customer.created\n    timeout: 30\n  - customer.updated\n');
    const result = await triggerFlow(['--file', 'flow.yaml', '--forward-to', receiver.url, '--step-timeout', '5'], fake.url, box);
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toMatch(/^1 +customer\.created .* ok$/m);
    expect(result.stdout).toMatch(/^2 +customer\.updated +customer\.updated +- +- +5\d{3} +FAIL no customer\.updated event arrived within 5 s$/m);
    expect(result.stdout).toContain('flow: FAILED — 1 passed, 1 failed of 2 steps');
    // The fake did make it (its request succeeded) but never sent it: Stripe "lost" it.
    expect(fake.requests.filter((r) => r.status !== 200)).toEqual([]);
    expect(fake.events.map((e) => e.type)).toEqual(['customer.created', 'customer.created']);
  });
});
