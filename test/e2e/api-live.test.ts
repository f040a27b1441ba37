/**
 * The library's live and endpoint functions end to end: the real Stripe CLI binary
 * against the fake Stripe backend on 127.0.0.1 (triggerFlow, startListener), the fake
 * endpoints API (registerEndpoint, listEndpoints, deleteEndpoint), and locateStripeCli.
 * The process's HOME is a sandbox's: nothing of the developer's Stripe login is used.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { deleteEndpoint, listEndpoints, locateStripeCli, registerEndpoint, startListener, triggerFlow, type ListenerEvent } from '../../src/index.js';
import { BUILTIN_FLOWS } from '../../src/flows/builtin.js';
import { sandbox, STRIPE_BIN, tempDir } from '../support/cli.js';
import { startFakeEndpointsApi, type FakeEndpointsApi } from '../support/fake-endpoints-api.js';
import { startFakeStripe, type FakeStripe } from '../support/fake-stripe/server.js';
import { rejection } from './api-support.js';
import { startReceiver, type Receiver } from '../support/receiver.js';
import { readRecording } from '../support/recording.js';
import { TEST_API_KEY } from '../support/stripe-cli.js';

let fake: FakeStripe | undefined;
let endpointsApi: FakeEndpointsApi | undefined;
let receiver: Receiver | undefined;

beforeAll(() => {
  // This file's worker only (pool: forks): the library reads the process's environment as the CLI does.
  const { env } = sandbox();
  for (const name of ['HOME', 'XDG_CONFIG_HOME', 'XDG_CACHE_HOME']) process.env[name] = env[name];
  for (const name of ['STRIPE_API_KEY', 'STRIPE_HOOKS_API_BASE', 'STRIPE_HOOKS_STRIPE_BIN']) delete process.env[name];
});

afterEach(async () => {
  await fake?.close();
  await receiver?.close();
  await endpointsApi?.close();
  fake = receiver = endpointsApi = undefined;
});

/** This process's children that are still running (from /proc): what a function must not leave behind. */
function children(): string[] {
  const found: string[] = [];
  for (const pid of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(fields[1]) === process.pid && fields[0] !== 'Z') found.push(readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' '));
    } catch {
      // gone meanwhile
    }
  }
  return found;
}

describe('triggerFlow', () => {
  it('runs the payment flow through the real Stripe CLI, each step verified, and leaves nothing running', async () => {
    fake = await startFakeStripe();
    receiver = await startReceiver({ secret: fake.secret });
    const report = await triggerFlow({ flow: 'payment', url: receiver.url, apiKey: TEST_API_KEY, apiBase: fake.url, stripeBin: STRIPE_BIN });
    expect(Object.keys(report)).toEqual(['flow', 'ok', 'mode', 'steps', 'sideEffects']);
    expect(report).toMatchObject({ flow: 'payment', ok: true, mode: 'live' });
    expect(report.steps.map((step) => step.event)).toEqual(BUILTIN_FLOWS.find((flow) => flow.name === 'payment')!.steps.map((step) => step.event));
    for (const step of report.steps) expect(receiver.deliveries.find((d) => d.event?.id === step.eventId)).toMatchObject({ verified: true });
    expect(children()).toEqual([]);
    // The key travelled in the child's environment, never in its argv.
    expect(fake.requests.every((request) => request.headers.authorization === `Bearer ${TEST_API_KEY}`)).toBe(true);
  });

  it('without a key anywhere: ERR_STRIPE_HOOKS_ENVIRONMENT (exit code 3), not a prompt', async () => {
    fake = await startFakeStripe();
    const error = await rejection(triggerFlow({ flow: 'invoice', url: 'http://localhost:1/hook', apiBase: fake.url, stripeBin: STRIPE_BIN }));
    expect(error).toMatchObject({ code: 'ERR_STRIPE_HOOKS_ENVIRONMENT', exitCode: 3 });
    // The hint names the library's option, not the CLI's --api-key.
    expect(error.hint).toBe(`set STRIPE_API_KEY (or pass apiKey) to a test key (sk_test_… or rk_test_…), or run \`${STRIPE_BIN} login\``);
    expect(children()).toEqual([]);
  });

  it('stepTimeoutMs is milliseconds: a step whose event never comes fails after it, not minutes later', async () => {
    fake = await startFakeStripe();
    receiver = await startReceiver({ secret: fake.secret });
    // customer.created's fixture sends no subscription event: the observed step waits its whole limit. The first
    // step keeps a limit of its own (a flow's `timeout`, in seconds as in a flow file), so a loaded machine passes it.
    const steps = [{ event: 'customer.created' as const, timeout: 60 }, { event: 'customer.subscription.created' as const, observe: true }];
    const flow = { name: 'waits', description: '', source: 'test', steps };
    const started = Date.now();
    const report = await triggerFlow({ flow, url: receiver.url, apiKey: TEST_API_KEY, apiBase: fake.url, stripeBin: STRIPE_BIN, stepTimeoutMs: 300 });
    expect(Date.now() - started).toBeLessThan(30_000); // read as seconds, 300 would be five minutes
    expect(report.steps.map((step) => [step.ok, step.failure])).toEqual([[true, undefined], [false, 'no-event']]);
    expect(report.steps[1]!.error).toMatch(/0\.3 s/);
    expect(children()).toEqual([]);
  });

  it('a bad apiBase is a usage error before anything runs', async () => {
    expect(await rejection(triggerFlow({ flow: 'payment', url: 'http://localhost:1', apiKey: TEST_API_KEY, apiBase: 'nope', stripeBin: STRIPE_BIN }))).toMatchObject({ code: 'ERR_STRIPE_HOOKS_USAGE' });
  });
});

