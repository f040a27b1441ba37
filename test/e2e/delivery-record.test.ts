/**
 * The delivery record (issue #18), end to end through the real `stripe listen` and the fake backend: only
 * requests signed with the session's secret get in, even before Ready; a handler that crashes on an event gets
 * it once and the record says `reset`; events in flight or held by --serial at Ctrl+C are recorded, in arrival
 * order, and replayed in that order; a second recorder on the same file is refused.
 */
import { execa, type ResultPromise } from 'execa';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startApp, type App } from '../support/app.js';
import { runCli, sandbox, STRIPE_BIN } from '../support/cli.js';
import { startFakeStripe, type FakeStripe } from '../support/fake-stripe/server.js';
import { watchLines, type LineWatcher } from '../support/lines.js';
import { deliveryLine, KEY_ENV, startListen, stopListens } from '../support/listen-cli.js';
import { readRecording } from '../support/recording.js';
import { receiversPerTest } from '../support/receiver.js';
import { commandLine } from '../support/running-cli.js';

let fake: FakeStripe | undefined;
const apps: App[] = [];
const children: ResultPromise[] = [];

afterEach(async () => {
  await stopListens();
  for (const child of children.splice(0)) {
    child.kill('SIGTERM');
    await child.catch(() => undefined);
  }
  await fake?.close();
  for (const app of apps.splice(0)) await app.close();
  fake = undefined;
});

const receiver = receiversPerTest({});

describe('admission', () => {
  it('refuses a forged POST sent the moment the relay URL is in `stripe listen`s argv: not forwarded, shown or recorded', async () => {
    fake = await startFakeStripe();
    const app = await startApp();
    apps.push(app);
    const release = fake.holdSessions(); // `stripe listen` stays not ready: the window a forger has
    const box = sandbox();
    const cli = startListen(fake.url, ['--json', '--verbose', '-f', app.url(), '--events', 'charge.succeeded', '--record', 'rec.ndjson'], box);
    const started = await cli.waitForLine(/stripe listen started \(pid \d+\)/, 'stderr');
    const argv = commandLine(Number(/pid (\d+)/.exec(started)![1]));
    const relayUrl = argv[argv.indexOf('--forward-to') + 1]!;
    expect(relayUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/[0-9a-f]{32}\/forward$/);

    const forgedType = 'charge.succeeded\u001b]0;owned\u0007';
    const forged = fetch(relayUrl, { method: 'POST', body: JSON.stringify({ id: 'evt_forged', object: 'event', type: forgedType, livemode: false, created: 1 }) });
    await cli.waitForLine(/relay: holding a request until the session secret is known/, 'stderr');
    release();
    expect((await forged).status).toBe(403);
    await cli.waitForLine(/"kind":"ready"/);

    const genuine = fake.emit('charge.succeeded');
    expect(await deliveryLine(cli, genuine.id)).toMatchObject({ status: 200 });
    cli.child.kill('SIGINT');
    const result = await cli.child;
    expect(app.requests.map((request) => request.event?.id)).toEqual([genuine.id]);
    expect(result.stdout).not.toContain('evt_forged');
    expect(result.stdout + result.stderr).not.toContain('\u001b]0;');
    expect(result.stderr).toContain('relay: refused a request (not signed by Stripe)');
    expect(result.stderr.split('\n').filter((line) => line.includes('relay: refused')).join('\n')).not.toContain(relayUrl.split('/')[3]);
    expect(readRecording(join(box.cwd, 'rec.ndjson')).map((event) => event.id)).toEqual([genuine.id]);
  });
});

/** The cluster app (test/support/cluster-app.mjs), its primary's lines awaitable. */
async function clusterApp(crashType: string): Promise<LineWatcher & { url: string; seen: () => Array<{ id: string; worker: number }> }> {
  const child = execa('node', [join(import.meta.dirname, '../support/cluster-app.mjs'), crashType], { reject: false });
  children.push(child);
  const lines = watchLines(child, child.then((result) => result.exitCode), 'cluster app');
  const { listening } = JSON.parse(await lines.waitForLine(/"listening"/)) as { listening: number };
  const seen = () => lines.stdout.filter((line) => line.includes('"id"')).map((line) => JSON.parse(line) as { id: string; worker: number });
  return { ...lines, url: `http://127.0.0.1:${listening}/webhook`, seen };
}

