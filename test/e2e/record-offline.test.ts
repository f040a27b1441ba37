/**
 * `trigger-flow --offline --record FILE`, end to end: with no account, a recording of what was sent and what the
 * app answered, in the live format (run and seq, Stripe's headers without the signature, 0600, no secret), that
 * `replay` sends again; a run interrupted by Ctrl+C keeps what it sent, the delivery in flight as interrupted.
 * `replay --record` records what a replay sent, under the same rules (livemode only with --live).
 */
import { readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startWebhookApp } from '../../src/demo/app.js';
import { recordingLine } from '../../src/record/format.js';
import { startApp } from '../support/app.js';
import { runCli, sandbox } from '../support/cli.js';
import { readRecording } from '../support/recording.js';
import { startCli } from '../support/running-cli.js';

const secret = 'whsec_offlineRecord0123456789abcdefg';
const env = { STRIPE_WEBHOOK_SECRET: secret };
const closers: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((close) => close()));
});

/** The example app (what `demo` runs), with what it did with each event. */
async function demoApp(): Promise<{ url: string; log: string[] }> {
  const log: string[] = [];
  const app = await startWebhookApp({ secret, log: (line) => log.push(line) });
  closers.push(app.close);
  return { url: app.url, log };
}

interface Report {
  ok: boolean;
  steps: { event: string; eventId: string }[];
  record?: Record<string, unknown>;
}

/** What Stripe's senders put on a delivery, as a live recording keeps them: lower-cased, no signature. */
const STRIPE_HEADERS = {
  'content-type': 'application/json; charset=utf-8',
  accept: '*/*; q=0.5, application/xml',
  'cache-control': 'no-cache',
  'user-agent': 'Stripe/1.0 (+https://stripe.com/docs/webhooks)',
};