describe('startListener', () => {
  it('yields ready and each delivery as listen --json prints them, records them, and stop() leaves no process', async () => {
    fake = await startFakeStripe();
    receiver = await startReceiver({ secret: fake.secret });
    const record = join(tempDir(), 'events.ndjson');
    process.env.STRIPE_API_KEY = TEST_API_KEY; // taken from the environment, as the CLI does
    let listener;
    try {
      listener = await startListener({ url: receiver.url, apiBase: fake.url, stripeBin: STRIPE_BIN, events: ['invoice.paid', 'charge.refunded'], record });
    } finally {
      delete process.env.STRIPE_API_KEY;
    }
    expect(listener.secret).toBe(fake.secret);
    expect(children().some((command) => command.includes(' listen '))).toBe(true);
    const seen: ListenerEvent[] = [];
    const emitted = fake.emit('invoice.paid');
    for await (const event of listener.events) {
      seen.push(event);
      if (event.kind === 'delivery') break; // breaking out stops the listener
    }
    expect(seen[0]).toMatchObject({ kind: 'ready', secret: fake.secret, forwardTo: receiver.url, serial: false, record });
    expect(seen.at(-1)).toMatchObject({ kind: 'delivery', id: emitted.id, type: 'invoice.paid', status: 200, url: receiver.url });
    await listener.stop();
    expect(children()).toEqual([]);
    expect(readRecording(record).map((line) => line.id)).toEqual([emitted.id]);
  });

  it('thinUrl: thin events (those in events, else all) reach the thin app through a second stripe listen; eventsFrom is passed and in ready', async () => {
    fake = await startFakeStripe();
    receiver = await startReceiver({ secret: fake.secret });
    const thins = await startReceiver({ secret: fake.secret, thin: true });
    try {
      const listener = await startListener({ url: receiver.url, thinUrl: thins.url, eventsFrom: '@self', apiKey: TEST_API_KEY, apiBase: fake.url, stripeBin: STRIPE_BIN, events: ['charge.succeeded'] });
      expect(listener.thinSecret).toBeUndefined(); // one account, one secret
      expect(children().filter((command) => command.includes(' listen '))).toEqual([
        expect.stringMatching(/ --events charge\.succeeded --events-from @self /),
        expect.stringMatching(/ --all-thin --events-from @self /),
      ]);
      const thin = fake.emitThin('v1.billing.meter.no_meter_found');
      expect(await listener.waitFor('v1.billing.meter.no_meter_found')).toMatchObject({ id: thin.id, thin: true, url: thins.url, status: 200 });
      expect((await thins.waitFor('v1.billing.meter.no_meter_found')).verified).toBe(true);
      await listener.stop();
      expect(children()).toEqual([]);
    } finally {
      await thins.close();
    }
  });

  it("records under the CLI's policy (a livemode event left out, reported as record-skipped), waitFor resolves with deliveries, stop() with the counts", async () => {
    fake = await startFakeStripe();
    receiver = await startReceiver({ secret: fake.secret });
    const record = join(tempDir(), 'events.ndjson');
    const listener = await startListener({ url: receiver.url, apiKey: TEST_API_KEY, apiBase: fake.url, stripeBin: STRIPE_BIN, events: ['charge.succeeded'], record });
    const first = listener.waitFor('charge.succeeded'); // asked before the event is sent: only later deliveries match
    const live = fake.emit({ type: 'charge.succeeded', livemode: true });
    expect(await first).toMatchObject({ kind: 'delivery', id: live.id, livemode: true, status: 200 });
    const test = fake.emit('charge.succeeded');
    expect(await listener.waitFor((delivery) => delivery.id === test.id)).toMatchObject({ kind: 'delivery', status: 200 });
    const late = await rejection(listener.waitFor('charge.succeeded', { timeoutMs: 50 }));
    expect(late).toMatchObject({ code: 'ERR_STRIPE_HOOKS_FAILED', message: 'no charge.succeeded delivery within 0.05 s' });
    // Checked as any options are: the old name is refused, in milliseconds' words.
    expect(await rejection(listener.waitFor('charge.succeeded', { timeout: 50 } as object))).toMatchObject({ code: 'ERR_STRIPE_HOOKS_USAGE', message: 'waitFor has no option "timeout"', hint: 'did you mean timeoutMs?' });

    expect(await listener.stop()).toEqual({ delivered: 2, failed: 0, interrupted: 0, refused: 0, record: { path: record, recorded: 1, livemodeSkipped: 1, notRecorded: 0 } });
    expect(children()).toEqual([]);
    expect(await rejection(listener.waitFor('charge.succeeded'))).toMatchObject({ code: 'ERR_STRIPE_HOOKS_FAILED', message: 'the listener stopped before a charge.succeeded delivery' });
    const seen: ListenerEvent[] = [];
    for await (const event of listener.events) seen.push(event); // what was never read is still there, then the end
    expect(seen.filter((event) => event.kind === 'record-skipped')).toEqual([{ kind: 'record-skipped', time: expect.any(String), reason: 'livemode', id: live.id, type: 'charge.succeeded' }]);
    expect(seen.filter((event) => event.kind === 'delivery').map((event) => event.id)).toEqual([live.id, test.id]);
    expect(readRecording(record).map((line) => line.id)).toEqual([test.id]);
  });

  it('a record path that cannot be one is named as the record option', async () => {
    const dir = tempDir();
    const error = await rejection(startListener({ url: 'http://127.0.0.1:9/hook', apiKey: TEST_API_KEY, stripeBin: STRIPE_BIN, record: dir }));
    expect(error).toMatchObject({ code: 'ERR_STRIPE_HOOKS_USAGE', message: `record ${dir} is a directory`, hint: `name a file, e.g. record: '${dir}/events.ndjson'` });
    expect(children()).toEqual([]);
  });

  it('with live: true, livemode events are recorded too', async () => {
    fake = await startFakeStripe();
    receiver = await startReceiver({ secret: fake.secret });
    const record = join(tempDir(), 'events.ndjson');
    const listener = await startListener({ url: receiver.url, apiKey: TEST_API_KEY, apiBase: fake.url, stripeBin: STRIPE_BIN, events: ['charge.succeeded'], record, live: true });
    const delivered = listener.waitFor('charge.succeeded');
    const live = fake.emit({ type: 'charge.succeeded', livemode: true });
    await delivered;
    expect((await listener.stop()).record).toMatchObject({ recorded: 1, livemodeSkipped: 0 });
    expect(readRecording(record).map((line) => line.id)).toEqual([live.id]);
  });

  it('an abort stops it: the iteration ends with ERR_STRIPE_HOOKS_INTERRUPTED and no process is left', async () => {
    fake = await startFakeStripe();
    receiver = await startReceiver({ secret: fake.secret });
    const controller = new AbortController();
    const listener = await startListener({ url: receiver.url, apiKey: TEST_API_KEY, apiBase: fake.url, stripeBin: STRIPE_BIN, signal: controller.signal });
    const iterating = (async () => {
      for await (const event of listener.events) if (event.kind === 'ready') controller.abort();
    })();
    const error = await rejection(iterating);
    expect(error).toMatchObject({ code: 'ERR_STRIPE_HOOKS_INTERRUPTED', message: 'Interrupted' });
    expect(error.cause).toBe(controller.signal.reason);
    expect(await listener.stop()).toEqual({ delivered: 0, failed: 0, interrupted: 0, refused: 0 });
    expect(children()).toEqual([]);
  });
});

