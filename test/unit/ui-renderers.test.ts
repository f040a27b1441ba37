/** The renderers split out of the commands: listen's event lines, and the run outcome they end with. */
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { plural } from '../../src/lib/plural.js';
import type { AuditCheck } from '../../src/offline/audit.js';
import { runFailure } from '../../src/run/outcome.js';
import type { FlowReport } from '../../src/run/report.js';
import type { Delivery } from '../../src/relay/delivery-facts.js';
import type { RelayedEvent } from '../../src/relay/listener.js';
import { renderAuditReport } from '../../src/ui/audit-report.js';
import { renderNextSteps } from '../../src/ui/demo.js';
import { listenRenderer, renderListenSummary, type ListenSetup } from '../../src/ui/listen.js';
import { Output } from '../../src/ui/output.js';
import { renderReplayStart } from '../../src/ui/replay.js';
import { statusText } from '../../src/ui/status.js';

function captured(json: boolean) {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const text = { out: '', err: '' };
  stdout.on('data', (chunk: Buffer) => (text.out += chunk.toString()));
  stderr.on('data', (chunk: Buffer) => (text.err += chunk.toString()));
  return { out: new Output({ json, color: false, verbose: false, stdout, stderr }), text };
}

const routing = { forwardTo: 'http://localhost:4242/webhook', routes: [{ glob: 'invoice.*', url: 'http://localhost:4000/billing' }] };
const setup: ListenSetup = { routing, events: ['invoice.paid', 'charge.succeeded'], serial: true, envFile: '/app/.env', envKey: 'STRIPE_WEBHOOK_SECRET' };
const at = Date.UTC(2025, 0, 1, 12, 0, 0);
const time = '2025-01-01T12:00:00.000Z';
const facts = { livemode: false, apiVersion: '2025-01-27.acacia', created: 1735732800, connect: false, receivedAt: at };
const paid: Delivery = { ...facts, id: 'evt_1', type: 'invoice.paid', seq: 0, url: routing.routes[0]!.url, status: 500, ms: 12.4, body: '{"error":"no such invoice",\n "key":"sk_test_…wxyz"}' };
const charge: Delivery = { ...facts, id: 'evt_2', type: 'charge.succeeded', seq: 1, url: routing.forwardTo, status: null, failure: 'refused', error: 'nothing is listening at http://localhost:4242 (ECONNREFUSED)', ms: 1, body: '' };
const early: Delivery = { ...facts, id: 'evt_3', type: 'charge.succeeded', seq: 2, url: routing.forwardTo, status: 200, ms: 3, body: '{"received":true}', reordered: true };
const events: RelayedEvent[] = [
  { kind: 'ready', at, secret: 'whsec_abcdefghijklmnopqrstuvwxyz', apiVersion: '2025-01-27.acacia' },
  { kind: 'received', at, received: paid },
  { kind: 'delivery', at, delivery: paid },
  { kind: 'delivery', at, delivery: charge },
  { kind: 'delivery', at, delivery: early },
  { kind: 'cli-error', at, category: 'network', message: 'websocket closed' },
];

