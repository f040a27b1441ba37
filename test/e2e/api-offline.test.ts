/**
 * The library's offline functions end to end, through the package entry (src/index.ts,
 * each function loading its implementation on first call): real HTTP on 127.0.0.1 to a
 * receiver that verifies every delivery with the SDK's constructEvent, and the same runs
 * through the built CLI to check that both give the same report.
 */
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Stripe from 'stripe';
import { describe, expect, it } from 'vitest';
import {
  auditHandler,
  builtinFlows,
  deliverEvent,
  deliverFlow,
  loadFlow,
  replay,
  signPayload,
  StripeHooksError,
  synthesizeEvents,
  triggerFlow,
  type Flow,
  type FlowReport,
} from '../../src/index.js';
import { runCli, tempDir } from '../support/cli.js';
import { closedPort } from '../support/ports.js';
import { rejection } from './api-support.js';
import { receiversPerTest } from '../support/receiver.js';
import { TYPES, writeRecording } from './replay-support.js';

const secret = 'whsec_apiOfflineSecret0123456789abcdef';
const app = receiversPerTest({ secret });

/** A report with each measured duration replaced: two runs of the same seed differ only there. */
const withoutTimings = (report: FlowReport) => ({ ...report, steps: report.steps.map((step) => ({ ...step, ms: 'ms' })) });