describe('registerEndpoint, listEndpoints, deleteEndpoint', () => {
  it('registers idempotently, lists and deletes against the endpoints API, with the CLI\'s JSON shapes', async () => {
    endpointsApi = await startFakeEndpointsApi();
    const access = { apiKey: 'sk_test_51FakeKeyForTests0000', apiBase: endpointsApi.apiBase };
    const first = await registerEndpoint({ ...access, url: 'https://app.example.com/webhook', events: ['invoice.paid'], description: 'api' });
    expect(first).toMatchObject({ action: 'created', endpoint: { url: 'https://app.example.com/webhook', enabled_events: ['invoice.paid'] } });
    expect(first.secret).toMatch(/^whsec_/);
    const again = await registerEndpoint({ ...access, url: 'https://app.example.com/webhook', events: ['invoice.paid'], description: 'api' });
    expect(Object.keys(again)).toEqual(['action', 'endpoint']);
    expect(again.action).toBe('unchanged');
    const changed = await registerEndpoint({ ...access, url: 'https://app.example.com/webhook', events: ['invoice.paid', 'charge.refunded'], dryRun: true });
    expect(changed).toMatchObject({ action: 'updated', dry_run: true });

    const { endpoints } = await listEndpoints(access);
    expect(endpoints.map((endpoint) => endpoint.id)).toEqual([first.endpoint.id]);
    expect(await deleteEndpoint({ ...access, url: 'https://app.example.com/webhook' })).toEqual({ action: 'deleted', endpoint: endpoints[0] });
    expect((await listEndpoints(access)).endpoints).toEqual([]);
  });

  it('refuses without a key (ERR_STRIPE_HOOKS_ENVIRONMENT), a live key, and bad input (ERR_STRIPE_HOOKS_USAGE), sending nothing', async () => {
    endpointsApi = await startFakeEndpointsApi();
    const apiBase = endpointsApi.apiBase;
    expect(await rejection(listEndpoints({ apiBase }))).toMatchObject({ code: 'ERR_STRIPE_HOOKS_ENVIRONMENT', exitCode: 3, hint: 'set STRIPE_API_KEY (or pass apiKey) to a test key (sk_test_… or rk_test_…)' });
    expect(await rejection(listEndpoints({ apiBase, apiKey: 'sk_live_51notForTests' }))).toMatchObject({
      code: 'ERR_STRIPE_HOOKS_ENVIRONMENT',
      message: 'refusing to use a live-mode API key: the library manages test-mode endpoints only',
    });
    expect(await rejection(registerEndpoint({ apiBase, apiKey: 'sk_test_x', url: 'https://a.test/hook', events: ['invoice.piad'] }))).toMatchObject({ code: 'ERR_STRIPE_HOOKS_USAGE' });
    expect(await rejection(deleteEndpoint({ apiBase, apiKey: 'sk_test_x' }))).toMatchObject({ code: 'ERR_STRIPE_HOOKS_USAGE' });
    expect(endpointsApi.requests).toHaveLength(0);
  });
});