describe('trigger-flow --offline --record', () => {
  it('records every event sent and its answer, then replay sends them again and passes against the example app', async () => {
    const app = await demoApp();
    const box = sandbox();
    const path = join(box.cwd, 'x.ndjson');
    const result = await runCli(['trigger-flow', 'payment', '--offline', '--forward-to', app.url, '--record', 'x.ndjson', '--json'], { box, env });
    expect(result.exitCode, result.stderr).toBe(0);
    const report = JSON.parse(result.stdout) as Report;
    expect(report.ok).toBe(true);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(readFileSync(path, 'utf8')).not.toContain(secret);

    const recorded = readRecording(path);
    expect(report.record).toEqual({ path, recorded: 9, livemodeSkipped: 0, notRecorded: 0 });
    expect(recorded.map((event) => [event.id, event.type])).toEqual(report.steps.map((step) => [step.eventId, step.event]));
    expect(recorded.map((event) => event.seq)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8]);
    expect(new Set(recorded.map((event) => event.run)).size).toBe(1);
    expect(recorded[0]!.run).toMatch(/^[0-9a-f]{8}$/);
    for (const event of recorded) {
      expect(event.headers).toEqual(STRIPE_HEADERS);
      expect(event.livemode).toBe(false);
      expect(event.answer).toEqual({ status: 200, ms: expect.any(Number) });
      expect(Date.parse(event.receivedAt)).toBeGreaterThan(Date.now() - 60_000);
    }

    const again = await demoApp();
    const replay = await runCli(['replay', 'x.ndjson', '--forward-to', again.url, '--json'], { box, env });
    expect(replay.exitCode, replay.stderr).toBe(0);
    const replayed = JSON.parse(replay.stdout) as Report;
    expect(replayed.ok).toBe(true);
    expect(replayed.steps.map((step) => step.eventId)).toEqual(recorded.map((event) => event.id));
    expect(again.log.join('\n')).toMatch(/payment pi_\w+ succeeded/); // the app did its work on the replayed events
  });

  it('trigger <event> --offline --record: the one event and its answer, which replay sends again', async () => {
    const app = await demoApp();
    const box = sandbox();
    const result = await runCli(['trigger', 'payment_intent.succeeded', '--offline', '-f', app.url, '--record', 'one.ndjson', '--json'], { box, env });
    expect(result.exitCode, result.stderr).toBe(0);
    const report = JSON.parse(result.stdout) as Report;
    const [event, ...rest] = readRecording(join(box.cwd, 'one.ndjson'));
    expect(rest).toEqual([]);
    expect(event).toMatchObject({ id: report.steps[0]!.eventId, type: 'payment_intent.succeeded', seq: 0, headers: STRIPE_HEADERS, answer: { status: 200 } });
    const replay = await runCli(['replay', 'one.ndjson', '-f', app.url, '--json'], { box, env });
    expect(replay.exitCode, replay.stderr).toBe(0);
    expect((JSON.parse(replay.stdout) as Report).steps.map((step) => step.eventId)).toEqual([event!.id]);
    const live = await runCli(['trigger', 'payment_intent.succeeded', '--offline', '-f', app.url, '--live'], { box, env });
    expect([live.exitCode, live.stderr.split('\n')[0]]).toEqual([2, 'error --live works only with --record']);
  });

  it('--duplicate and --repeat: a line for every POST, numbered in sending order across instances', async () => {
    const app = await demoApp();
    const box = sandbox();
    const result = await runCli(['trigger-flow', 'payment', '--offline', '-f', app.url, '--duplicate', '--repeat', '3', '--concurrency', '3', '--record', 'x.ndjson'], { box, env });
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stderr.trimEnd().split('\n').at(-1)).toBe(`Recorded 54 events to ${join(box.cwd, 'x.ndjson')}`);
    const recorded = readRecording(join(box.cwd, 'x.ndjson'));
    expect(recorded.map((event) => event.seq).sort((a, b) => a! - b!)).toEqual(Array.from({ length: 54 }, (_, i) => i));
    expect(new Set(recorded.map((event) => event.id)).size).toBe(27); // each event twice, as sent
    const dry = await runCli(['replay', 'x.ndjson', '--dry-run', '--json'], { box });
    expect((JSON.parse(dry.stdout) as { events: unknown[] }).events).toHaveLength(27); // replay sends each once
  });

  it('Ctrl+C with a delivery in flight keeps what was sent: the answered ones, and the one in flight as interrupted', async () => {
    let answered = 0;
    const app = await startApp({ answer: () => (answered++ < 3 ? { status: 200 } : new Promise(() => {})) }); // the 4th is never answered
    closers.push(app.close);
    const box = sandbox();
    const path = join(box.cwd, 'x.ndjson');
    const cli = startCli(['trigger-flow', 'payment', '--offline', '-f', app.url(), '--record', 'x.ndjson'], { box, env });
    await app.waitFor((request) => app.requests.indexOf(request) === 3);
    cli.child.kill('SIGINT');
    const result = await cli.child;
    expect(result.exitCode).toBe(130);
    expect(result.stderr).toContain(`Recorded 4 events to ${path}`);
    const recorded = readRecording(path);
    expect(recorded.map((event) => [event.id, event.seq, event.answer.status, event.answer.failure])).toEqual([
      ...app.requests.slice(0, 3).map((request, i) => [request.event!.id, i, 200, undefined]),
      [app.requests[3]!.event!.id, 3, null, 'interrupted'],
    ]);
    for (const [i, event] of recorded.entries()) expect(event.body).toBe(app.requests[i]!.rawBody);
    const dry = await runCli(['replay', 'x.ndjson', '--dry-run', '--json'], { box });
    expect(dry.exitCode, dry.stderr).toBe(0);
  });

  it('kill -9 mid-burst: every whole line parses, each the body the app received, and replay reads the file', async () => {
    const app = await startApp();
    closers.push(app.close);
    const box = sandbox();
    const path = join(box.cwd, 'x.ndjson');
    const cli = startCli(['trigger-flow', 'payment', '--offline', '-f', app.url(), '--repeat', '2000', '--concurrency', '8', '--record', 'x.ndjson'], { box, env });
    await app.waitFor(() => app.requests.length >= 300);
    cli.child.kill('SIGKILL');
    expect((await cli.child).signal).toBe('SIGKILL');
    const recorded = readRecording(path, { cutLast: true }); // a write cut by the kill may leave its last line short
    expect(recorded.length).toBeGreaterThan(0);
    expect(recorded.length).toBeLessThan(2000 * 9); // it was cut mid-run
    const received = new Map(app.requests.map((request) => [request.event?.id, request.rawBody]));
    for (const event of recorded) expect(event.body).toBe(received.get(event.id));
    const dry = await runCli(['replay', 'x.ndjson', '--dry-run', '--json'], { box });
    expect(dry.exitCode, dry.stderr).toBe(0);
    expect((JSON.parse(dry.stdout) as { events: unknown[] }).events).toHaveLength(recorded.length);
  });

  it('--dry-run says where it would record and creates nothing; a bad path is refused before anything is sent', async () => {
    const box = sandbox();
    const human = await runCli(['trigger-flow', 'payment', '--offline', '--dry-run', '--record', 'x.ndjson'], { box, env });
    expect(human.exitCode, human.stderr).toBe(0);
    expect(human.stdout.trimEnd().split('\n').at(-1)).toBe(`# every delivery is appended to ${join(box.cwd, 'x.ndjson')} (--record)`);
    const json = await runCli(['trigger-flow', 'payment', '--offline', '--dry-run', '--json', '--record', 'x.ndjson'], { box, env });
    expect(JSON.parse(json.stdout)).toMatchObject({ record: join(box.cwd, 'x.ndjson') });
    const app = await startApp();
    closers.push(app.close);
    const missing = await runCli(['trigger-flow', 'payment', '--offline', '-f', app.url(), '--record', 'no/dir/x.ndjson'], { box, env });
    expect(missing.exitCode).toBe(2);
    expect(missing.stderr.split('\n')[0]).toMatch(/^error --record .*no\/dir\/x\.ndjson: the directory .* does not exist$/);
    expect(app.requests).toHaveLength(0);
    expect(readdirSync(box.cwd)).toEqual([]);
  });
});

