/**
 * Offline events in the app's API version (issue 22): a handler written against the 2022-08-01 shape
 * (invoice.subscription and invoice.payment_intent as ids, subscription.current_period_end) and one
 * written against today's (invoice.parent.subscription_details, the items' periods) each pass their flow
 * offline with their own version, from --api-version, the app's node_modules/stripe, or a flow file,
 * and fail the other's: the shape, not only the api_version label, follows the version.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { deliverFlow, type FlowReport } from '../../src/index.js';
import { runCli, sandbox } from '../support/cli.js';
import { receiversPerTest, type Delivery } from '../support/receiver.js';

const secret = 'whsec_apiVersionSecret0123456789abcdef';
type Event = NonNullable<Delivery['event']>;
type Obj = Record<string, unknown>;
const objectOf = (event: Event) => (event as unknown as { data: { object: Obj } }).data.object;
const isId = (value: unknown, prefix: string) => typeof value === 'string' && value.startsWith(`${prefix}_`);

/** Written against 2022-08-01 (as Stripe's fixed-price subscription sample reads an invoice): 500 when a field it reads is not there. */
function handler2022(event: Event): number {
  const o = objectOf(event);
  if (event.type.startsWith('invoice.')) {
    if (!isId(o.subscription, 'sub')) return 500;
    if (o.status !== 'draft' && !isId(o.payment_intent, 'pi')) return 500;
    if (event.type === 'invoice.paid' && o.paid !== true) return 500;
  }
  if (event.type.startsWith('customer.subscription.') && typeof o.current_period_end !== 'number') return 500;
  return 200;
}

/** Written against today's shape (basil on). */
function handlerToday(event: Event): number {
  const o = objectOf(event);
  if (event.type.startsWith('invoice.') && !isId((o.parent as { subscription_details?: Obj } | null)?.subscription_details?.subscription, 'sub')) return 500;
  if (event.type.startsWith('customer.subscription.')) {
    const item = (o.items as { data: Obj[] }).data[0]!;
    if (typeof item.current_period_end !== 'number') return 500;
  }
  return 200;
}

const app2022 = receiversPerTest({ secret, status: handler2022 });
const appToday = receiversPerTest({ secret, status: handlerToday });
const env = { STRIPE_WEBHOOK_SECRET: secret };

async function run(args: string[], box = sandbox()) {
  const cli = await runCli(['trigger-flow', ...args, '--offline', '--seed', '7', '--json'], { box, env });
  return { cli, report: JSON.parse(cli.stdout || '{}') as FlowReport };
}

