/**
 * The real `stripe listen` (1.52) against the fake's v2 protocol: sessions that ask for thin events
 * (`websocket_features[]=v2_events`), `v2_event` messages forwarded byte for byte and verified with
 * stripe-node's `parseEventNotification`, the CLI's `event_ack` and `webhook_response` for them, and
 * the 1.52 rules stripe-hooks builds on (no snapshot and thin to one destination, the deprecated flags).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { sandbox, tempDir } from '../support/cli.js';
import { startFakeStripe, type FakeStripe } from '../support/fake-stripe/server.js';
import { receiversPerTest } from '../support/receiver.js';
import { runStripe, startStripe, stopAllStripe } from '../support/stripe-cli.js';

const READY = /Ready! .*Your webhook signing secret is (whsec_\w+)/;
const METER = 'v1.billing.meter.no_meter_found';

let fake: FakeStripe | undefined;
const receiver = receiversPerTest();

afterEach(async () => {
  await stopAllStripe();
  await fake?.close();
  fake = undefined;
});

const listen = (api: FakeStripe, ...args: string[]) => startStripe(['listen', '--api-base', api.url, '--skip-update', ...args], { box: sandbox() });

describe('stripe listen 1.52 and thin events, against the fake', () => {
  it('--all-thin: a v2_events session gets only thin events, forwarded byte for byte, acked and answered', async () => {
    fake = await startFakeStripe();
    const thin = await receiver({ secret: fake.secret, thin: true });
    const listener = listen(fake, '--all-thin', '--forward-to', thin.url);
    await listener.waitForLine(READY, 'stderr');
    const [session] = fake.sessions;
    expect(session?.features).toEqual(['v2_events']);
    expect(session?.params).toMatchObject({ websocket_features: ['v2_events'], forward_thin_to_url: thin.url });

    const snapshot = fake.emit('customer.created'); // the session did not ask for it: the fake never sends it
    const event = fake.emitThin(METER);
    const delivery = await thin.waitFor(METER);
    expect(delivery.verified).toBe(true);
    expect(delivery.rawBody).toBe(fake.deliveries.find((d) => d.eventId === event.id)?.payload);
    expect(delivery.event).toMatchObject({ id: event.id, object: 'v2.core.event', type: METER });
    const destination = session!.destinationId;
    expect((await fake.waitForAck(event.id)).message).toEqual({ type: 'event_ack', event_id: event.id, webhook_conversation_id: '', webhook_id: destination });
    const response = await fake.waitForResponse(event.id);
    expect(response).toMatchObject({ status: 200, forwardUrl: thin.url });
    expect(response.message).toMatchObject({ webhook_id: destination, notification_id: event.id, request_body: delivery.rawBody });
    expect(fake.deliveries.filter((d) => d.eventId === snapshot.id)).toEqual([]);
    expect(thin.deliveries).toHaveLength(1);
  });

  it('--events with snapshot types only: the session asks for webhooks, and no thin event reaches it', async () => {
    fake = await startFakeStripe();
    const app = await receiver({ secret: fake.secret });
    const listener = listen(fake, '--events', 'customer.created', '--forward-to', app.url);
    await listener.waitForLine(READY, 'stderr');
    expect(fake.sessions[0]?.features).toEqual(['webhooks']);
    fake.emitThin(METER);
    const event = fake.emit('customer.created');
    expect((await app.waitFor('customer.created')).event?.id).toBe(event.id);
    expect(fake.deliveries.map((d) => d.kind)).toEqual(['snapshot']);
  });

  it('refuses snapshot and thin events to one destination, and warns that --thin-events and --forward-thin-to are deprecated', async () => {
    fake = await startFakeStripe();
    const mixed = await runStripe(['listen', '--api-base', fake.url, '--skip-update', '--events', `customer.created,${METER}`, '--forward-to', 'http://127.0.0.1:9/x']);
    expect(mixed.exitCode).toBe(1);
    expect(mixed.stderr).toMatch(/cannot forward both snapshot and thin events to the same destination/);

    const app = await receiver({ secret: fake.secret });
    const old = listen(fake, '--events', 'customer.created', '--forward-to', app.url, '--thin-events', METER, '--forward-thin-to', `${app.base}/thin`);
    await old.waitForLine(/Flag --thin-events has been deprecated/, 'stderr');
    await old.waitForLine(/Flag --forward-thin-to has been deprecated/, 'stderr');
    await old.waitForLine(READY, 'stderr');
    expect(fake.sessions[0]?.features).toEqual(['webhooks', 'v2_events']);
  });

  it('two processes, one per kind, get the same secret from one account; with secretFor they get their own', async () => {
    fake = await startFakeStripe({ secretFor: (features) => (features.includes('v2_events') ? 'whsec_thinsessionsecret0000000000' : undefined) });
    const snapshot = listen(fake, '--all-snapshot', '--forward-to', 'http://127.0.0.1:9/snapshot');
    const thin = listen(fake, '--all-thin', '--forward-to', 'http://127.0.0.1:9/thin');
    const [a, b] = await Promise.all([snapshot.waitForLine(READY, 'stderr'), thin.waitForLine(READY, 'stderr')]);
    expect(READY.exec(a)?.[1]).toBe(fake.secret);
    expect(READY.exec(b)?.[1]).toBe('whsec_thinsessionsecret0000000000');
  });

  // The CLI filters by account itself (@accounts also sends no forward_to_url): the fake needs nothing for it.
  it.each([
    ['all', ['connect', 'connect', 'own']],
    ['@self', ['own']],
    ['@accounts', ['connect', 'connect']],
  ])('--events-from %s forwards %j', async (from, expected) => {
    fake = await startFakeStripe();
    const app = await receiver({ secret: fake.secret });
    const listener = listen(fake, '--events', 'customer.created', '--events-from', from, '--forward-to', app.url);
    await listener.waitForLine(READY, 'stderr');
    const kinds = new Map<string, string>();
    for (const account of ['acct_1Connected', undefined, 'acct_1Connected']) {
      const event = fake.emit({ type: 'customer.created', account });
      kinds.set(event.id, account ? 'connect' : 'own');
      await fake.waitForAck(event.id);
    }
    // Those forwarded are answered; then a last event's answer comes after every earlier forward began (each is acked first).
    for (const [id, kind] of kinds) if (expected.includes(kind)) await fake.waitForResponse(id);
    const mark = fake.emit({ type: 'customer.created', account: from === '@self' ? undefined : 'acct_1Connected' });
    await fake.waitForResponse(mark.id);
    const forwarded = app.deliveries.map((d) => kinds.get(d.event!.id)).filter((kind) => kind !== undefined);
    expect(forwarded.sort()).toEqual([...expected].sort());
    if (from === '@accounts') expect(fake.sessions[0]?.params.forward_to_url).toBeUndefined();
  });

  it('--events-from with a bad value exits 1', async () => {
    fake = await startFakeStripe();
    const bad = await runStripe(['listen', '--api-base', fake.url, '--skip-update', '--events', 'customer.created', '--events-from', 'me', '--forward-to', 'http://127.0.0.1:9/x']);
    expect(bad.exitCode).toBe(1);
    expect(bad.stderr).toMatch(/invalid --events-from value "me"/);
  });

  // The billing meter fixtures post their events to https://meter-events.stripe.com whatever --api-base says: only the
  // unix socket (STRIPE_CLI_UNIX_SOCKET) keeps every request of theirs on this machine.
  it.each([
    ['v1.billing.meter.no_meter_found', null],
    ['v1.billing.meter.error_report_triggered', 'billing.meter'],
  ])('`stripe trigger %s` over the fake\'s unix socket causes that thin event, which `stripe listen --all-thin` forwards', async (type, related) => {
    const socket = join(tempDir(), 'stripe.sock');
    fake = await startFakeStripe({ unixSocket: socket });
    const thin = await receiver({ secret: fake.secret, thin: true });
    const env = { STRIPE_CLI_UNIX_SOCKET: socket };
    const listener = startStripe(['listen', '--skip-update', '--all-thin', '--forward-to', thin.url], { box: sandbox(env) });
    await listener.waitForLine(READY, 'stderr');
    const run = await runStripe(['trigger', type], { box: sandbox(env) });
    expect(run.exitCode, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/Trigger succeeded!/);
    const delivery = await thin.waitFor(type);
    expect(delivery.verified).toBe(true);
    expect((delivery.event?.related_object as { type: string } | null)?.type ?? null).toBe(related);
    const stream = fake.requests.find((r) => r.path === '/v2/billing/meter_event_stream');
    expect(stream).toMatchObject({ status: 200, headers: { host: 'meter-events.stripe.com' } });
    expect(stream?.headers.authorization).toMatch(/^Bearer mes_tok_/);
  });
});