describe('replay --record', () => {
  it('records what the replay sent and how the app answered this time, in a new run; livemode events only with --live', async () => {
    const box = sandbox();
    const body = (id: string, livemode: boolean) => `${JSON.stringify({ id, object: 'event', type: 'customer.created', livemode, data: { object: { id: 'cus_1', object: 'customer' } } }, null, 2)}`;
    const source = [body('evt_1TestReplayRecord000001', false), body('evt_1TestReplayRecord000002', true)];
    writeFileSync(join(box.cwd, 'in.ndjson'), source.map((event, seq) => recordingLine({ run: 'aaaaaaaa', seq, receivedAt: Date.now(), body: event, headers: STRIPE_HEADERS, answer: { status: 500, ms: 1 } })).join(''));
    const app = await startApp({ answer: (request) => ({ status: request.event?.id.endsWith('1') ? 200 : 202 }) });
    closers.push(app.close);

    const result = await runCli(['replay', 'in.ndjson', '-f', app.url(), '--record', 'out.ndjson', '--json'], { box, env });
    expect(result.exitCode, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ ok: true, record: { path: join(box.cwd, 'out.ndjson'), recorded: 1, livemodeSkipped: 1, notRecorded: 0 } });
    const [first, ...rest] = readRecording(join(box.cwd, 'out.ndjson'));
    expect(rest).toEqual([]);
    expect(first).toMatchObject({ id: 'evt_1TestReplayRecord000001', body: source[0], seq: 0, headers: STRIPE_HEADERS, answer: { status: 200 } });
    expect(first!.run).not.toBe('aaaaaaaa');

    const live = await runCli(['replay', 'in.ndjson', '-f', app.url(), '--record', 'live.ndjson', '--live'], { box, env });
    expect(live.exitCode, live.stderr).toBe(0);
    expect(readRecording(join(box.cwd, 'live.ndjson')).map((event) => [event.id, event.livemode, event.answer.status])).toEqual([
      ['evt_1TestReplayRecord000001', false, 200],
      ['evt_1TestReplayRecord000002', true, 202],
    ]);
    expect(readFileSync(join(box.cwd, 'live.ndjson'), 'utf8')).not.toContain(secret);
  });

  it('refuses to record into the recording it replays, and --live without --record (exit 2, nothing sent)', async () => {
    const box = sandbox();
    writeFileSync(join(box.cwd, 'in.ndjson'), recordingLine({ receivedAt: Date.now(), body: JSON.stringify({ id: 'evt_1TestReplayRecord000003', object: 'event', type: 'customer.created' }), headers: {}, answer: { status: 200, ms: 1 } }));
    const app = await startApp();
    closers.push(app.close);
    const same = await runCli(['replay', 'in.ndjson', '-f', app.url(), '--record', './in.ndjson'], { box, env });
    expect([same.exitCode, same.stderr.split('\n')[0]]).toEqual([2, 'error --record ./in.ndjson is the recording being replayed']);
    const live = await runCli(['replay', 'in.ndjson', '-f', app.url(), '--live'], { box, env });
    expect([live.exitCode, live.stderr.split('\n')[0]]).toEqual([2, 'error --live works only with --record']);
    expect(app.requests).toHaveLength(0);
  });
});