describe('offline events in the app API version', () => {
  it('--api-version 2022-08-01: the 2022 handler passes payment and invoice, the report says flag; today\'s handler fails them', async () => {
    const { url, deliveries } = await app2022();
    for (const flow of ['payment', 'invoice', 'subscription']) {
      const { cli, report } = await run([flow, '--forward-to', url, '--api-version', '2022-08-01']);
      expect(cli.exitCode, cli.stdout + cli.stderr).toBe(0);
      expect(report.apiVersion).toEqual({ version: '2022-08-01', reason: 'flag', shape: '2022-08-01' });
    }
    const invoice = deliveries.filter((d) => d.event?.type === 'invoice.paid').map((d) => objectOf(d.event!))[0]!;
    expect(invoice.parent).toBeUndefined();
    expect(invoice.payment_intent).toMatch(/^pi_/);

    const today = await appToday();
    const { cli } = await run(['invoice', '--forward-to', today.url, '--api-version', '2022-08-01']);
    expect(cli.exitCode).toBe(1);
  });

  it('2022-08-01: invoice.payment_succeeded carries the ids a fixed-price subscription handler reads (subscription, payment_intent), the story\'s own', async () => {
    // What Stripe's subscription-use-cases fixed-price server reads on invoice.payment_succeeded (billing_reason aside,
    // which an override sets): dataObject.subscription and dataObject.payment_intent, as ids to retrieve and update.
    const { url, deliveries } = await app2022();
    const box = sandbox();
    writeFileSync(join(box.cwd, 'flows.yaml'), 'steps:\n  - event: invoice.payment_succeeded\n  - event: payment_intent.succeeded\n  - event: customer.subscription.updated\n');
    const { cli } = await run(['--file', 'flows.yaml', '--forward-to', url, '--api-version', '2022-08-01'], box);
    expect(cli.exitCode, cli.stdout + cli.stderr).toBe(0);
    const [invoice, intent, subscription] = deliveries.map((d) => objectOf(d.event!));
    expect(invoice).toMatchObject({ object: 'invoice', subscription: subscription!.id, payment_intent: intent!.id, paid: true });
    expect(intent!.invoice).toBe(invoice!.id);
  });

  it("detected from the app's node_modules/stripe (stripe 10, no --api-version): the 2022 handler passes", async () => {
    const { url } = await app2022();
    const box = sandbox();
    mkdirSync(join(box.cwd, 'node_modules', 'stripe'), { recursive: true });
    writeFileSync(join(box.cwd, 'node_modules', 'stripe', 'package.json'), JSON.stringify({ name: 'stripe', version: '10.17.0' }));
    const { cli, report } = await run(['payment', '--forward-to', url], box);
    expect(cli.exitCode, cli.stdout + cli.stderr).toBe(0);
    expect(report.apiVersion).toEqual({ version: '2022-08-01', reason: "app's stripe@10.17.0", shape: '2022-08-01' });
  });

  it("a flow file's apiVersion: wins over detection", async () => {
    const { url } = await app2022();
    const box = sandbox();
    writeFileSync(join(box.cwd, 'flows.yaml'), 'flows:\n  renewal:\n    apiVersion: 2022-08-01\n    steps:\n      - event: invoice.finalized\n      - event: invoice.paid\n');
    const { cli, report } = await run(['--file', 'flows.yaml', 'renewal', '--forward-to', url], box);
    expect(cli.exitCode, cli.stdout + cli.stderr).toBe(0);
    expect(report.apiVersion?.reason).toBe('flow file');
  });

  it("today's handler passes with the default version (the SDK's) through the library, and the 2022 one fails it", async () => {
    const today = await appToday();
    const report = await deliverFlow({ flow: 'payment', url: today.url, secret, seed: 7 });
    expect(report.ok).toBe(true);
    expect(report.apiVersion?.reason).toMatch(/^(default|app's stripe@)/); // the cwd is this repository, with the SDK in node_modules
    const old = await app2022();
    expect((await deliverFlow({ flow: 'invoice', url: old.url, secret, seed: 7 })).ok).toBe(false);
    expect((await deliverFlow({ flow: 'invoice', url: old.url, secret, seed: 7, apiVersion: '2022-08-01' })).ok).toBe(true);
  });

  it('the human report says which version and why, and the shape taken when it differs', async () => {
    const { url } = await appToday();
    const known = await runCli(['trigger-flow', 'invoice', '--offline', '--seed', '7', '--forward-to', url, '--api-version', '2026-10-28.endive'], { env });
    expect(known.exitCode, known.stderr).toBe(0);
    expect(known.stdout).toContain('api version: 2026-10-28.endive (flag)\n');
    const unknown = await runCli(['trigger-flow', 'invoice', '--offline', '--seed', '7', '--forward-to', url, '--api-version', '2099-01-01'], { env });
    expect(unknown.stdout).toContain('api version: 2099-01-01 (flag), objects shaped as 2026-10-28.endive');
  });

  it('an unknown version warns, takes the nearest known shape before it, and the report names both', async () => {
    const { url } = await appToday();
    const { cli, report } = await run(['invoice', '--forward-to', url, '--api-version', '2025-05-01.basil']);
    expect(cli.exitCode, cli.stderr).toBe(0);
    expect(cli.stderr).toContain('warning API version 2025-05-01.basil (flag) is not one stripe-hooks knows: its events take the shape of 2025-03-31.basil');
    expect(report.apiVersion).toMatchObject({ version: '2025-05-01.basil', shape: '2025-03-31.basil' });
  });
});
