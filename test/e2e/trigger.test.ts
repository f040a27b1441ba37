/**
 * `stripe-hooks trigger <event>` end to end, and overrides reaching offline payloads: the built CLI against the
 * demo app (src/demo/app.ts, verifying with the SDK), a verifying receiver, and, live, the real `stripe trigger`
 * and `stripe listen` against the fake Stripe backend.
 */
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type Stripe from 'stripe';
import { afterEach, describe, expect, it } from 'vitest';
import { startWebhookApp } from '../../src/demo/app.js';
import type { FlowReport } from '../../src/run/report.js';
import { runCli, sandbox, STRIPE_BIN, type Sandbox } from '../support/cli.js';
import { startFakeStripe, type FakeStripe } from '../support/fake-stripe/server.js';
import { receiversPerTest } from '../support/receiver.js';
import { TEST_API_KEY } from '../support/stripe-cli.js';

const secret = 'whsec_triggerOneEvent0123456789abcdef';
const receiver = receiversPerTest({ secret });
const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((close) => close()));
});

async function demoApp(): Promise<{ url: string; log: string[] }> {
  const log: string[] = [];
  const app = await startWebhookApp({ secret, log: (line: string) => log.push(line) });
  closers.push(app.close);
  return { url: app.url, log };
}

const withSecret = { env: { STRIPE_WEBHOOK_SECRET: secret } };

function onlyJson(stdout: string): FlowReport {
  expect(stdout.trim().split('\n')).toHaveLength(1);
  return JSON.parse(stdout) as FlowReport;
}

function withFile(name: string, text: string): Sandbox {
  const box = sandbox();
  writeFileSync(join(box.cwd, name), text);
  return box;
}

describe('trigger <event> --offline', () => {
  it('sends one signed payment_intent.succeeded the demo app accepts, with overrides in the payload, as a one-step report', async () => {
    const app = await demoApp();
    const args = ['trigger', 'payment_intent.succeeded', '--offline', '--forward-to', app.url, '--override', 'payment_intent:amount_received=5000', '--override', 'payment_intent:currency=usd'];
    const text = await runCli(args, withSecret);
    expect(text.exitCode, text.stderr).toBe(0);
    expect(text.stdout).toMatch(/payment_intent\.succeeded: 1 step passed/);
    expect(app.log.at(-1)).toMatch(/^payment pi_\w+ succeeded: 5000 usd, fulfil the order$/);

    const json = await runCli(['--json', ...args, '--seed', '7'], withSecret);
    expect(json.exitCode, json.stderr).toBe(0);
    const report = onlyJson(json.stdout);
    expect(report).toMatchObject({ flow: 'payment_intent.succeeded', ok: true, mode: 'offline', sideEffects: [], seed: 7 });
    expect(report.steps).toEqual([expect.objectContaining({ event: 'payment_intent.succeeded', trigger: null, status: 200, ok: true })]);
  });

  it('--dry-run --json prints the event as it would be sent, overrides applied, and sends nothing', async () => {
    const { url, deliveries } = await receiver();
    const result = await runCli(['--json', 'trigger', 'invoice.paid', '--offline', '--dry-run', '--seed', '3', '--forward-to', url, '--override', 'invoice:billing_reason=manual', '--remove', 'invoice:description'], withSecret);
    expect(result.exitCode, result.stderr).toBe(0);
    const preview = JSON.parse(result.stdout) as { flow: string; seed: number; events: Stripe.Event[] };
    expect(preview).toMatchObject({ flow: 'invoice.paid', seed: 3 });
    expect(preview.events).toHaveLength(1);
    const invoice = preview.events[0]!.data.object as Stripe.Invoice;
    expect(invoice.billing_reason).toBe('manual');
    expect('description' in invoice).toBe(false);
    expect(deliveries).toHaveLength(0);
  });

  it('fails with exit 1 when the app refuses the event, as trigger-flow does', async () => {
    const { url } = await receiver({ secret, status: 500 });
    const result = await runCli(['trigger', 'invoice.paid', '--offline', '--forward-to', url, '--json'], withSecret);
    expect(result.exitCode, result.stderr).toBe(1);
    expect(onlyJson(result.stdout)).toMatchObject({ ok: false, steps: [{ event: 'invoice.paid', status: 500, ok: false }] });
  });

  it('refuses an unknown event type with did you mean, an override that cannot apply, and offline-only flags live (exit 2, nothing sent)', async () => {
    const { url, deliveries } = await receiver();
    const typo = await runCli(['trigger', 'payment_intent.succeded', '--offline', '--forward-to', url], withSecret);
    expect(typo.exitCode).toBe(2);
    expect(typo.stderr).toBe('error unknown event type "payment_intent.succeded"\nhint  did you mean "payment_intent.succeeded"?');
    const override = await runCli(['trigger', 'payment_intent.succeeded', '--offline', '--forward-to', url, '--override', 'payment_intent:amount.value=1'], withSecret);
    expect(override.exitCode).toBe(2);
    expect(override.stderr).toMatch(/^error step 1 \(payment_intent\.succeeded\): override "payment_intent:amount\.value=1": payment_intent\.amount is a number, not an object/);
    const live = await runCli(['trigger', 'payment_intent.succeeded', '--seed', '1', '--forward-to', url]);
    expect(live.exitCode).toBe(2);
    expect(live.stderr).toMatch(/^error --seed works only with --offline\n/);
    expect(deliveries).toHaveLength(0);
  });
});

