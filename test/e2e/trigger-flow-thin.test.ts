/**
 * Live `trigger-flow` with thin events (issue #24): `--thin-to` adds a second `stripe listen` (the real 1.52,
 * against the fake) for thin events, which the relay delivers to an app verifying them with
 * `parseEventNotification`; `--events-from` reaches both; `--dry-run` shows both commands.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { FlowReport } from '../../src/run/report.js';
import { startApp, type App } from '../support/app.js';
import { runCli, sandbox, STRIPE_BIN, tempDir } from '../support/cli.js';
import { startFakeStripe, type FakeStripe } from '../support/fake-stripe/server.js';
import { receiversPerTest } from '../support/receiver.js';
import { TEST_API_KEY } from '../support/stripe-cli.js';

const METER = 'v1.billing.meter.no_meter_found';

let fake: FakeStripe | undefined;
let app: App | undefined;
const receiver = receiversPerTest();

afterEach(async () => {
  await Promise.all([fake?.close(), app?.close()]);
  fake = app = undefined;
});

function triggerFlow(args: string[], apiBase: string) {
  const box = sandbox();
  writeFileSync(join(box.cwd, 'flow.yaml'), 'steps: [customer.created]\n');
  return runCli(['trigger-flow', '--file', 'flow.yaml', ...args, '--api-base', apiBase, '--stripe-bin', STRIPE_BIN], { box, env: { STRIPE_API_KEY: TEST_API_KEY } });
}

describe('trigger-flow --thin-to', () => {
  it('--dry-run --json shows the second stripe listen, for thin events, and where they go', async () => {
    const result = await triggerFlow(['--thin-to', 'localhost:4000/thin', '--events-from', '@self', '--dry-run', '--json'], 'http://127.0.0.1:12111');
    expect(result.exitCode, result.stderr).toBe(0);
    const plan = JSON.parse(result.stdout) as Record<string, unknown>;
    expect((plan.listen as string[]).join(' ')).toMatch(/--forward-to \S+\/forward --events customer\.created --events-from @self/);
    expect((plan.listenThin as string[]).join(' ')).toMatch(/--forward-to \S+\/thin --all-thin --events-from @self/);
    expect(plan.relay).toEqual({ forwardTo: 'http://localhost:4242/webhook', thinTo: 'http://localhost:4000/thin', eventsFrom: '@self', routes: [] });
    const human = await triggerFlow(['--thin-to', 'localhost:4000/thin', '--dry-run'], 'http://127.0.0.1:12111');
    expect(human.stdout.split('\n').filter((line) => line.startsWith('stripe listen '))).toHaveLength(2);
    expect(human.stdout).toContain('#   thin events → http://localhost:4000/thin');
  });

  it('a thin event the run causes reaches --thin-to, verified with parseEventNotification, as a side effect answered 200', async () => {
    fake = await startFakeStripe();
    const thins = await receiver({ secret: fake.secret, thin: true });
    // The step's event is answered only once the thin event was delivered: the run cannot end before it.
    app = await startApp({ answer: async () => (await thins.waitFor(METER), {}) });
    void fake.waitForRequest('POST /v1/customers').then(() => fake!.emitThin(METER));
    const result = await triggerFlow(['--forward-to', app.url(), '--thin-to', thins.url, '--json'], fake.url);
    expect(result.exitCode, result.stderr).toBe(0);
    const report = JSON.parse(result.stdout) as FlowReport;
    const [thin] = fake.thinEvents;
    expect(report.steps).toMatchObject([{ event: 'customer.created', ok: true }]);
    expect(report.sideEffects).toContainEqual({ type: METER, eventId: thin!.id, url: thins.url, status: 200 });
    expect(thins.deliveries).toMatchObject([{ verified: true, event: { id: thin!.id, object: 'v2.core.event' } }]);
    expect(fake.sessions.map((session) => session.features.join(',')).sort()).toEqual(['v2_events', 'webhooks']);
    expect(result.stderr).not.toMatch(/deprecat/i);
  });

  it("a flow's thin steps, live: each stripe trigger v1.billing.meter.* causes its thin event, which reaches --thin-to and passes its step", async () => {
    // Those fixtures post their meter event to https://meter-events.stripe.com whatever --api-base says: the unix
    // socket (STRIPE_CLI_UNIX_SOCKET, which the Stripe CLI honours for every host) keeps all of it on the fake.
    const socket = join(tempDir(), 'stripe.sock');
    fake = await startFakeStripe({ unixSocket: socket });
    const [snapshots, thins] = [await receiver({ secret: fake.secret }), await receiver({ secret: fake.secret, thin: true })];
    const box = sandbox({ STRIPE_CLI_UNIX_SOCKET: socket });
    writeFileSync(join(box.cwd, 'meters.yaml'), 'steps: [customer.created, v1.billing.meter.no_meter_found, v1.billing.meter.error_report_triggered]\n');
    const result = await runCli(['trigger-flow', '--file', 'meters.yaml', '--forward-to', snapshots.url, '--thin-to', thins.url, '--json', '--stripe-bin', STRIPE_BIN], { box, env: { STRIPE_API_KEY: TEST_API_KEY } });
    expect(result.exitCode, result.stderr).toBe(0);
    const report = JSON.parse(result.stdout) as FlowReport;
    const ids = fake.thinEvents.map((event) => event.id);
    expect(report.steps.map(({ event, ok, status, eventId }) => ({ event, ok, status, eventId }))).toEqual([
      { event: 'customer.created', ok: true, status: 200, eventId: fake.events.find((event) => event.type === 'customer.created')!.id },
      { event: 'v1.billing.meter.no_meter_found', ok: true, status: 200, eventId: ids[0] },
      { event: 'v1.billing.meter.error_report_triggered', ok: true, status: 200, eventId: ids[1] },
    ]);
    expect(thins.deliveries.map((d) => [d.event?.type, d.verified])).toEqual([
      ['v1.billing.meter.no_meter_found', true],
      ['v1.billing.meter.error_report_triggered', true],
    ]);
    expect(snapshots.deliveries.every((d) => d.verified && d.event?.object === 'event')).toBe(true);
    expect(fake.requests.filter((r) => r.path === '/v2/billing/meter_event_stream').map((r) => r.headers.host)).toEqual(['meter-events.stripe.com', 'meter-events.stripe.com']);
  });
});

describe('trigger <thin type>, live: --thin-to and --events-from, as trigger-flow takes them', () => {
  it('stripe trigger v1.billing.meter.no_meter_found causes the thin event, which reaches --thin-to verified with parseEventNotification: the one step passes', async () => {
    const socket = join(tempDir(), 'stripe.sock');
    fake = await startFakeStripe({ unixSocket: socket });
    const [snapshots, thins] = [await receiver({ secret: fake.secret }), await receiver({ secret: fake.secret, thin: true })];
    const box = sandbox({ STRIPE_CLI_UNIX_SOCKET: socket });
    const args = ['trigger', METER, '--forward-to', snapshots.url, '--thin-to', thins.url, '--events-from', '@self', '--stripe-bin', STRIPE_BIN];
    const result = await runCli(['--json', ...args], { box, env: { STRIPE_API_KEY: TEST_API_KEY } });
    expect(result.exitCode, result.stderr).toBe(0);
    const [thin] = fake.thinEvents;
    expect((JSON.parse(result.stdout) as FlowReport).steps).toEqual([{ event: METER, trigger: METER, eventId: thin!.id, url: thins.url, status: 200, ms: expect.any(Number), ok: true }]);
    expect(thins.deliveries).toMatchObject([{ verified: true, event: { id: thin!.id, object: 'v2.core.event' } }]);
    expect(snapshots.deliveries).toEqual([]);
    expect(fake.sessions.map((session) => session.features.join(','))).toEqual(['v2_events']); // one stripe listen, for thin events
    expect(result.stderr).not.toMatch(/deprecat/i);

    const dry = await runCli(['--json', ...args, '--dry-run'], { box, env: { STRIPE_API_KEY: TEST_API_KEY } });
    const plan = JSON.parse(dry.stdout) as { listen: string[]; listenThin?: string[]; relay: Record<string, unknown> };
    expect(plan.listen.join(' ')).toMatch(new RegExp(`/thin --events ${METER.replaceAll('.', '\\.')} --events-from @self`));
    expect(plan.listenThin).toBeUndefined(); // no snapshot event selected: the one stripe listen is the thin one
    expect(plan.relay).toMatchObject({ forwardTo: snapshots.url, thinTo: thins.url, eventsFrom: '@self' });
  });

  it('--events-from is live only; --thin-secret offline only (exit 2, nothing run)', async () => {
    const offline = await runCli(['trigger', METER, '--offline', '--events-from', '@self'], { box: sandbox() });
    expect([offline.exitCode, offline.stderr.split('\n')[0]]).toEqual([2, 'error --events-from and --offline cannot be combined']);
    const live = await runCli(['trigger', METER, '--thin-secret', 'whsec_x', '--api-base', 'http://127.0.0.1:9'], { box: sandbox(), env: { STRIPE_API_KEY: TEST_API_KEY } });
    expect([live.exitCode, live.stderr.split('\n')[0]]).toEqual([2, 'error --thin-secret works only with --offline']);
  });
});
