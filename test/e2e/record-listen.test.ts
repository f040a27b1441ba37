/**
 * `listen --record FILE`, end to end through the real `stripe listen` and the fake backend: one line per
 * delivered event, each the body the app received byte for byte, without the signature, with the app's answer,
 * in a 0600 file; livemode events only with --live; bad paths refused before anything runs.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startApp, type App } from '../support/app.js';
import { runCli, sandbox, STRIPE_BIN } from '../support/cli.js';
import { startFakeStripe, type FakeStripe } from '../support/fake-stripe/server.js';
import { deliveryLine, KEY_ENV, startListen, stopListens } from '../support/listen-cli.js';
import { readRecording } from '../support/recording.js';

let fake: FakeStripe | undefined;
let app: App | undefined;

afterEach(async () => {
  await stopListens();
  await fake?.close();
  await app?.close();
  fake = app = undefined;
});

describe('listen --record', () => {
  it('writes one line per delivered event, in order: the exact body the app got, no signature, the answer, mode 0600', async () => {
    fake = await startFakeStripe();
    app = await startApp({ answer: (request) => (request.event?.type === 'invoice.paid' ? { status: 500, body: '{"error":"boom"}' } : {}) });
    const box = sandbox();
    const types = ['customer.created', 'invoice.paid', 'charge.succeeded', 'payment_intent.succeeded'];
    const cli = startListen(fake.url, ['--json', '-f', app.url(), '--events', types.join(','), '--record', 'events.ndjson'], box);
    const ready = JSON.parse(await cli.waitForLine(/"kind":"ready"/)) as Record<string, unknown>;
    const path = join(box.cwd, 'events.ndjson');
    expect(ready.record).toBe(path);
    expect(statSync(path).mode & 0o777).toBe(0o600);

    const emitted = [];
    for (const type of types) {
      const event = fake.emit({ type, object: { id: `obj_${type}`, object: 'thing', name: 'Zoë 🧾 "quoted" \\ back' } });
      emitted.push(event);
      await deliveryLine(cli, event.id); // one at a time: arrival order is emission order
    }
    cli.child.kill('SIGINT');
    const result = await cli.child;
    expect(result.exitCode).toBe(130);
    const summary = result.stdout.trimEnd().split('\n').at(-1)!; // the last line: no error document after it
    expect(JSON.parse(summary)).toEqual({ kind: 'summary', delivered: 3, failed: 1, interrupted: 0, refused: 0, record: { path, recorded: 4, livemodeSkipped: 0, notRecorded: 0 } });

    const recorded = readRecording(path);
    expect(recorded.map((event) => event.id)).toEqual(emitted.map((event) => event.id));
    expect(recorded.map((event) => event.id)).toEqual(app.requests.map((request) => request.event?.id));
    recorded.forEach((event, i) => {
      const received = app!.requests[i]!;
      expect(Buffer.from(event.body, 'utf8').equals(Buffer.from(received.rawBody, 'utf8'))).toBe(true);
      expect(received.headers['stripe-signature']).toMatch(/^t=\d+,v1=/); // the app got it; the file does not
      expect(Object.keys(event.headers)).not.toContain('stripe-signature');
      expect(event.headers['content-type']).toMatch(/^application\/json/);
      expect(event.answer.status).toBe(event.type === 'invoice.paid' ? 500 : 200);
      expect(event.answer.ms).toBeGreaterThan(0);
      expect(Date.parse(event.receivedAt)).toBeGreaterThan(0);
    });
    const file = readFileSync(path, 'utf8');
    expect(file).not.toMatch(/whsec_|sk_test|rk_test/);
    expect(file).not.toContain(KEY_ENV.STRIPE_API_KEY);
  });

  it('appends to an earlier recording, and says where it records and how many it wrote', async () => {
    fake = await startFakeStripe();
    app = await startApp();
    const box = sandbox();
    const path = join(box.cwd, 'events.ndjson');
    for (const type of ['customer.created', 'customer.updated']) {
      const cli = startListen(fake.url, ['-f', app.url(), '--events', type, '--record', 'events.ndjson'], box);
      await cli.waitForLine(new RegExp(`recording every delivery to ${path}$`), 'stderr');
      const event = fake.emit(type);
      await cli.waitForLine(new RegExp(event.id));
      cli.child.kill('SIGINT');
      expect((await cli.child).stderr).toContain(`Recorded 1 event to ${path}`);
    }
    expect(readRecording(path).map((event) => event.type)).toEqual(['customer.created', 'customer.updated']);
  });

  it('a livemode event is not recorded without --live (one warning; the app still gets it), and is with --live', async () => {
    fake = await startFakeStripe();
    app = await startApp();
    const box = sandbox();
    const path = join(box.cwd, 'events.ndjson');
    const cli = startListen(fake.url, ['-f', app.url(), '--events', 'charge.succeeded', '--record', path], box);
    await cli.waitForLine(/Ready/, 'stderr');
    const live = [fake.emit({ type: 'charge.succeeded', livemode: true }), fake.emit({ type: 'charge.succeeded', livemode: true })];
    for (const event of live) await cli.waitForLine(new RegExp(event.id));
    const test = fake.emit('charge.succeeded');
    await cli.waitForLine(new RegExp(test.id));
    cli.child.kill('SIGINT');
    const { stderr } = await cli.child;
    for (const event of live) expect((await app.waitFor(event.id)).rawBody).toContain('"livemode": true');
    const warnings = stderr.split('\n').filter((line) => line.includes('not recorded'));
    expect(warnings).toHaveLength(2);
    expect(warnings[0]).toMatch(/^warning livemode event (evt_\w+) not recorded \(live customer data\): add --live to record livemode events$/);
    expect(live.map((event) => event.id)).toContain(/(evt_\w+)/.exec(warnings[0]!)![1]);
    expect(warnings[1]).toBe('warning 2 livemode events not recorded (--live records them)');
    expect(readRecording(path).map((event) => event.id)).toEqual([test.id]);

    const withLive = startListen(fake.url, ['-f', app.url(), '--events', 'charge.succeeded', '--record', path, '--live'], box);
    await withLive.waitForLine(new RegExp(`--live: livemode events \\(live customer data\\) are recorded to ${path}; keep it private`), 'stderr');
    await withLive.waitForLine(/Ready/, 'stderr');
    const recordedLive = fake.emit({ type: 'charge.succeeded', livemode: true });
    await withLive.waitForLine(new RegExp(recordedLive.id));
    withLive.child.kill('SIGINT');
    expect((await withLive.child).stderr).not.toMatch(/not recorded/);
    expect(readRecording(path).map((event) => [event.id, event.livemode])).toEqual([
      [test.id, false],
      [recordedLive.id, true],
    ]);
  });
});

describe('listen --record refuses what cannot work, before anything runs', () => {
  const listen = (args: string[], box = sandbox()) =>
    runCli(['listen', '-f', 'http://127.0.0.1:9/webhook', ...args, '--api-base', 'http://127.0.0.1:9', '--stripe-bin', STRIPE_BIN], { box, env: KEY_ENV });

  it.each([
    ['a missing directory', ['--record', 'no/such/dir/events.ndjson'], /^error --record .*no\/such\/dir\/events\.ndjson: the directory .* does not exist$/],
    ['a directory', ['--record', 'sub'], /^error --record .*sub is a directory$/],
    ['--live without --record', ['--live'], /^error --live works only with --record$/],
    ['--record with --print-secret', ['--record', 'x.ndjson', '--print-secret'], /^error --record and --print-secret cannot be combined$/],
  ])('%s: exit 2, one error line and a hint, nothing created', async (_name, args, message) => {
    const box = sandbox();
    mkdirSync(join(box.cwd, 'sub'));
    const result = await listen(args, box);
    expect(result.exitCode).toBe(2);
    const lines = result.stderr.split('\n');
    expect(lines[0]).toMatch(message);
    expect(lines).toHaveLength(2);
    expect(lines[1]).toMatch(/^hint /);
    expect(readdirSync(box.cwd)).toEqual(['sub']);
  });

  it('a recording whose run cannot start (no Stripe backend) leaves no file behind', async () => {
    const box = sandbox();
    const result = await listen(['--record', 'events.ndjson', '--ready-timeout', '1'], box);
    expect(result.exitCode).toBe(3);
    expect(existsSync(join(box.cwd, 'events.ndjson'))).toBe(false);
  });
});
