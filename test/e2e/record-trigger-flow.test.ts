/**
 * `trigger-flow --record FILE`, live, end to end: a line for every event the relay delivered, side effects
 * included, each the body the app verified; the --json report says what was recorded; --dry-run says where it
 * would record; --no-listen refuses --record, saying why (offline runs record: record-offline.test.ts).
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli, sandbox, STRIPE_BIN, type Sandbox } from '../support/cli.js';
import { startFakeStripe, type FakeStripe } from '../support/fake-stripe/server.js';
import { KEY_ENV } from '../support/listen-cli.js';
import { startReceiver, type Receiver } from '../support/receiver.js';
import { readRecording } from '../support/recording.js';

let fake: FakeStripe | undefined;
let receiver: Receiver | undefined;

afterEach(async () => {
  await fake?.close();
  await receiver?.close();
  fake = receiver = undefined;
});

function triggerFlow(args: string[], box: Sandbox = sandbox(), apiBase = fake?.url ?? 'http://127.0.0.1:9') {
  return runCli(['trigger-flow', ...args, '--api-base', apiBase, '--stripe-bin', STRIPE_BIN], { box, env: KEY_ENV });
}

interface Report {
  ok: boolean;
  steps: Array<{ event: string; eventId: string }>;
  sideEffects: Array<{ type: string; eventId: string }>;
  record: Record<string, unknown>;
}

describe('trigger-flow --record (live)', () => {
  it('records every delivered event, side effects included, each the body the app verified', async () => {
    fake = await startFakeStripe();
    receiver = await startReceiver({ secret: fake.secret });
    const box = sandbox();
    const result = await triggerFlow(['payment', '--forward-to', receiver.url, '--json', '--record', 'payment.ndjson'], box);
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stderr).toBe('');
    const report = JSON.parse(result.stdout) as Report;
    const path = join(box.cwd, 'payment.ndjson');
    expect(statSync(path).mode & 0o777).toBe(0o600);

    const recorded = readRecording(path);
    const ids = recorded.map((event) => event.id);
    expect(report.record).toEqual({ path, recorded: recorded.length, livemodeSkipped: 0, notRecorded: 0 });
    expect(report.sideEffects.length).toBeGreaterThan(0);
    for (const { eventId } of [...report.steps, ...report.sideEffects]) expect(ids).toContain(eventId);
    expect(new Set(ids).size).toBe(ids.length);
    for (const event of recorded) {
      const delivery = receiver.deliveries.find((d) => d.event?.id === event.id)!;
      expect(delivery.verified).toBe(true);
      expect(Buffer.from(event.body, 'utf8').equals(Buffer.from(delivery.rawBody, 'utf8'))).toBe(true);
      expect(event.answer.status).toBe(200);
      expect(Object.keys(event.headers)).not.toContain('stripe-signature');
    }
  });

  it('a human gets the count after the report', async () => {
    fake = await startFakeStripe();
    receiver = await startReceiver({ secret: fake.secret });
    const box = sandbox();
    const result = await triggerFlow(['payment', '--forward-to', receiver.url, '--record', 'payment.ndjson'], box);
    expect(result.exitCode, result.stderr).toBe(0);
    const count = readRecording(join(box.cwd, 'payment.ndjson')).length;
    expect(result.stderr.trimEnd().split('\n').at(-1)).toBe(`Recorded ${count} events to ${join(box.cwd, 'payment.ndjson')}`);
  });

  it('--dry-run says where it would record, and creates nothing', async () => {
    const box = sandbox();
    const human = await triggerFlow(['payment', '--dry-run', '--record', 'payment.ndjson'], box);
    expect(human.exitCode, human.stderr).toBe(0);
    expect(human.stdout.trimEnd().split('\n').at(-1)).toBe(`# every delivery is appended to ${join(box.cwd, 'payment.ndjson')} (--record)`);
    const json = await triggerFlow(['payment', '--dry-run', '--json', '--record', 'payment.ndjson'], box);
    expect(JSON.parse(json.stdout)).toMatchObject({ dryRun: true, record: join(box.cwd, 'payment.ndjson') });
    expect(readdirSync(box.cwd)).toEqual([]);
  });
});

describe('trigger-flow refuses --record where nothing is relayed', () => {
  it.each([
    ['--no-listen', ['--no-listen'], /^error --record and --no-listen cannot be combined: events are recorded by the relay, which runs with the listener$/, /listen --record/],
  ])('%s: exit 2 saying why, nothing created', async (_name, args, message, hint) => {
    const box = sandbox();
    const result = await triggerFlow(['payment', '--record', 'payment.ndjson', ...args], box);
    expect(result.exitCode).toBe(2);
    const [first, second, ...rest] = result.stderr.split('\n');
    expect(first).toMatch(message);
    expect(second).toMatch(hint);
    expect(rest).toEqual([]);
    expect(existsSync(join(box.cwd, 'payment.ndjson'))).toBe(false);
  });

  it('--live without --record, and a --record path in a missing directory: exit 2, nothing created', async () => {
    const box = sandbox();
    const live = await triggerFlow(['payment', '--live'], box);
    expect([live.exitCode, live.stderr.split('\n')[0]]).toEqual([2, 'error --live works only with --record']);
    const missing = await triggerFlow(['payment', '--record', 'no/dir/payment.ndjson'], box);
    expect(missing.exitCode).toBe(2);
    expect(missing.stderr.split('\n')[0]).toMatch(/^error --record .*no\/dir\/payment\.ndjson: the directory .* does not exist$/);
    expect(readdirSync(box.cwd)).toEqual([]);
  });
});