describe('listenRenderer', () => {
  it('a human sees the banner (routes, --serial) on stderr; a line per answer on stdout, the body start or the failure under it', () => {
    const { out, text } = captured(false);
    events.forEach(listenRenderer(out, setup));
    const err = text.err.split('\n');
    expect(err.slice(0, 3)).toEqual(['Ready — forwarding to http://localhost:4242/webhook', '  invoice.* to http://localhost:4000/billing', '  one at a time, in the order Stripe created them (--serial)']);
    expect(text.err).toContain('  signing secret whsec_…wxyz written to /app/.env as STRIPE_WEBHOOK_SECRET');
    expect(text.err).toContain('events: invoice.paid, charge.succeeded');
    expect(text.err).toContain('warning stripe listen: websocket closed');
    const lines = text.out.trimEnd().split('\n');
    expect(lines).toEqual([
      expect.stringMatching(/^\d\d:\d\d:\d\d  invoice\.paid +evt_1 +500  12 ms  → http:\/\/localhost:4000\/billing$/), // whole ms on screen
      '          {"error":"no such invoice", "key":"sk_test_…wxyz"}', // one line, whitespace folded
      expect.stringMatching(/  charge\.succeeded +evt_2 +refused  1 ms  → http:\/\/localhost:4242\/webhook$/),
      '          nothing is listening at http://localhost:4242 (ECONNREFUSED)',
      expect.stringMatching(/  charge\.succeeded +evt_3 +200  3 ms  → http:\/\/localhost:4242\/webhook  \(reordered\)$/), // a 2xx body is not shown
    ]);
  });

  it('thin events: the banner names --thin-to, every thin event, --events-from and a thin secret of its own (masked everywhere); --json too', () => {
    const thinSetup: ListenSetup = { ...setup, routing: { ...routing, thinTo: 'http://localhost:4242/thin' }, allThin: true, eventsFrom: '@self', serial: false };
    const ready: RelayedEvent = { kind: 'ready', at, secret: 'whsec_abcdefghijklmnopqrstuvwxyz', thinSecret: 'whsec_zyxwvutsrqponmlkjihgfedcba' };
    const thin: Delivery = { id: 'evt_test_9', type: 'v1.billing.meter.no_meter_found', livemode: false, thin: true, connect: false, seq: 3, receivedAt: at, url: 'http://localhost:4242/thin', status: 200, ms: 2, body: '' };
    const human = captured(false);
    [ready, { kind: 'delivery', at, delivery: thin } as const].forEach(listenRenderer(human.out, thinSetup));
    expect(human.text.err).toContain('  thin events to http://localhost:4242/thin\n');
    expect(human.text.err).toContain('  thin events signed with another secret, whsec_…dcba, written as STRIPE_WEBHOOK_SECRET_THIN\n');
    expect(human.text.err).toContain('  events: invoice.paid, charge.succeeded, every thin event\n');
    expect(human.text.err).toContain('  from your account only (--events-from @self)\n');
    expect(human.text.err).not.toContain('zyxw');
    const json = captured(true);
    [ready, { kind: 'delivery', at, delivery: thin } as const].forEach(listenRenderer(json.out, thinSetup));
    const [readyLine, deliveryLine] = json.text.out.trimEnd().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(readyLine).toMatchObject({ secret: 'whsec_…wxyz', thinSecret: 'whsec_…dcba', thinTo: 'http://localhost:4242/thin', eventsFrom: '@self' });
    expect(deliveryLine).toEqual({ kind: 'delivery', time, id: 'evt_test_9', type: 'v1.billing.meter.no_meter_found', livemode: false, connect: false, thin: true, url: 'http://localhost:4242/thin', status: 200, ms: 2 });
  });

  it('a human sees no route arrow without routes, and a long body cut to one line', () => {
    const { out, text } = captured(false);
    const render = listenRenderer(out, { ...setup, routing: { forwardTo: routing.forwardTo, routes: [] }, serial: false });
    render({ kind: 'delivery', at, delivery: { ...paid, url: routing.forwardTo, body: 'x'.repeat(2048) } });
    const [line, body] = text.out.trimEnd().split('\n');
    expect(line).toMatch(/evt_1 +500  12 ms$/);
    expect(body).toBe(`          ${'x'.repeat(159)}…`);
  });

  it("a human never gets the app's control characters: escape sequences in a body are shown as their escapes", () => {
    const { out, text } = captured(false);
    const render = listenRenderer(out, { ...setup, routing: { forwardTo: routing.forwardTo, routes: [] }, serial: false });
    render({ kind: 'delivery', at, delivery: { ...paid, body: 'bad\x1b[2J\x07sig\r\n' } });
    expect(text.out.trimEnd().split('\n')[1]).toBe('          bad\\x1b[2J\\x07sig');
  });

  it('--json: one NDJSON object per event and nothing on stderr; the body only for a non-2xx answer', () => {
    const { out, text } = captured(true);
    events.forEach(listenRenderer(out, setup));
    const records = text.out.trimEnd().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(records).toEqual([
      { kind: 'ready', time, secret: 'whsec_…wxyz', apiVersion: '2025-01-27.acacia', forwardTo: routing.forwardTo, eventsFrom: 'all', routes: routing.routes, serial: true, envFile: '/app/.env' },
      { kind: 'delivery', time, id: 'evt_1', type: 'invoice.paid', livemode: false, apiVersion: '2025-01-27.acacia', connect: false, url: routing.routes[0]!.url, status: 500, ms: 12.4, body: paid.body },
      { kind: 'delivery', time, id: 'evt_2', type: 'charge.succeeded', livemode: false, apiVersion: '2025-01-27.acacia', connect: false, url: routing.forwardTo, status: null, failure: 'refused', error: charge.error, ms: 1 },
      { kind: 'delivery', time, id: 'evt_3', type: 'charge.succeeded', livemode: false, apiVersion: '2025-01-27.acacia', connect: false, url: routing.forwardTo, status: 200, ms: 3, reordered: true },
      { kind: 'cli-error', time, category: 'network', message: 'websocket closed' },
    ]);
    expect(text.err).toBe('');
  });

  it('--json: a Connect delivery names its account', () => {
    const { out, text } = captured(true);
    listenRenderer(out, setup)({ kind: 'delivery', at, delivery: { ...early, reordered: undefined, connect: true, account: 'acct_1Connected' } });
    expect(JSON.parse(text.out)).toMatchObject({ connect: true, account: 'acct_1Connected' });
  });
});

