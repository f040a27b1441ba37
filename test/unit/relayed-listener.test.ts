/**
 * `startRelayedListener`, the library `listen` and `trigger-flow` run: the real
 * `stripe listen` against the fake backend, forwarding through the relay to
 * apps on loopback, driven without the CLI around it.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { InterruptedError } from '../../src/errors.js';
import { startRelayedListener, type RelayedEvent, type RelayedListener, type RelayedListenerOptions } from '../../src/relay/listener.js';
import type { StripeTarget } from '../../src/stripe-cli/spawn.js';
import { startApp, type App } from '../support/app.js';
import { sandbox, STRIPE_BIN } from '../support/cli.js';
import { startFakeStripe, type FakeStripe } from '../support/fake-stripe/server.js';
import { closedPort } from '../support/ports.js';
import { isRunning } from '../support/running-cli.js';
import { TEST_API_KEY } from '../support/stripe-cli.js';

let fake: FakeStripe | undefined;
let app: App | undefined;
let listener: RelayedListener | undefined;

afterEach(async () => {
  await listener?.stop();
  await fake?.close();
  await app?.close();
  fake = app = listener = undefined;
});

function target(api: FakeStripe): StripeTarget {
  const box = sandbox();
  return { bin: STRIPE_BIN, env: box.env, cwd: box.cwd, apiKey: TEST_API_KEY, apiBase: new URL(api.url) };
}

function start(api: FakeStripe, forwardTo: string, options: Partial<RelayedListenerOptions> = {}): Promise<RelayedListener> {
  return startRelayedListener({ target: target(api), routing: { forwardTo, routes: [] }, events: 'all', readyTimeoutMs: 15_000, ...options });
}

/** Reads events until `until` matches, returning all read so far. */
async function readUntil(events: AsyncIterator<RelayedEvent>, until: (event: RelayedEvent) => boolean): Promise<RelayedEvent[]> {
  const seen: RelayedEvent[] = [];
  for (;;) {
    const next = await events.next();
    if (next.done) throw new Error(`events ended; seen: ${JSON.stringify(seen)}`);
    seen.push(next.value);
    if (until(next.value)) return seen;
  }
}

const deliveries = (seen: RelayedEvent[]) => new Map(seen.flatMap((e) => (e.kind === 'delivery' ? [[e.delivery.id, e.delivery] as const] : [])));

/** Whether anything still accepts connections at `url`. */
const accepts = (url: string) =>
  fetch(url, { method: 'POST' }).then(
    () => true,
    () => false,
  );

