/**
 * `stripe-hooks replay FILE` end to end: the built CLI re-signs a recording's bodies and
 * POSTs them to a receiver that verifies each with the SDK's constructEvent, under a secret
 * the recording never saw. Selection (--only, --since), --duplicate, --shuffle, exit codes.
 */
import { describe, expect, it } from 'vitest';
import { receiversPerTest } from '../support/receiver.js';
import { expectUsageError, onlyJson, replay, TYPES, writeRecording } from './replay-support.js';

const secret = 'whsec_replayE2eSecretNotTheRecorders01';
const app = receiversPerTest({ secret });

describe('replay', () => {
  it('sends every recorded event in order, re-signed under another secret, body bytes unchanged, with Stripe\'s headers', async () => {
    const { url, deliveries } = await app();
    const recorded = writeRecording();
    const result = await replay(recorded, ['--forward-to', url], { STRIPE_WEBHOOK_SECRET: secret });
    expect(result.exitCode, result.stderr).toBe(0);
    expect(deliveries.map((d) => [d.event?.id, d.event?.type])).toEqual(recorded.events.map((e) => [e.id, e.type]));
    expect(deliveries.map((d) => d.rawBody)).toEqual(recorded.events.map((e) => e.body));
    expect(deliveries.every((d) => d.verified)).toBe(true);
    // Signed now, not with the recorded (stale) header.
    for (const d of deliveries) expect(Number(/t=(\d+)/.exec(String(d.headers['stripe-signature']))![1])).toBeGreaterThan(Date.now() / 1000 - 60);
    expect(deliveries[0]!.headers).toMatchObject({ 'user-agent': 'Stripe/1.0 (+https://stripe.com/docs/webhooks)', 'content-type': 'application/json; charset=utf-8' });
    expect(result.stderr).toContain(`replaying 6 events from rec.ndjson to ${url}`);
    expect(result.stdout).toContain('rec.ndjson: all 6 events passed');
    for (const event of recorded.events) expect(result.stdout).toContain(event.id);
    expect(result.stdout + result.stderr).not.toContain(secret);
  });

  it('--json: the offline report\'s shape with mode "replay", one row per event', async () => {
    const { url } = await app();
    const recorded = writeRecording();
    const result = await replay(recorded, ['--forward-to', url, '--json'], { STRIPE_WEBHOOK_SECRET: secret });
    expect(result.exitCode, result.stderr).toBe(0);
    const report = onlyJson(result.stdout);
    expect(Object.keys(report)).toEqual(['flow', 'ok', 'mode', 'steps', 'sideEffects']);
    expect(report).toMatchObject({ flow: 'rec.ndjson', ok: true, mode: 'replay', sideEffects: [] });
    expect(report.steps.map((step) => [step.event, step.eventId, step.status, step.ok])).toEqual(recorded.events.map((e) => [e.type, e.id, 200, true]));
    for (const step of report.steps) expect(Object.keys(step)).toEqual(['event', 'trigger', 'eventId', 'url', 'status', 'ms', 'ok']);
    expect(report.steps.every((step) => step.url === url)).toBe(true);
    expect(result.stderr).toBe('');
  });

  it('exit 1 when the app answers 500, naming the event; --continue-on-error sends the rest', async () => {
    const { url, deliveries } = await app({ secret, status: { 'invoice.finalized': 500 } });
    const recorded = writeRecording();
    const failFast = await replay(recorded, ['--forward-to', url, '--json'], { STRIPE_WEBHOOK_SECRET: secret });
    expect(failFast.exitCode).toBe(1);
    const report = onlyJson(failFast.stdout);
    expect(report.ok).toBe(false);
    expect(report.steps[2]).toMatchObject({ event: 'invoice.finalized', status: 500, ok: false, error: 'the app answered 500: {"received":true}' });
    expect(report.steps.slice(3).every((step) => step.failure === 'skipped')).toBe(true);
    expect(deliveries).toHaveLength(3);
    const human = await replay(recorded, ['--forward-to', url, '--continue-on-error'], { STRIPE_WEBHOOK_SECRET: secret });
    expect(human.exitCode).toBe(1);
    expect(human.stderr).toContain('error replay of rec.ndjson: 1 event failed');
    expect(deliveries).toHaveLength(9);
  });

  it('--only with two globs, --since from an event on (inclusive), and both together', async () => {
    const { url, deliveries } = await app();
    const recorded = writeRecording();
    const env = { STRIPE_WEBHOOK_SECRET: secret };
    const ids = (from: number) => deliveries.slice(from).map((d) => d.event!.type);
    expect((await replay(recorded, ['--forward-to', url, '--only', 'invoice.*, charge.*'], env)).exitCode).toBe(0);
    expect(ids(0)).toEqual(['invoice.created', 'invoice.finalized', 'charge.succeeded', 'invoice.paid']);
    expect((await replay(recorded, ['--forward-to', url, '--since', recorded.events[3]!.id], env)).exitCode).toBe(0);
    expect(ids(4)).toEqual(TYPES.slice(3));
    expect((await replay(recorded, ['--forward-to', url, '--since', recorded.events[2]!.id, '--only', 'invoice.*'], env)).exitCode).toBe(0);
    expect(ids(7)).toEqual(['invoice.finalized', 'invoice.paid']);
  });

  it('refuses an unknown --since id, an --only matching nothing and a bad glob: exit 2, nothing sent', async () => {
    const { url, deliveries } = await app();
    const recorded = writeRecording();
    const env = { STRIPE_WEBHOOK_SECRET: secret };
    expectUsageError(await replay(recorded, ['--forward-to', url, '--since', 'evt_notInTheFile'], env), 'error --since evt_notInTheFile: no such event in rec.ndjson');
    expectUsageError(await replay(recorded, ['--forward-to', url, '--only', 'refund.*'], env), 'error --only refund.* matches none of the events in rec.ndjson');
    expectUsageError(await replay(recorded, ['--forward-to', url, '--only', 'Invoice.Paid'], env), /--only "Invoice.Paid" is not an event-type glob/);
    expect(deliveries).toHaveLength(0);
  });

  it('--duplicate sends each event twice, same id and bytes, signed anew', async () => {
    const { url, deliveries } = await app();
    const recorded = writeRecording();
    const result = await replay(recorded, ['--forward-to', url, '--duplicate', '--json'], { STRIPE_WEBHOOK_SECRET: secret });
    expect(result.exitCode, result.stderr).toBe(0);
    expect(deliveries.map((d) => d.event!.id)).toEqual(recorded.events.flatMap((e) => [e.id, e.id]));
    expect(deliveries.map((d) => d.rawBody)).toEqual(recorded.events.flatMap((e) => [e.body, e.body]));
    expect(deliveries.every((d) => d.verified)).toBe(true);
    expect(onlyJson(result.stdout).burst).toMatchObject({ count: 12 });
  });

  it('--shuffle prints its seed, and --seed reproduces the order', async () => {
    const { url, deliveries } = await app();
    const recorded = writeRecording();
    const env = { STRIPE_WEBHOOK_SECRET: secret };
    const first = await replay(recorded, ['--forward-to', url, '--shuffle'], env);
    expect(first.exitCode, first.stderr).toBe(0);
    const seed = /--seed (\d+) repeats this order/.exec(first.stderr)?.[1];
    expect(seed).toBeDefined();
    const again = onlyJson((await replay(recorded, ['--forward-to', url, '--shuffle', '--seed', seed!, '--json'], env)).stdout);
    expect(again.seed).toBe(Number(seed));
    const order = deliveries.map((d) => d.event!.id);
    expect(order.slice(6)).toEqual(order.slice(0, 6));
    expect(new Set(order.slice(0, 6))).toEqual(new Set(recorded.events.map((e) => e.id)));
    expect(again.steps.map((step) => step.eventId)).toEqual(order.slice(0, 6));
    // Some seed moves something: 7 does for these six events.
    await replay(recorded, ['--forward-to', url, '--shuffle', '--seed', '7'], env);
    expect(deliveries.slice(12).map((d) => d.event!.id)).not.toEqual(recorded.events.map((e) => e.id));
  });
});