describe('at most once', () => {
  it('a handler that crashes on an event, run as two cluster workers, gets it once, and the record says reset', async () => {
    fake = await startFakeStripe();
    const app = await clusterApp('invoice.payment_succeeded');
    const cli = startListen(fake.url, ['--json', '-f', app.url, '--events', 'customer.created,invoice.payment_succeeded']);
    await cli.waitForLine(/"kind":"ready"/);
    // The first answer leaves a kept-alive connection to one worker; the crashing event goes on it.
    const first = fake.emit('customer.created');
    expect(await deliveryLine(cli, first.id)).toMatchObject({ status: 200 });
    const crash = fake.emit({ type: 'invoice.payment_succeeded', object: { id: 'in_crash', object: 'invoice', billing_reason: 'subscription_create' } });
    const delivery = await deliveryLine(cli, crash.id);
    expect(delivery).toMatchObject({ status: null, failure: 'reset', error: 'the app closed the connection without answering' });
    expect(app.seen().filter((request) => request.id === crash.id)).toHaveLength(1);
    expect((await fake.waitForResponse(crash.id)).status).toBe(502);
  });
});

describe('recordings keep every admitted event, in arrival order', () => {
  it('Ctrl+C with one delivery in flight and one queued by --serial records both as interrupted; replay sends them in that order', async () => {
    fake = await startFakeStripe();
    const app = await startApp({ answer: () => new Promise(() => {}) }); // never answers
    apps.push(app);
    const box = sandbox();
    const cli = startListen(fake.url, ['--json', '--verbose', '--serial', '-f', app.url(), '--events', 'customer.created,customer.updated', '--record', 'rec.ndjson'], box);
    await cli.waitForLine(/"kind":"ready"/);
    const inFlight = fake.emit('customer.created');
    await app.waitFor(inFlight.id);
    const queued = fake.emit('customer.updated');
    await cli.waitForLine(new RegExp(`relay: took #1 customer.updated \\[${queued.id}\\]`), 'stderr');
    cli.child.kill('SIGINT');
    const result = await cli.child;
    expect(result.exitCode).toBe(130);
    const recorded = readRecording(join(box.cwd, 'rec.ndjson'));
    expect(recorded.map((event) => [event.id, event.seq, event.answer.status, event.answer.failure])).toEqual([
      [inFlight.id, 0, null, 'interrupted'],
      [queued.id, 1, null, 'interrupted'],
    ]);
    expect(app.requests.map((request) => request.event?.id)).toEqual([inFlight.id]); // the queued one never went out

    const { url, deliveries } = await receiver({ secret: 'whsec_replayAfterInterrupt' });
    const replayed = await runCli(['replay', 'rec.ndjson', '--forward-to', url], { box, env: { STRIPE_WEBHOOK_SECRET: 'whsec_replayAfterInterrupt' } });
    expect(replayed.exitCode, replayed.stderr).toBe(0);
    expect(deliveries.map((d) => d.event?.id)).toEqual([inFlight.id, queued.id]);
  });

  it('a second run recording to the same file is refused (exit 2), and the first keeps writing', async () => {
    fake = await startFakeStripe();
    const app = await startApp();
    apps.push(app);
    const box = sandbox();
    const first = startListen(fake.url, ['--json', '-f', app.url(), '--events', 'charge.succeeded', '--record', 'rec.ndjson'], box);
    await first.waitForLine(/"kind":"ready"/);
    const second = await runCli(['listen', '-f', app.url(), '--events', 'charge.succeeded', '--record', 'rec.ndjson', '--api-base', fake.url, '--stripe-bin', STRIPE_BIN], { box, env: KEY_ENV });
    expect(second.exitCode).toBe(2);
    expect(second.stderr).toMatch(/rec\.ndjson: another stripe-hooks run \(pid \d+\) is recording to it/);
    expect(second.stderr).not.toMatch(/\n\s+at /); // no stack
    const event = fake.emit('charge.succeeded');
    await deliveryLine(first, event.id);
    first.child.kill('SIGINT');
    await first.child;
    expect(readRecording(join(box.cwd, 'rec.ndjson')).map((e) => e.id)).toEqual([event.id]);
  });
});