describe('startRelayedListener', () => {
  it('is ready with the session secret; each event is received, then delivered with its own id, answer and body; stop() ends it all', async () => {
    fake = await startFakeStripe();
    app = await startApp({ answer: (r) => (r.event?.type === 'invoice.paid' ? { status: 402, body: '{"error":"card declined"}' } : {}) });
    listener = await start(fake, app.url(), { events: ['invoice.paid', 'charge.succeeded'] });
    expect(listener.secret).toBe(fake.secret);
    expect(listener.apiVersion).toBe(fake.apiVersion);
    const relayUrl = String(fake.sessions[0]!.params.forward_to_url);
    expect(relayUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/[0-9a-f]{32}\/forward$/);

    const events = listener.events[Symbol.asyncIterator]();
    const paid = fake.emit('invoice.paid');
    const charge = fake.emit('charge.succeeded');
    let answered = 0;
    const seen = await readUntil(events, (e) => e.kind === 'delivery' && ++answered === 2);
    expect(seen[0]).toMatchObject({ kind: 'ready', secret: fake.secret });
    // The CLI forwards concurrently: the two may come in either order, but each is received before it is answered.
    for (const id of [paid.id, charge.id]) {
      const kinds = seen.filter((e) => (e.kind === 'received' ? e.received.id : e.kind === 'delivery' ? e.delivery.id : undefined) === id).map((e) => e.kind);
      expect(kinds).toEqual(['received', 'delivery']);
    }
    const byId = deliveries(seen);
    expect(byId.get(paid.id)).toMatchObject({ type: 'invoice.paid', status: 402, body: '{"error":"card declined"}', url: app.url(), connect: false, livemode: false, apiVersion: fake.apiVersion });
    expect(byId.get(charge.id)).toMatchObject({ type: 'charge.succeeded', status: 200, ms: expect.any(Number) });
    expect((await fake.waitForResponse(paid.id)).status).toBe(402); // Stripe sees the app's answer

    const [pid] = listener.pids;
    await listener.stop();
    expect(await events.next()).toEqual({ done: true, value: undefined });
    expect(isRunning(pid!)).toBe(false);
    expect(await accepts(relayUrl)).toBe(false);
  });

  it('names the event an unreachable app missed, and the CLI gets 502', async () => {
    fake = await startFakeStripe();
    const down = `http://127.0.0.1:${await closedPort()}/webhook`;
    listener = await start(fake, down, { events: ['customer.created'] });
    const event = fake.emit('customer.created');
    const seen = await readUntil(listener.events[Symbol.asyncIterator](), (e) => e.kind === 'delivery');
    expect(seen.at(-1)).toMatchObject({ kind: 'delivery', delivery: { id: event.id, type: 'customer.created', url: down, status: null, failure: 'refused', body: '' } });
    expect(await fake.waitForResponse(event.id)).toMatchObject({ status: 502, body: expect.stringContaining(`nothing is listening at ${new URL(down).origin}`) });
  });

  it('on abort, stops the child, closes the relay and its events throw the abort reason', async () => {
    fake = await startFakeStripe();
    const controller = new AbortController();
    listener = await start(fake, 'http://127.0.0.1:9/webhook', { signal: controller.signal });
    const relayUrl = String(fake.sessions[0]!.params.forward_to_url);
    const reason = new InterruptedError('SIGINT');
    controller.abort(reason);
    await expect(
      (async () => {
        for await (const _ of listener.events);
      })(),
    ).rejects.toBe(reason);
    expect(listener.pids.map(isRunning)).toEqual([false]);
    expect(await accepts(relayUrl)).toBe(false);
  });

  it("rejects with the CLI's classified failure when it never gets ready, and closes the relay", async () => {
    fake = await startFakeStripe({ apiKeys: ['sk_test_only_this_one_works'] });
    await expect(start(fake, 'http://127.0.0.1:9/webhook', { events: ['charge.succeeded'] })).rejects.toMatchObject({
      failure: 'bad-key',
      exitCode: 3,
      message: 'Stripe rejected the API key (Authorization failed, status=401)',
    });
    const relayUrl = String((await fake.waitForRequest('POST /v1/stripecli/sessions')).params.forward_to_url);
    expect(relayUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\//);
    expect(await accepts(relayUrl)).toBe(false);
  });
});

describe('startRelayedListener with thin events: one stripe listen per kind', () => {
  const METER = 'v1.billing.meter.no_meter_found';

  it('starts two, each forwarding to its own relay path; a thin event goes to --thin-to, a snapshot one to --forward-to; stop() stops both', async () => {
    fake = await startFakeStripe();
    app = await startApp();
    const routing = { forwardTo: app.url('/webhook'), thinTo: app.url('/thin'), routes: [] };
    listener = await start(fake, app.url(), { routing, events: ['customer.created', METER] });
    expect(listener.pids).toHaveLength(2);
    expect(listener.secret).toBe(fake.secret);
    expect(listener.thinSecret).toBeUndefined(); // one account, one secret
    const byFeatures = new Map(fake.sessions.map((session) => [session.features.join(','), session.params]));
    expect(byFeatures.get('webhooks')).toMatchObject({ forward_to_url: expect.stringMatching(/\/forward$/), forward_connect_to_url: expect.stringMatching(/\/connect$/) });
    expect(byFeatures.get('v2_events')).toMatchObject({ forward_thin_to_url: expect.stringMatching(/\/thin$/), forward_thin_connect_to_url: expect.stringMatching(/\/thin-connect$/) });

    const events = listener.events[Symbol.asyncIterator]();
    const thin = fake.emitThin(METER);
    const snapshot = fake.emit('customer.created');
    let answered = 0;
    const seen = await readUntil(events, (e) => e.kind === 'delivery' && ++answered === 2);
    expect(seen.filter((e) => e.kind === 'ready')).toHaveLength(1);
    const byId = deliveries(seen);
    expect(byId.get(thin.id)).toMatchObject({ type: METER, thin: true, url: app.url('/thin'), status: 200 });
    expect(byId.get(snapshot.id)).toMatchObject({ type: 'customer.created', url: app.url('/webhook'), status: 200 });
    expect(byId.get(snapshot.id)?.thin).toBeUndefined();
    expect(app.requests.find((r) => r.event?.id === thin.id)?.rawBody).toBe(fake.deliveries.find((d) => d.eventId === thin.id)?.payload);
    expect((await fake.waitForResponse(thin.id)).status).toBe(200);

    const pids = listener.pids;
    await listener.stop();
    expect(await events.next()).toEqual({ done: true, value: undefined });
    expect(pids.map(isRunning)).toEqual([false, false]);
  });

  it("admits each kind with its own session's secret when the two sessions get different ones", async () => {
    const thinSecret = `whsec_${'3c'.repeat(16)}`;
    fake = await startFakeStripe({ secretFor: (features) => (features.includes('v2_events') ? thinSecret : undefined) });
    app = await startApp();
    listener = await start(fake, app.url(), { events: ['customer.created'], allThin: true });
    expect([listener.secret, listener.thinSecret]).toEqual([fake.secret, thinSecret]);
    const events = listener.events[Symbol.asyncIterator]();
    const thin = fake.emitThin(METER);
    const snapshot = fake.emit('customer.created');
    let answered = 0;
    const seen = await readUntil(events, (e) => e.kind === 'delivery' && ++answered === 2);
    expect(seen[0]).toEqual({ kind: 'ready', at: expect.any(Number), secret: fake.secret, apiVersion: fake.apiVersion, thinSecret });
    expect([...deliveries(seen).keys()].sort()).toEqual([thin.id, snapshot.id].sort());
    expect(seen.filter((e) => e.kind === 'refused')).toEqual([]);
  });

  it('a thin-only selection runs one stripe listen, for thin events', async () => {
    fake = await startFakeStripe();
    app = await startApp();
    listener = await start(fake, app.url(), { events: [METER] });
    expect(listener.pids).toHaveLength(1);
    expect(fake.sessions.map((session) => session.features)).toEqual([['v2_events']]);
  });

  it('when one of the two fails to start, the other is stopped and the relay closed', async () => {
    fake = await startFakeStripe();
    fake.failPath('/v1/stripecli/sessions', 401, { times: 1 });
    await expect(start(fake, 'http://127.0.0.1:9/webhook', { events: ['customer.created', METER] })).rejects.toMatchObject({ failure: 'bad-key', exitCode: 3 });
    // The other was aborted: before its session request, or after (then its session is left, and its process stopped).
    const [refused] = fake.requests;
    const relayUrl = String(refused!.params.forward_to_url ?? refused!.params.forward_thin_to_url);
    expect(await accepts(relayUrl)).toBe(false);
    expect(fake.sessions.length).toBeLessThanOrEqual(1);
  });
});
