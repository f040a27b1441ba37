/**
 * --inspect on the commands that run and end: `replay` and `trigger-flow` (offline, and live on the real Stripe CLI
 * against the fake Stripe). Each serves its deliveries (the answer's body, the signature checked with the run's
 * secret) and, for a flow, its steps linked to their deliveries; the page stays up after the run until Ctrl+C:
 * the exit code is then 1 when the run failed, else 130 as for any Ctrl+C.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { InspectItem } from '../../src/inspect/item.js';
import type { InspectStep } from '../../src/inspect/server.js';
import { sandbox, STRIPE_BIN, type Sandbox } from '../support/cli.js';
import { startFakeStripe, type FakeStripe } from '../support/fake-stripe/server.js';
import { call, openEvents, type ServerEvent } from '../support/inspector-client.js';
import { KEY_ENV } from '../support/listen-cli.js';
import { startReceiver, type Receiver } from '../support/receiver.js';
import { startCli, type RunningCli } from '../support/running-cli.js';
import { BUILTIN_FLOWS } from '../../src/flows/builtin.js';

const PAYMENT_STEPS = BUILTIN_FLOWS.find((flow) => flow.name === 'payment')!.steps.map((step) => step.event);

const SECRET = 'whsec_inspectrunssecret0123456789abcd';
let receiver: Receiver | undefined;
let fake: FakeStripe | undefined;
let cli: RunningCli | undefined;
const streams: Array<{ close(): void }> = [];

afterEach(async () => {
  streams.splice(0).forEach((stream) => stream.close());
  if (cli?.child.exitCode === null) cli.child.kill('SIGKILL');
  await cli?.child.catch(() => undefined);
  await receiver?.close();
  await fake?.close();
  receiver = fake = cli = undefined;
});

/** Runs the CLI until its report is out; the inspector's items, and its event stream read past the items (to the steps). */
async function inspected(args: string[], box: Sandbox, env: NodeJS.ProcessEnv) {
  cli = startCli([...args, '--json', '--inspect'], { box, env });
  const { url } = JSON.parse(await cli.waitForLine(/"kind":"inspector"/)) as { url: string };
  await cli.waitForLine(/"flow":/); // the run's report: the run is over, the page still up
  const page = new URL(url);
  const token = page.searchParams.get('token')!;
  const { items } = JSON.parse((await call(page.origin, `/api/deliveries?token=${token}`)).text) as { items: InspectItem[] };
  const stream = openEvents(page.origin, `/events?token=${token}`);
  streams.push(stream);
  const events: ServerEvent[] = [await stream.next()];
  for (let i = 0; i < items.length; i++) events.push(await stream.next());
  return { items, events, stream, page, token };
}

const event = (n: number) => JSON.stringify({ id: `evt_runs${n}`, object: 'event', type: n === 1 ? 'invoice.paid' : 'customer.created', created: 1_700_000_000 + n, livemode: false, data: { object: { id: `obj_${n}` } } });