describe('statusText', () => {
  it('colours 2xx green, 3xx yellow, the rest red', () => {
    const { out } = captured(false);
    expect(statusText(out.c, 204)).toBe('204');
    const colour = new Output({ json: false, color: true, verbose: false, stdout: new PassThrough(), stderr: new PassThrough() }).c;
    expect(statusText(colour, 200)).toBe(colour.green('200'));
    expect(statusText(colour, 302)).toBe(colour.yellow('302'));
    expect(statusText(colour, 400)).toBe(colour.red('400'));
  });
});

const sample = { type: 'invoice.created', from: 'the first event of flow payment' };

describe('runFailure', () => {
  const report = (steps: FlowReport['steps']): FlowReport => ({ flow: 'payment', ok: steps.every((step) => step.ok), mode: 'offline', steps, sideEffects: [] });
  const ok = { event: 'invoice.created', trigger: null, eventId: 'evt_1', status: 200, ms: 3, ok: true };

  it('none when every step passed', () => {
    expect(runFailure(report([ok]))).toBeUndefined();
  });

  it('counts failed steps (not skipped ones) and audit checks; the seed replays', () => {
    const failure = runFailure(
      report([ok, { ...ok, status: 500, ok: false, failure: 'status', error: 'the app answered 500' }, { ...ok, eventId: null, status: null, ok: false, failure: 'skipped', error: 'not run' }]),
      { seed: 42, audit: { url: 'http://x', ok: false, sample, checks: [{ name: 'stale', title: '', expected: '4xx', status: 200, ms: 1, detail: '', ok: false }] } },
    );
    expect(failure).toMatchObject({ exitCode: 1, reported: true, message: 'flow payment: 1 step failed, 1 audit check failed', hint: expect.stringContaining('--seed 42 replays') });
  });
});

describe('counting in words', () => {
  it('plural: the noun agrees with its count', () => {
    expect([0, 1, 2].map((n) => plural(n, 'step'))).toEqual(['0 steps', '1 step', '2 steps']);
    expect([1, 3].map((n) => plural(n, 'delivery', 'deliveries'))).toEqual(['1 delivery', '3 deliveries']);
  });

  it('the audit summary: "1 check passed", "all 2 checks passed", "of 1 check"', () => {
    const check: AuditCheck = { name: 'signed', title: 'a correctly signed event', expected: '2xx', status: 200, ms: 1, detail: 'answered 200', ok: true };
    const summary = (checks: AuditCheck[]) => {
      const { out, text } = captured(false);
      renderAuditReport({ url: 'http://x', ok: checks.every((c) => c.ok), sample, checks }, out);
      return text.out.trim().split('\n').at(-1);
    };
    expect(summary([check])).toBe('audit: 1 check passed');
    expect(summary([check, check])).toBe('audit: all 2 checks passed');
    expect(summary([{ ...check, ok: false, fix: 'verify' }])).toBe('audit: FAILED — 0 passed, 1 failed of 1 check');
  });

  it('the audit says which event it sampled, and what a passed check could not see', () => {
    const { out, text } = captured(false);
    const duplicate: AuditCheck = { name: 'duplicate', title: 'the same event delivered twice (its answers)', expected: '2xx', status: 200, ms: 1, detail: 'answered 200 then 200', ok: true, note: 'answered 2xx to both deliveries of evt_1; whether it did the work twice is not visible from outside' };
    renderAuditReport({ url: 'http://x', ok: true, sample, checks: [duplicate] }, out);
    const lines = text.out.trim().split('\n');
    expect(lines[0]).toBe('each check sends a copy of invoice.created (the first event of flow payment) with a fresh id');
    expect(lines).toContain(`note duplicate: ${duplicate.note}`);
  });

  it("listen's summary and replay's start say 1 event, 1 request", () => {
    const { out, text } = captured(false);
    renderListenSummary(out, { delivered: 1, failed: 0, interrupted: 0, refused: 1 });
    renderReplayStart(out, { count: 1, shown: 'rec.ndjson', url: new URL('http://localhost:4242/webhook'), redeliveries: 1 });
    expect(text.err).toContain('Stopped: 1 event delivered, 0 failed');
    expect(text.err).toContain('refused 1 request not signed');
    expect(text.err).toContain('1 recorded redelivery of an event');
    expect(text.err).toContain('replaying 1 event from rec.ndjson');
  });
});

describe("demo's next step", () => {
  it('is a command that runs without a global install (npx)', () => {
    const { out, text } = captured(false);
    renderNextSteps(out);
    expect(text.out).toContain('\n  npx stripe-hooks trigger-flow payment --offline ');
  });
});
