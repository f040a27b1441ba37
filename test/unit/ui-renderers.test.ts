/** The renderers split out of the commands: listen's event lines, and the run outcome they end with. */
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { runFailure } from '../../src/run/outcome.js';
import { SKIPPED, type FlowReport } from '../../src/run/report.js';
import type { ListenerEvent } from '../../src/stripe-cli/listen.js';
import { listenRenderer, type ListenSetup } from '../../src/ui/listen.js';
import { Output } from '../../src/ui/output.js';
import { statusText } from '../../src/ui/status.js';

function captured(json: boolean) {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const text = { out: '', err: '' };
  stdout.on('data', (chunk: Buffer) => (text.out += chunk.toString()));
  stderr.on('data', (chunk: Buffer) => (text.err += chunk.toString()));
  return { out: new Output({ json, color: false, verbose: false, stdout, stderr }), text };
}

const setup: ListenSetup = { forwardTo: 'http://localhost:4242/webhook', events: ['invoice.paid'], envFile: '/app/.env', envKey: 'STRIPE_WEBHOOK_SECRET' };
const at = Date.UTC(2025, 0, 1, 12, 0, 0);
const events: ListenerEvent[] = [
  { kind: 'ready', at, secret: 'whsec_abc' },
  { kind: 'forwarded', at, type: 'invoice.paid', id: 'evt_1', connect: false },
  { kind: 'response', at, status: 500, method: 'POST', url: 'http://localhost:4242/webhook', id: 'evt_1', type: 'invoice.paid', ms: 12 },
  { kind: 'unreachable', at, reason: 'connection refused', id: 'evt_2', type: 'invoice.paid' },
];

describe('listenRenderer', () => {
  it('a human sees the banner on stderr and one line per answer on stdout', () => {
    const { out, text } = captured(false);
    events.forEach(listenRenderer(out, setup));
    expect(text.err).toContain('Ready — forwarding to http://localhost:4242/webhook');
    expect(text.err).toContain('written to /app/.env as STRIPE_WEBHOOK_SECRET');
    expect(text.err).toContain('events: invoice.paid');
    const lines = text.out.trim().split('\n');
    expect(lines).toHaveLength(2); // `forwarded` waits for its answer
    expect(lines[0]).toMatch(/invoice\.paid\s+evt_1\s+500 {2}12 ms$/);
    expect(lines[1]).toMatch(/invoice\.paid\s+evt_2\s+unreachable {2}connection refused$/);
  });

  it('--json: one NDJSON object per event, answers as deliveries', () => {
    const { out, text } = captured(true);
    events.forEach(listenRenderer(out, setup));
    const records = text.out.trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(records.map((record) => record.kind)).toEqual(['ready', 'forwarded', 'delivery', 'unreachable']);
    expect(records[0]).toMatchObject({ forwardTo: setup.forwardTo, envFile: '/app/.env', time: '2025-01-01T12:00:00.000Z' });
    expect(records[2]).toEqual({ kind: 'delivery', time: '2025-01-01T12:00:00.000Z', type: 'invoice.paid', id: 'evt_1', status: 500, ms: 12, url: setup.forwardTo, connect: false });
    expect(text.err).toBe('');
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

describe('runFailure', () => {
  const report = (steps: FlowReport['steps']): FlowReport => ({ flow: 'payment', ok: steps.every((step) => step.ok), mode: 'offline', steps, sideEffects: [] });
  const ok = { event: 'invoice.created', trigger: null, eventId: 'evt_1', status: 200, ms: 3, ok: true };

  it('none when every step passed', () => {
    expect(runFailure(report([ok]))).toBeUndefined();
  });

  it('counts failed steps (not skipped ones) and audit checks; the seed replays', () => {
    const failure = runFailure(
      report([ok, { ...ok, status: 500, ok: false, error: 'the app answered 500' }, { ...ok, eventId: null, status: null, ok: false, error: SKIPPED }]),
      { seed: 42, audit: { url: 'http://x', ok: false, checks: [{ name: 'stale', title: '', expected: '4xx', status: 200, ms: 1, detail: '', ok: false }] } },
    );
    expect(failure).toMatchObject({ exitCode: 1, reported: true, message: 'flow payment: 1 step failed, 1 audit check failed', hint: expect.stringContaining('--seed 42 replays') });
  });

  it('hints at the likely cause: nothing listening, or a generated secret the app refuses', () => {
    expect(runFailure(report([{ ...ok, status: null, ok: false, error: 'nothing is listening at http://x/' }]))?.hint).toBe('start the app, or point --forward-to at it');
    expect(runFailure(report([{ ...ok, status: 400, ok: false, error: 'refused' }]), { generatedSecret: true })?.hint).toMatch(/generated secret/);
    expect(runFailure(report([{ ...ok, status: 400, ok: false, error: 'refused' }]))?.hint).toBe('the report above says which and why');
  });
});
