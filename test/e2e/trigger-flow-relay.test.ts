/**
 * Live `trigger-flow` through the relay, end to end: the built CLI runs the real `stripe listen`
 * (forwarding to the relay) and `stripe trigger` against the fake Stripe backend. Steps are matched
 * by the event ids the relay records, failed POSTs included; --route, --serial and
 * --forward-timeout act on each delivery.
 */
import { writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { FlowReport } from '../../src/run/report.js';
import { runCli, sandbox, STRIPE_BIN, type Sandbox } from '../support/cli.js';
import { startFakeStripe, type FakeStripe } from '../support/fake-stripe/server.js';
import { closedPort } from '../support/ports.js';
import { startReceiver, type Receiver } from '../support/receiver.js';
import { childPids, isRunning, startCli, type RunningCli } from '../support/running-cli.js';
import { TEST_API_KEY } from '../support/stripe-cli.js';

const KEY_ENV = { STRIPE_API_KEY: TEST_API_KEY };

let fake: FakeStripe | undefined;
const receivers: Receiver[] = [];
const started: RunningCli[] = [];
let holding: Server | undefined;

afterEach(async () => {
  for (const cli of started.splice(0)) if (cli.child.exitCode === null) cli.child.kill('SIGKILL');
  await fake?.close();
  for (const receiver of receivers.splice(0)) await receiver.close();
  holding?.closeAllConnections();
  await new Promise((resolve) => (holding ? holding.close(resolve) : resolve(undefined)));
  fake = holding = undefined;
});

async function backend(): Promise<{ fake: FakeStripe; receiver: Receiver }> {
  fake = await startFakeStripe();
  return { fake, receiver: await receiver() };
}

async function receiver(options: Parameters<typeof startReceiver>[0] = {}): Promise<Receiver> {
  const started = await startReceiver({ secret: fake!.secret, ...options });
  receivers.push(started);
  return started;
}

function withFile(text: string): Sandbox {
  const box = sandbox();
  writeFileSync(join(box.cwd, 'flow.yaml'), text);
  return box;
}

const globalArgs = () => ['--api-base', fake!.url, '--stripe-bin', STRIPE_BIN];

function triggerFlow(args: string[], box: Sandbox = sandbox()) {
  return runCli(['trigger-flow', ...args, ...globalArgs()], { box, env: KEY_ENV });
}

function startFlow(args: string[], box: Sandbox = sandbox()): RunningCli {
  const cli = startCli(['trigger-flow', ...args, ...globalArgs()], { box, env: KEY_ENV });
  started.push(cli);
  return cli;
}

/** `http://127.0.0.1:PORT/path` without its scheme, as users write it from Stripe's docs. */
const schemeless = (url: string) => url.replace(/^http:\/\//, '');

function onlyJson(stdout: string): FlowReport {
  expect(stdout.trim().split('\n')).toHaveLength(1);
  return JSON.parse(stdout) as FlowReport;
}

describe('steps matched by the ids the relay records', () => {
  it("a late event of an earlier step is not claimed by a later step of the same type", async () => {
    const { fake, receiver } = await backend();
    // The customer.updated fixture creates a customer first: its customer.created reaches the app late,
    // while step 2 (which creates a customer of its own) is already running.
    fake.delayEvent('customer.created', 1500);
    const box = withFile('steps: [customer.updated, customer.created]\n');
    const result = await triggerFlow(['--file', 'flow.yaml', '--forward-to', receiver.url, '--json'], box);
    expect(result.exitCode, result.stderr).toBe(0);
    const report = onlyJson(result.stdout);
    const created = fake.events.filter((event) => event.type === 'customer.created');
    expect(created).toHaveLength(2);
    const [first, second] = created; // in the order the fake created them: step 1's, then step 2's
    const updated = fake.events.find((event) => event.type === 'customer.updated')!;
    expect(first!.data.object.id).toBe(updated.data.object.id);
    expect(report.steps.map((step) => step.eventId)).toEqual([updated.id, second!.id]);
    expect(report.sideEffects).toEqual([{ type: 'customer.created', eventId: first!.id, url: receiver.url, status: 200 }]);
  });
});

describe('a delivery that fails', () => {
  it('a failed POST is the step of that exact event: its error names the refused connection, the report its id', async () => {
    const { fake, receiver } = await backend();
    // The customer.updated fixture makes a customer.created first: two deliveries close together, one of them failing.
    const down = `http://127.0.0.1:${await closedPort()}/down`;
    // The last step keeps `stripe listen` running after the failure, so it reports the 502 to the fake.
    const box = withFile('steps: [customer.created, customer.updated, product.created]\n');
    const result = await triggerFlow(['--file', 'flow.yaml', '--forward-to', schemeless(receiver.url), '--route', `customer.updated=${down}`, '--continue-on-error', '--json'], box);
    expect(result.exitCode).toBe(1);
    const report = onlyJson(result.stdout);
    const updated = fake.events.find((event) => event.type === 'customer.updated')!;
    const [first, created] = fake.events.filter((event) => event.type === 'customer.created');
    expect(report.steps).toEqual([
      { event: 'customer.created', trigger: 'customer.created', eventId: first!.id, url: receiver.url, status: 200, ms: expect.any(Number), ok: true },
      {
        event: 'customer.updated',
        trigger: 'customer.updated',
        eventId: updated.id,
        url: down, // the route's
        status: null,
        ms: expect.any(Number),
        ok: false,
        failure: 'refused',
        error: expect.stringMatching(new RegExp(`^the app is unreachable at ${down}: nothing is listening at http://127\\.0\\.0\\.1:\\d+ \\(ECONNREFUSED\\)$`)),
      },
      expect.objectContaining({ event: 'product.created', ok: true }),
    ]);
    expect(report.sideEffects).toEqual([{ type: 'customer.created', eventId: created!.id, url: receiver.url, status: 200 }]);
    // The relay told the Stripe CLI (and so Stripe) 502 for it, and the app got the others.
    expect((await fake.waitForResponse(updated.id)).status).toBe(502);
    const product = fake.events.find((event) => event.type === 'product.created')!;
    expect(receiver.deliveries.map((d) => d.event?.id)).toEqual([first!.id, created!.id, product.id]);
  });

  it('--forward-timeout: an answer later than that fails the step, and the Stripe CLI is answered 504', async () => {
    const { fake } = await backend();
    const slow = await receiver({ delayMs: { 'customer.created': 10_000 } });
    // A second step keeps `stripe listen` running after the first failed, so it reports the 504 to the fake
    // (with one step, the run can end and stop it before it does).
    const box = withFile('steps: [customer.created, product.created]\n');
    const result = await triggerFlow(['--file', 'flow.yaml', '--forward-to', slow.url, '--forward-timeout', '1', '--continue-on-error', '--json'], box);
    expect(result.exitCode).toBe(1);
    const event = fake.events.find((e) => e.type === 'customer.created')!;
    expect(onlyJson(result.stdout).steps).toEqual([
      { event: 'customer.created', trigger: 'customer.created', eventId: event.id, url: slow.url, status: null, ms: expect.any(Number), ok: false, failure: 'timeout', error: 'the app gave no answer within 1 s' },
      expect.objectContaining({ event: 'product.created', ok: true }),
    ]);
    expect((await fake.waitForResponse(event.id)).status).toBe(504);
  });
});

describe('--route and --serial', () => {
  it('--route sends matching event types to a second receiver; the run passes', async () => {
    const { fake, receiver: app } = await backend();
    const billing = await receiver();
    const route = `invoice.*=localhost:${new URL(billing.url).port}/billing`; // localhost: 127.0.0.1 or ::1, whichever answers
    // The invoice.created fixture creates a customer first: customer.created goes to --forward-to, invoice.created to the route.
    const box = withFile('steps: [customer.created, invoice.created]\n');
    const result = await triggerFlow(['--file', 'flow.yaml', '--forward-to', schemeless(app.url), '--route', route, '--json'], box);
    expect(result.exitCode, result.stderr).toBe(0);
    const report = onlyJson(result.stdout);
    expect(report.steps.map((step) => step.ok)).toEqual([true, true]);
    const ids = (type: string) => fake.events.filter((e) => e.type === type).map((e) => e.id);
    expect(billing.deliveries.map((d) => [d.event?.id, d.path, d.verified])).toEqual(ids('invoice.created').map((id) => [id, '/billing', true]));
    expect(app.deliveries.map((d) => [d.event?.id, d.path, d.verified])).toEqual(ids('customer.created').map((id) => [id, '/webhook', true]));
    expect(ids('customer.created')).toHaveLength(2);
    expect(report.steps.map((step) => step.eventId)).toEqual([ids('customer.created')[0], ids('invoice.created')[0]]);
  });

  it('--serial delivers two events in the order Stripe created them, and the report says it reordered', async () => {
    const { fake, receiver } = await backend();
    const box = withFile(
      'steps:\n  - customer.created\n  - event: customer.subscription.created\n    observe: true\n  - event: customer.subscription.updated\n    observe: true\n',
    );
    const cli = startFlow(['--file', 'flow.yaml', '--forward-to', receiver.url, '--serial', '--reorder-window', '1000', '--verbose', '--json'], box);
    // Step 1's own event is through (--serial held it for the window) before the pair is sent: alone, it is not reordered.
    await receiver.waitFor('customer.created');
    // Stripe created the subscription, then updated it; the update reaches the relay first (stripe-cli#1191).
    const subscription = { id: 'sub_serial', object: 'subscription', status: 'active' };
    const now = Math.floor(Date.now() / 1000);
    const updated = fake.emit({ type: 'customer.subscription.updated', object: subscription, created: now });
    await cli.waitForLine(new RegExp(`relay: took #\\d+ customer\\.subscription\\.updated \\[${updated.id}\\]`), 'stderr');
    const created = fake.emit({ type: 'customer.subscription.created', object: subscription, created: now - 5 });
    const result = await cli.child;
    expect(result.exitCode, result.stderr).toBe(0);
    const order = receiver.deliveries.map((d) => d.event?.id).filter((id) => id === created.id || id === updated.id);
    expect(order).toEqual([created.id, updated.id]);
    const report = onlyJson(result.stdout);
    expect(report.steps.slice(1)).toEqual([
      { event: 'customer.subscription.created', trigger: null, eventId: created.id, url: receiver.url, status: 200, ms: expect.any(Number), ok: true, reordered: true },
      { event: 'customer.subscription.updated', trigger: null, eventId: updated.id, url: receiver.url, status: 200, ms: expect.any(Number), ok: true },
    ]);
    expect(report.steps[0]).not.toHaveProperty('reordered');
  });
});

describe('Ctrl+C', () => {
  it('with a delivery in flight: exit 130 at once, no stripe process left', async () => {
    await backend();
    let arrived: () => void;
    const first = new Promise<void>((resolve) => (arrived = resolve));
    holding = createServer(() => arrived()); // takes the delivery, never answers
    await new Promise<void>((resolve) => holding!.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(holding.address() as AddressInfo).port}/webhook`;
    const cli = startFlow(['invoice-void', '--forward-to', url]);
    await first;
    const children = childPids(cli.child.pid!);
    expect(children.length).toBeGreaterThan(0); // stripe listen (and maybe the trigger)
    const interrupted = Date.now();
    cli.child.kill('SIGINT');
    const result = await cli.child;
    expect(result.exitCode).toBe(130);
    expect(result.stderr).toMatch(/error Interrupted$/);
    expect(Date.now() - interrupted).toBeLessThan(10_000); // not the 30 s the delivery could still take
    expect(children.filter(isRunning)).toEqual([]);
  });
});