describe('overrides in a flow file, offline', () => {
  const FLOW = `steps:
  - event: invoice.created
    override: ["invoice:billing_reason=subscription_create", "invoice:amount_due=4200"]
  - invoice.finalized
  - invoice.paid
`;

  it('reach every event that carries the object (billing_reason was subscription_cycle)', async () => {
    const { url, deliveries } = await receiver();
    const result = await runCli(['trigger-flow', '--file', 'first.yaml', '--offline', '--forward-to', url], { box: withFile('first.yaml', FLOW), ...withSecret });
    expect(result.exitCode, result.stderr).toBe(0);
    expect(deliveries).toHaveLength(3);
    for (const delivery of deliveries) {
      expect(delivery.verified).toBe(true);
      const invoice = (delivery.event as unknown as Stripe.Event).data.object as Stripe.Invoice;
      expect(invoice).toMatchObject({ billing_reason: 'subscription_create', amount_due: 4200 });
    }
  });

  it('one that cannot apply is a usage error naming the step, its event and the entry, before anything is sent', async () => {
    const { url, deliveries } = await receiver();
    const flow = 'steps:\n  - customer.updated\n  - event: customer.subscription.deleted\n    override: ["invoice:billing_reason=subscription_create"]\n';
    const box = withFile('sub.yaml', flow);
    // No secret anywhere: one would be generated into --dotenv, but the run stops first.
    const result = await runCli(['trigger-flow', '--file', 'sub.yaml', '--offline', '--forward-to', url, '--dotenv', '.env'], { box });
    expect(result.exitCode).toBe(2);
    expect(existsSync(join(box.cwd, '.env'))).toBe(false);
    expect(result.stderr).toMatch(
      /^error step 2 \(customer\.subscription\.deleted\): override "invoice:billing_reason=subscription_create": no event of this flow carries an "invoice"\nhint {2}the objects its events carry: customer, .*subscription/,
    );
    expect(deliveries).toHaveLength(0);
  });
});

describe('trigger <event>, live', () => {
  let fake: FakeStripe | undefined;
  afterEach(async () => {
    await fake?.close();
    fake = undefined;
  });

  it('runs stripe trigger with the overrides through the relay and verifies the delivery as a one-step flow', async () => {
    fake = await startFakeStripe();
    const { url, deliveries } = await receiver({ secret: fake.secret });
    const args = ['trigger', 'payment_intent.succeeded', '--override', 'payment_intent:description=one event', '--forward-to', url, '--json'];
    const result = await runCli([...args, '--api-base', fake.url, '--stripe-bin', STRIPE_BIN], { env: { STRIPE_API_KEY: TEST_API_KEY } });
    expect(result.exitCode, result.stderr).toBe(0);
    const report = onlyJson(result.stdout);
    expect(report).toMatchObject({ flow: 'payment_intent.succeeded', ok: true, mode: 'live' });
    expect(report.steps).toEqual([expect.objectContaining({ event: 'payment_intent.succeeded', trigger: 'payment_intent.succeeded', status: 200, ok: true })]);
    // The override went to Stripe as stripe trigger sends it, and the event the app verified carries it.
    expect(fake.requests.some((request) => request.path === '/v1/payment_intents' && request.params.description === 'one event')).toBe(true);
    const delivered = deliveries.find((delivery) => delivery.event?.id === report.steps[0]!.eventId)!;
    expect(delivered.verified).toBe(true);
    expect(((delivered.event as unknown as Stripe.Event).data.object as Stripe.PaymentIntent).description).toBe('one event');
  });

  it('refuses an event the Stripe CLI cannot trigger, pointing at --offline (exit 2, nothing sent)', async () => {
    fake = await startFakeStripe();
    const { url, deliveries } = await receiver({ secret: fake.secret });
    const result = await runCli(['trigger', 'charge.pending', '--forward-to', url, '--api-base', fake.url, '--stripe-bin', STRIPE_BIN], { env: { STRIPE_API_KEY: TEST_API_KEY } });
    expect(result.exitCode, result.stderr).toBe(2);
    expect(result.stderr).toMatch(/^error the Stripe CLI has no `stripe trigger` fixture for "charge\.pending"\nhint {2}Stripe sends charge\.pending as a side effect: add --offline/m);
    expect(deliveries).toHaveLength(0);
  });
});