describe('--inspect on runs', () => {
  it('replay --inspect shows each POST with the answer and a verifying signature, and stays up until Ctrl+C', async () => {
    receiver = await startReceiver({ secret: SECRET, status: (e) => (e.type === 'invoice.paid' ? 500 : 200) });
    const box = sandbox();
    const lines = [0, 1].map((n) => JSON.stringify({ v: 1, run: 'r', seq: n, receivedAt: '2026-12-01T10:00:00.000Z', event: event(n), headers: {}, answer: { status: 200, ms: 1 } }));
    writeFileSync(join(box.cwd, 'rec.ndjson'), lines.join('\n') + '\n');
    const { items, events } = await inspected(['replay', 'rec.ndjson', '--forward-to', receiver.url, '--continue-on-error'], box, { STRIPE_WEBHOOK_SECRET: SECRET });
    expect(events[0]!.data).toMatchObject({ mode: 'replay' });
    expect(items.map((item) => [item.id, item.status])).toEqual([['evt_runs0', 200], ['evt_runs1', 500]]);
    expect(items[0]).toMatchObject({ route: receiver.url, event: event(0), answer: { status: 200, body: '{"received":true}' }, signature: { verifies: true, tolerance: 300 } });
    expect(items[1]).toMatchObject({ status: 500, body: '{"received":true}', answer: { status: 500, headers: { 'content-type': 'application/json' } } });
    expect(JSON.stringify(items)).not.toContain(SECRET);
    expect(cli!.child.exitCode).toBeNull(); // held for the user
    cli!.child.kill('SIGINT');
    expect((await cli!.child).exitCode).toBe(1); // the run's outcome: a delivery failed
  });

  it('trigger-flow --offline --inspect shows the steps in order, each linked to its delivery', async () => {
    receiver = await startReceiver({ secret: SECRET });
    const { items, events, stream } = await inspected(['trigger-flow', 'payment', '--offline', '--forward-to', receiver.url], sandbox(), { STRIPE_WEBHOOK_SECRET: SECRET });
    expect(items.length).toBe(receiver.deliveries.length);
    while (events.filter((e) => e.event === 'step').length < items.length) events.push(await stream.next());
    const steps = events.filter((e) => e.event === 'step').map((e) => e.data as InspectStep);
    expect(steps.map((step) => step.index)).toEqual(steps.map((_, i) => i));
    for (const step of steps) {
      const item = items.find((candidate) => candidate.seq === step.seq)!;
      expect(step.ok).toBe(true);
      expect(item.id).toBe(step.eventId);
      expect(item.signature?.verifies).toBe(true);
    }
    cli!.child.kill('SIGINT');
    expect((await cli!.child).exitCode).toBe(130); // a run that passed, then the page stopped with Ctrl+C
  });

  it('trigger-flow --inspect (live, the real Stripe CLI) serves the relayed deliveries and the steps', async () => {
    fake = await startFakeStripe();
    receiver = await startReceiver({ secret: fake.secret });
    const { items, events, stream, page, token } = await inspected(['trigger-flow', 'payment', '--forward-to', receiver.url, '--api-base', fake.url, '--stripe-bin', STRIPE_BIN], sandbox(), KEY_ENV);
    expect(events[0]!.data).toMatchObject({ mode: 'trigger-flow' });
    expect(items.length).toBe(receiver.deliveries.length);
    for (const item of items) expect(item).toMatchObject({ status: 200, signature: { verifies: true }, answer: { body: '{"received":true}' } });
    const { length } = PAYMENT_STEPS;
    while (events.filter((e) => e.event === 'step').length < length) events.push(await stream.next());
    const steps = events.filter((e) => e.event === 'step').map((e) => e.data as InspectStep);
    expect(steps.map((step) => [step.index, step.event, step.ok])).toEqual(PAYMENT_STEPS.map((type, i) => [i, type, true]));
    for (const step of steps) expect(items.find((item) => item.seq === step.seq)?.id).toBe(step.eventId);
    const { items: after } = JSON.parse((await call(page.origin, `/api/deliveries?token=${token}`)).text) as { items: InspectItem[] };
    for (const step of steps) expect(after.find((item) => item.id === step.eventId)?.step).toBe(step.index);
    cli!.child.kill('SIGINT');
    expect((await cli!.child).exitCode).toBe(130); // a run that passed, then the page stopped with Ctrl+C
  });

  it('trigger-flow --inspect (live) shows a failed step and the ones fail-fast skipped', async () => {
    fake = await startFakeStripe();
    receiver = await startReceiver({ secret: fake.secret, status: (e) => (e.type === PAYMENT_STEPS[0] ? 500 : 200) });
    cli = startCli(['trigger-flow', 'payment', '--forward-to', receiver.url, '--api-base', fake.url, '--stripe-bin', STRIPE_BIN, '--json', '--inspect'], { box: sandbox(), env: KEY_ENV });
    const { url } = JSON.parse(await cli.waitForLine(/"kind":"inspector"/)) as { url: string };
    const page = new URL(url);
    const stream = openEvents(page.origin, `/events?token=${page.searchParams.get('token')}`);
    streams.push(stream);
    const steps: InspectStep[] = [];
    while (steps.length < PAYMENT_STEPS.length) {
      const next = await stream.next();
      if (next.event === 'step') steps.push(next.data as InspectStep);
    }
    expect(steps[0]).toMatchObject({ index: 0, ok: false, status: 500, failure: 'status' });
    expect(steps.slice(1).map((step) => [step.ok, step.failure])).toEqual(PAYMENT_STEPS.slice(1).map(() => [false, 'skipped']));
    cli.child.kill('SIGINT');
    expect((await cli.child).exitCode).toBe(1); // the run failed
  });
});
