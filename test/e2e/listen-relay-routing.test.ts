/**
 * How `listen` (through the relay, issue #11) gets each event to the app, end to
 * end with the real `stripe listen` and the fake backend: --route per event
 * type, --serial in the order Stripe created the events, forward URLs in the
 * Stripe CLI's scheme-less forms, and `localhost` on either loopback.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { startApp, type App, type AppAnswer, type AppOptions } from '../support/app.js';
import { unixNow } from '../support/fake-stripe/store.js';
import { startFakeStripe, type FakeStripe } from '../support/fake-stripe/server.js';
import { deliveryLine, stopListens, startListen } from '../support/listen-cli.js';
import { startReceiver, type Receiver } from '../support/receiver.js';

let fake: FakeStripe | undefined;
const receivers: Receiver[] = [];
const apps: App[] = [];

afterEach(async () => {
  await stopListens();
  await fake?.close();
  for (const server of [...receivers.splice(0), ...apps.splice(0)]) await server.close();
  fake = undefined;
});

async function app(options: AppOptions = {}): Promise<App> {
  const started = await startApp(options);
  apps.push(started);
  return started;
}

async function receiver(api: FakeStripe): Promise<Receiver> {
  const started = await startReceiver({ secret: api.secret });
  receivers.push(started);
  return started;
}

describe('listen --route', () => {
  it('sends invoice events to the route, the rest to --forward-to, each verified; the routes are shown at Ready and on each line', async () => {
    fake = await startFakeStripe();
    const [main, billing] = [await receiver(fake), await receiver(fake)];
    const cli = startListen(fake.url, ['-f', main.url, '--route', `invoice.*=${billing.url}`, '--events', 'invoice.paid,invoice.created,customer.created']);
    await cli.waitForLine(/Ctrl\+C to stop/, 'stderr'); // the banner's last line
    expect(cli.stderr.slice(0, 2)).toEqual([`Ready — forwarding to ${main.url}`, `  invoice.* to ${billing.url}`]);

    const [paid, created, customer] = ['invoice.paid', 'invoice.created', 'customer.created'].map((type) => fake!.emit(type));
    for (const [event, to] of [[paid!, billing], [created!, billing], [customer!, main]] as const) {
      const line = await cli.waitForLine(new RegExp(event.id));
      expect(line).toMatch(new RegExp(` 200  \\d+ ms  → ${to.url}$`));
      expect((await to.waitFor((d) => d.event?.id === event.id)).verified).toBe(true);
    }
    expect(main.deliveries.map((d) => d.event?.type)).toEqual(['customer.created']);
    expect(billing.deliveries.map((d) => d.event?.type).sort()).toEqual(['invoice.created', 'invoice.paid']);
  });
});

describe('listen --serial', () => {
  /** Two subscription events, sent updated-then-created but with `created` the other way round (stripe-cli#1191). */
  const reversed = (api: FakeStripe) => {
    const now = unixNow();
    return {
      updated: () => api.emit({ type: 'customer.subscription.updated', created: now }),
      created: () => api.emit({ type: 'customer.subscription.created', created: now - 5 }),
    };
  };
  const events = ['--events', 'customer.subscription.created,customer.subscription.updated'];

  it('delivers one at a time in created order: the later-arriving, earlier-created event goes first, marked reordered', async () => {
    fake = await startFakeStripe();
    const target = await app();
    // --verbose shows when the relay took each event: the second is sent only once the first is there.
    const cli = startListen(fake.url, ['--json', '--verbose', '-f', target.url(), '--serial', '--reorder-window', '2000', ...events]);
    expect(JSON.parse(await cli.waitForLine(/"kind":"ready"/))).toMatchObject({ serial: true });
    const emit = reversed(fake);
    const updated = emit.updated();
    await cli.waitForLine(new RegExp(`relay: took #0 customer\\.subscription\\.updated \\[${updated.id}\\]`), 'stderr');
    const created = emit.created();

    const first = await deliveryLine(cli, created.id);
    const second = await deliveryLine(cli, updated.id);
    expect(first).toMatchObject({ status: 200, reordered: true });
    expect(second).toMatchObject({ status: 200 });
    expect(second).not.toHaveProperty('reordered');
    expect(cli.stdout.filter((line) => line.includes('"kind":"delivery"')).map((line) => (JSON.parse(line) as { id: string }).id)).toEqual([created.id, updated.id]);
    expect(target.requests.map((r) => [r.event?.id, r.inFlight])).toEqual([
      [created.id, 1],
      [updated.id, 1],
    ]);
  });

  it('without --serial nothing is held: both are in flight at the app together, in any order, none marked reordered', async () => {
    fake = await startFakeStripe();
    // The app answers the first request only once the second has arrived: that needs concurrent deliveries.
    let second!: () => void;
    const bothIn = new Promise<AppAnswer>((resolve) => (second = () => resolve({})));
    const target = await app({ answer: (r) => (r.inFlight === 2 ? (second(), {}) : bothIn) });
    const cli = startListen(fake.url, ['--json', '-f', target.url(), ...events]);
    await cli.waitForLine(/"kind":"ready"/);
    const emit = reversed(fake);
    const [updated, created] = [emit.updated(), emit.created()];
    for (const event of [updated, created]) {
      const delivery = await deliveryLine(cli, event.id);
      expect(delivery).toMatchObject({ status: 200 });
      expect(delivery).not.toHaveProperty('reordered');
    }
    expect(target.requests.map((r) => r.inFlight)).toEqual([1, 2]);
  });
});

describe('listen forward URLs', () => {
  it('scheme-less `localhost:PORT/webhook` and `PORT` forms; `localhost` reaches an app on ::1 only and one on 127.0.0.1 only', async () => {
    fake = await startFakeStripe();
    const v6 = await app({ host: '::1' });
    const v4 = await app({ host: '127.0.0.1' });
    const cli = startListen(fake.url, ['--json', '--forward-to', `localhost:${v6.port}/webhook`, '--route', `invoice.*=${v4.port}`, '--events', 'customer.created,invoice.paid']);
    expect(JSON.parse(await cli.waitForLine(/"kind":"ready"/))).toMatchObject({
      forwardTo: `http://localhost:${v6.port}/webhook`,
      routes: [{ glob: 'invoice.*', url: `http://localhost:${v4.port}/` }],
    });

    const customer = fake.emit('customer.created');
    expect(await deliveryLine(cli, customer.id)).toMatchObject({ status: 200, url: `http://localhost:${v6.port}/webhook` });
    const invoice = fake.emit('invoice.paid');
    expect(await deliveryLine(cli, invoice.id)).toMatchObject({ status: 200, url: `http://localhost:${v4.port}/` });

    // Each app got its event, exact bytes and all, addressed to its own host (not the relay's).
    const exact = (id: string) => fake!.deliveries.find((d) => d.eventId === id)!.payload;
    expect(v6.requests.map((r) => [r.path, r.headers.host, r.rawBody])).toEqual([['/webhook', `localhost:${v6.port}`, exact(customer.id)]]);
    expect(v4.requests.map((r) => [r.path, r.headers.host, r.rawBody])).toEqual([['/', `localhost:${v4.port}`, exact(invoice.id)]]);
  });
});