describe('an endpoint call cut by its signal', () => {
  it('a request held by the API is cut at the abort: ERR_STRIPE_HOOKS_INTERRUPTED at once, the reason as cause, sent once', async () => {
    endpointsApi = await startFakeEndpointsApi();
    endpointsApi.fault({ method: 'GET', path: '/v1/webhook_endpoints', hold: true });
    const controller = new AbortController();
    const listing = listEndpoints({ apiKey: 'sk_test_51FakeKeyForTests0000', apiBase: endpointsApi.apiBase, signal: controller.signal });
    const held = await endpointsApi.waitForRequest('GET /v1/webhook_endpoints');
    const reason = new Error('test over');
    const aborted = Date.now();
    controller.abort(reason);
    const error = await rejection(listing);
    expect(Date.now() - aborted).toBeLessThan(1000); // not the SDK's 30 s timeout, nor its retries' backoff
    expect(error).toMatchObject({ code: 'ERR_STRIPE_HOOKS_INTERRUPTED', exitCode: 130, message: 'Interrupted: test over' });
    expect(error.cause).toBe(reason);
    await held.closed; // the connection was cut, not left waiting
    expect(endpointsApi.requests).toHaveLength(1); // and not retried
  });
});

describe('locateStripeCli', () => {
  it('finds and proves the binary it is given, and says a broken one is broken', async () => {
    const cli = await locateStripeCli({ stripeBin: STRIPE_BIN });
    expect(cli).toEqual({ path: STRIPE_BIN, version: expect.stringMatching(/^\d+\.\d+\.\d+/), source: 'stripeBin' }); // the option's name, as the library calls it
    expect(await rejection(locateStripeCli({ stripeBin: join(tempDir(), 'stripe') }))).toMatchObject({ code: 'ERR_STRIPE_HOOKS_ENVIRONMENT' });
  });
});