describe('deliverFlow', () => {
  it('delivers the payment flow, every event verified, and resolves with the report the CLI prints with --json for the same seed', async () => {
    const { url, deliveries } = await app();
    const report = await deliverFlow({ flow: 'payment', url, secret, seed: 42 });
    expect(report.ok).toBe(true);
    expect(report.mode).toBe('offline');
    expect(report.seed).toBe(42);
    expect(deliveries.every((d) => d.verified)).toBe(true);
    expect(deliveries.map((d) => d.event?.id)).toEqual(report.steps.map((step) => step.eventId));

    const cli = await runCli(['trigger-flow', 'payment', '--offline', '--seed', '42', '--forward-to', url, '--json'], { env: { STRIPE_WEBHOOK_SECRET: secret } });
    expect(cli.exitCode, cli.stderr).toBe(0);
    const printed = JSON.parse(cli.stdout) as FlowReport;
    expect(Object.keys(report)).toEqual(Object.keys(printed));
    // The same version; why differs with the cwd: the library's is this repository (its node_modules/stripe), the CLI's a bare sandbox.
    expect(report.apiVersion).toMatchObject({ version: printed.apiVersion!.version, reason: expect.stringMatching(/^app's stripe@/) });
    expect(printed.apiVersion?.reason).toBe('default');
    expect(withoutTimings({ ...report, apiVersion: undefined })).toEqual(withoutTimings({ ...printed, apiVersion: undefined }));
  });

  it('record: keeps what was sent and the answers, as the CLI does; replay({ record }) sends it again and records that run too', async () => {
    const { url, deliveries } = await app();
    const dir = tempDir();
    const file = join(dir, 'sent.ndjson');
    const report = await deliverFlow({ flow: 'invoice', url, secret, seed: 3, record: file });
    expect(report.record).toEqual({ path: file, recorded: report.steps.length, livemodeSkipped: 0, notRecorded: 0 });
    expect(Object.keys(report).at(-1)).toBe('record');
    const lines = readFileSync(file, 'utf8').trim().split('\n').map((line) => JSON.parse(line) as { seq: number; event: string; answer: { status: number } });
    expect(lines.map((line) => [line.seq, JSON.parse(line.event).id, line.answer.status])).toEqual(report.steps.map((step, i) => [i, step.eventId, 200]));
    expect(readFileSync(file, 'utf8')).not.toContain(secret);

    const again = await replay({ file, url, secret, record: join(dir, 'again.ndjson') });
    expect(again).toMatchObject({ ok: true, record: { path: join(dir, 'again.ndjson'), recorded: report.steps.length } });
    expect(deliveries.slice(report.steps.length).map((d) => d.rawBody)).toEqual(lines.map((line) => line.event));
    expect(await rejection(replay({ file, url, secret, record: file }))).toMatchObject({ code: 'ERR_STRIPE_HOOKS_USAGE', message: `record: '${file}' is the recording being replayed` });

    const one = await deliverEvent({ type: 'payment_intent.succeeded', url, secret, record: join(dir, 'one.ndjson') });
    expect(one.record).toMatchObject({ recorded: 1, livemodeSkipped: 0 });
    const live = { ...(JSON.parse(lines[0]!.event) as Record<string, unknown>), livemode: true };
    const skipped = await deliverEvent({ event: live, url, secret, record: join(dir, 'one.ndjson') });
    expect(skipped.record).toMatchObject({ recorded: 0, livemodeSkipped: 1 });
    expect(readFileSync(join(dir, 'one.ndjson'), 'utf8').trim().split('\n')).toHaveLength(1);
  });

  it('takes a flow object, with duplicates and a burst', async () => {
    const { url, deliveries } = await app();
    const flow = { name: 'two', description: '', source: 'test', steps: [{ event: 'invoice.created' }, { event: 'invoice.paid' }] } satisfies Flow;
    const report = await deliverFlow({ flow, url, secret, duplicate: true, repeat: 3, concurrency: 2, seed: 1 });
    expect(report.ok).toBe(true);
    expect(report.burst).toMatchObject({ count: 12, failures: 0 });
    expect(deliveries).toHaveLength(12);
  });

  it('resolves with ok false, not a rejection, when the app fails a step', async () => {
    const { url } = await app({ secret, status: { 'payment_intent.created': 500 } });
    const report = await deliverFlow({ flow: 'payment', url, secret, seed: 3 });
    expect(report.ok).toBe(false);
    const failed = report.steps.find((step) => !step.ok)!;
    expect(failed).toMatchObject({ event: 'payment_intent.created', status: 500 });
    expect(report.steps.at(-1)!).toMatchObject({ failure: 'skipped', error: 'not run: an earlier step failed' });
  });

  it('rejects bad input with ERR_STRIPE_HOOKS_USAGE before anything is sent', async () => {
    const { url, deliveries } = await app();
    const bad = await rejection(deliverFlow({ flow: 'payment', url: 'ftp://nowhere', secret }));
    expect(bad).toMatchObject({ code: 'ERR_STRIPE_HOOKS_USAGE', exitCode: 2 });
    expect(bad.message).not.toContain('\n');
    expect(await rejection(deliverFlow({ flow: 'paymnet', url, secret }))).toMatchObject({ code: 'ERR_STRIPE_HOOKS_USAGE', message: 'unknown flow "paymnet"' });
    expect(await rejection(deliverFlow({ flow: 'payment', url, secret: ' ' }))).toMatchObject({ code: 'ERR_STRIPE_HOOKS_USAGE' });
    expect(await rejection(deliverFlow({ flow: 'payment', url, secret, repeat: 0 }))).toMatchObject({ code: 'ERR_STRIPE_HOOKS_USAGE' });
    const shapeless = { name: 'x', description: '', source: 'test', steps: [{ event: 'invoice.craeted' }] } as unknown as Flow;
    expect((await rejection(deliverFlow({ flow: shapeless, url, secret }))).message).toMatch(/unknown event type "invoice.craeted"/);
    expect(deliveries).toHaveLength(0);
  });

  it('stops when the signal aborts: rejects with ERR_STRIPE_HOOKS_INTERRUPTED, no request left in flight', async () => {
    const controller = new AbortController();
    let held = 0;
    const { url, deliveries } = await app({
      secret,
      status: () => (++held === 2 && controller.abort(), 200),
      delayMs: { 'customer.subscription.updated': 5000 },
    });
    const started = Date.now();
    const error = await rejection(deliverFlow({ flow: 'payment', url, secret, signal: controller.signal }));
    expect(error).toMatchObject({ code: 'ERR_STRIPE_HOOKS_INTERRUPTED', exitCode: 130 });
    expect(Date.now() - started).toBeLessThan(4000);
    const sent = deliveries.length;
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(deliveries.length).toBe(sent);
    // An already aborted signal sends nothing.
    expect(await rejection(deliverFlow({ flow: 'payment', url, secret, signal: AbortSignal.abort() }))).toMatchObject({ code: 'ERR_STRIPE_HOOKS_INTERRUPTED' });
    expect(deliveries.length).toBe(sent);
  });

  it('timeoutMs is milliseconds: a step the app holds longer fails as a timeout, at once', async () => {
    const { url } = await app({ secret, delayMs: { 'invoice.created': 3000 } });
    const started = Date.now();
    const report = await deliverFlow({ flow: 'invoice', url, secret, seed: 4, timeoutMs: 200 });
    expect(Date.now() - started).toBeLessThan(2500);
    expect(report.steps[0]).toMatchObject({ event: 'invoice.created', ok: false, failure: 'timeout' });
  });

  it('reports an app that is down as failed steps', async () => {
    const report = await deliverFlow({ flow: 'invoice', url: `http://127.0.0.1:${await closedPort()}/hook`, secret, seed: 5 });
    expect(report.ok).toBe(false);
    expect(report.steps[0]!.error).toMatch(/nothing is listening/);
  });
});

describe('auditHandler', () => {
  it('passes every check for a verifying handler and fails the signature checks for one that verifies nothing', async () => {
    const good = await app();
    const audit = await auditHandler({ url: good.url, secret });
    expect(audit.ok).toBe(true);
    expect(audit.checks.map((check) => check.name)).toEqual(['signed', 'unsigned', 'wrong-secret', 'stale', 'tampered', 'duplicate', 'timely']);
    await good.close();

    // Verifies with another secret: accepts nothing, so the signed check fails and names the fix.
    const receiver = await app({ secret: 'whsec_notTheSameSecret000000000000000' });
    const bad = await auditHandler({ url: receiver.url, secret, flow: 'invoice' });
    expect(bad.ok).toBe(false);
    expect(bad.checks[0]).toMatchObject({ name: 'signed', ok: false });
    expect(receiver.deliveries[0]!.event?.type).toBe('invoice.created');
  });

  it('processed: the duplicate check sees the work, and fails a handler that did it twice while answering 2xx twice', async () => {
    // A handler that verifies and answers 200, and does the work of every delivery: twice for a duplicate.
    const work: string[] = [];
    const receiver = await app({ secret, status: (event) => (work.push(event.id), 200) });
    const count = (id: string) => work.filter((done) => done === id).length;
    const blind = await auditHandler({ url: receiver.url, secret });
    expect(blind.checks.find((check) => check.name === 'duplicate')).toMatchObject({ ok: true, note: expect.stringMatching(/not visible from outside/) });

    const seen = await auditHandler({ url: receiver.url, secret, processed: count });
    const duplicate = seen.checks.find((check) => check.name === 'duplicate')!;
    expect(seen.ok).toBe(false);
    expect(duplicate).toMatchObject({ ok: false, expected: '2xx, work once', detail: 'answered 200 then 200; did the work 2 times' });
    expect(duplicate.fix).toMatch(/^did the work of evt_\w{24} 2 times for one event: Stripe delivers at least once, so remember processed event ids and skip a repeat/);
    expect(duplicate.note).toBeUndefined();

    // The same handler made idempotent by event id passes, and nothing is left unsaid.
    const once = new Set<string>();
    const idempotent = await app({ secret, status: (event) => (once.add(event.id), 200) });
    const fixed = await auditHandler({ url: idempotent.url, secret, processed: async (id) => (once.has(id) ? 1 : 0) });
    expect(fixed.checks.find((check) => check.name === 'duplicate')).toMatchObject({ ok: true, detail: 'answered 200 then 200; did the work once' });
    expect(fixed.checks.filter((check) => check.note !== undefined)).toEqual([]);

    const none = await auditHandler({ url: idempotent.url, secret, processed: () => 0 });
    expect(none.checks.find((check) => check.name === 'duplicate')!.fix).toMatch(/^the handler answered 2xx to evt_\w{24} but reported no work for it/);
    await expect(auditHandler({ url: idempotent.url, secret, processed: () => 'twice' as unknown as number })).rejects.toMatchObject({
      code: 'ERR_STRIPE_HOOKS_USAGE',
      message: expect.stringMatching(/^processed returned 'twice' for evt_\w{24}: not a count$/),
    });
  });

  it("names the url option in a fix, not the CLI's --forward-to", async () => {
    const receiver = await app({ secret, status: 404 });
    const audit = await auditHandler({ url: receiver.url, secret });
    expect(audit.checks[0]).toMatchObject({ name: 'signed', ok: false, fix: `the app has no webhook handler at ${receiver.url} (it answered 404): check the path in url` });
    const down = await auditHandler({ url: `http://127.0.0.1:${await closedPort()}/hook`, secret });
    expect(down.checks[0]!.fix).toMatch(/^start the app, or point url at it/);
  });
});

describe('replay', () => {
  it('re-sends a recording, re-signed, and resolves with a replay report', async () => {
    const { url, deliveries } = await app();
    const recorded = writeRecording();
    const file = join(recorded.box.cwd, recorded.file);
    const report = await replay({ file, url, secret, only: ['invoice.*'] });
    expect(report).toMatchObject({ ok: true, mode: 'replay' });
    expect(report.seed).toBeUndefined();
    expect(report.steps.map((step) => step.event)).toEqual(TYPES.filter((type) => type.startsWith('invoice.')));
    expect(deliveries.every((d) => d.verified)).toBe(true);
    const shuffled = await replay({ file, url, secret, shuffle: true, seed: 9 });
    expect(shuffled.seed).toBe(9);
    expect((await rejection(replay({ file: join(tempDir(), 'missing.ndjson'), url, secret }))).code).toBe('ERR_STRIPE_HOOKS_USAGE');
  });
});

describe('signPayload', () => {
  it('signs as Stripe does: the SDK\'s constructEvent accepts it, and refuses it for another body', () => {
    const payload = JSON.stringify({ id: 'evt_1', object: 'event', type: 'invoice.paid', data: { object: {} } });
    const header = signPayload({ payload, secret });
    const stripe = new Stripe('sk_test_never_used');
    expect(stripe.webhooks.constructEvent(payload, header, secret).id).toBe('evt_1');
    expect(() => stripe.webhooks.constructEvent(payload + ' ', header, secret)).toThrow();
    expect(signPayload({ payload, secret, timestamp: 1_700_000_000 })).toMatch(/^t=1700000000,v1=[0-9a-f]{64}$/);
    expect(() => signPayload({ payload, secret: '' })).toThrow(StripeHooksError);
  });
});

describe('synthesizeEvents', () => {
  it('returns typed events, the same for the same seed and time, fresh ids for another seed', async () => {
    const now = 1_750_000_000;
    const one = await synthesizeEvents({ flow: 'payment', seed: 7, now });
    expect(one.map((event) => event.type)).toEqual(builtinFlows.find((flow) => flow.name === 'payment')!.steps.map((step) => step.event));
    expect(await synthesizeEvents({ flow: 'payment', seed: 7, now })).toEqual(one);
    const other = await synthesizeEvents({ flow: 'payment', seed: 8, now });
    expect(other[0]!.id).not.toBe(one[0]!.id);
    const paid = one.find((event) => event.type === 'payment_intent.succeeded');
    if (paid?.type === 'payment_intent.succeeded') expect(paid.data.object.status).toBe('succeeded');
    else expect.fail('no payment_intent.succeeded');
  });
});

describe('loadFlow and builtinFlows', () => {
  it('reads a flow file and a recording; the built-ins are listed', async () => {
    const dir = tempDir();
    const file = join(dir, 'flow.yaml');
    writeFileSync(file, 'name: mine\nsteps:\n  - event: invoice.created\n  - event: invoice.paid\n');
    const flow = await loadFlow(file);
    expect(flow).toMatchObject({ name: 'mine', steps: [{ event: 'invoice.created' }, { event: 'invoice.paid' }] });
    const recorded = writeRecording();
    const fromRecording = await loadFlow(join(recorded.box.cwd, recorded.file));
    expect(fromRecording.steps.map((step) => step.event)).toEqual(TYPES);
    expect(builtinFlows.map((f) => f.name)).toContain('payment');
    writeFileSync(file, 'steps: [{ event: nope }]\n');
    expect((await rejection(loadFlow(file))).message).toMatch(/flow\.yaml:1:\d+/);
  });

  it('takes copies of loaded flows, spread or through JSON: a flow is checked by its shape, not by where it came from', async () => {
    const { url, deliveries } = await app();
    const recorded = writeRecording();
    // A name no flow file may have, and the recording's own: the copy keeps it.
    const path = join(recorded.box.cwd, 'my events (2).ndjson');
    copyFileSync(join(recorded.box.cwd, recorded.file), path);
    const fromRecording = await loadFlow(path);
    expect(fromRecording).toMatchObject({ name: 'my events (2).ndjson', recording: true });
    const file = join(tempDir(), 'flow.yaml');
    writeFileSync(file, 'name: mine\nsteps:\n  - event: invoice.created\n  - event: invoice.paid\n    timeout: 5\n');
    const fromFile = await loadFlow(file);
    expect(fromFile).not.toHaveProperty('recording');
    for (const flow of [{ ...fromRecording }, JSON.parse(JSON.stringify(fromRecording)) as Flow, { ...fromFile }, JSON.parse(JSON.stringify(fromFile)) as Flow]) {
      expect(await deliverFlow({ flow, url, secret, seed: 1 })).toMatchObject({ flow: flow.name, ok: true });
    }
    expect(deliveries.map((delivery) => delivery.event?.type)).toEqual([...TYPES, ...TYPES, 'invoice.created', 'invoice.paid', 'invoice.created', 'invoice.paid']);
    // A recording's copy is still a recording: live mode refuses it by that field, in the library's words.
    const live = await rejection(triggerFlow({ flow: { ...fromRecording }, url }));
    expect(live).toMatchObject({ code: 'ERR_STRIPE_HOOKS_USAGE', message: `${fromRecording.source} is a recording: live mode cannot trigger its events` });
    expect(live.hint).toMatch(/^use deliverFlow for fresh events of its types, or replay\(\{ file: /);
    // The field is checked like any other.
    const bad = { ...fromRecording, recording: 'yes' } as unknown as Flow;
    expect((await rejection(deliverFlow({ flow: bad, url, secret }))).message).toBe('flow: the flow\'s "recording" must be true or false');
    const stray = { ...fromRecording, steps: [{ event: 'invoice.paid', observe: true }] } as unknown as Flow;
    expect((await rejection(deliverFlow({ flow: stray, url, secret }))).message).toMatch(/step 1 \(recorded\) has an unknown field "observe"/);
  });

  it('takes a recording loaded with loadFlow as the flow, whatever its file is called', async () => {
    const { url, deliveries } = await app();
    const recorded = writeRecording();
    const path = join(recorded.box.cwd, 'my events (1).ndjson');
    copyFileSync(join(recorded.box.cwd, recorded.file), path);
    const report = await deliverFlow({ flow: await loadFlow(path), url, secret });
    expect(report).toMatchObject({ flow: 'my events (1).ndjson', ok: true });
    expect(deliveries.map((delivery) => delivery.event?.type)).toEqual(TYPES);
  });
});
