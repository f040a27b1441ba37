import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { reportJson, type FlowReport } from '../../src/run/report.js';
import { renderFlowReport } from '../../src/ui/flow-report.js';
import { Output } from '../../src/ui/output.js';

function render(report: FlowReport, color = false): string {
  const stdout = new PassThrough();
  let text = '';
  stdout.on('data', (chunk: Buffer) => (text += chunk.toString()));
  renderFlowReport(report, new Output({ json: false, color, verbose: false, stdout, stderr: new PassThrough() }));
  return text;
}

const failed: FlowReport = {
  flow: 'payment',
  ok: false,
  mode: 'live',
  steps: [
    { event: 'invoice.created', trigger: 'invoice.created', eventId: 'evt_1', status: 200, ms: 412, ok: true },
    { event: 'charge.pending', trigger: null, eventId: 'evt_2', status: 500, ms: 3, ok: false, failure: 'status', error: 'the app answered 500' },
    { event: 'transfer.created', trigger: 'transfer.created', eventId: null, status: null, ms: 0, ok: false, failure: 'skipped', error: 'not run: an earlier step failed' },
  ],
  sideEffects: [{ type: 'customer.created', eventId: 'evt_0', status: 200 }],
};

describe('renderFlowReport', () => {
  it('prints the step table, side effects and a failure summary', () => {
    expect(render(failed).split('\n')).toEqual([
      'step  event             trigger           evt id  status  ms   result',
      '1     invoice.created   invoice.created   evt_1   200     412  ok',
      '2     charge.pending    (observed)        evt_2   500     3    FAIL the app answered 500',
      '3     transfer.created  transfer.created  -       -       -    skipped',
      '',
      'side effects: 1 other event delivered',
      'event             evt id  status',
      'customer.created  evt_0   200',
      '',
      'payment: FAILED — 1 passed, 1 failed, 1 skipped of 3 steps',
      '',
    ]);
  });

  it('says when every step passed, colours statuses, and marks an unverified run', () => {
    const passed: FlowReport = { ...failed, ok: true, steps: [failed.steps[0]!], sideEffects: [] };
    expect(render(passed).trim().split('\n').at(-1)).toBe('payment: 1 step passed');
    expect(render({ ...failed, steps: [failed.steps[1]!] }, true)).toContain('\u001b[31m500\u001b[39m');
    const unverified: FlowReport = {
      ...passed,
      mode: 'unverified',
      steps: [{ ...failed.steps[0]!, eventId: null, status: null }, { ...failed.steps[1]!, ok: true, error: undefined, eventId: null, status: null }],
    };
    const text = render(unverified);
    expect(text).toMatch(/^1 .* fired \(unverified\)$/m);
    expect(text).toMatch(/^2 +charge\.pending +\(observed\) .* not checked$/m);
    expect(text).toContain('payment: 1 of 1 trigger fired — unverified: deliveries were not checked (--no-listen)');
  });

  it('counts in words: one step, all N steps, N events for a replay, "of 1 step" when it failed', () => {
    const last = (report: FlowReport) => render(report).trim().split('\n').at(-1);
    const one: FlowReport = { ...failed, ok: true, steps: [failed.steps[0]!], sideEffects: [] };
    expect(last(one)).toBe('payment: 1 step passed');
    expect(last({ ...one, steps: [failed.steps[0]!, failed.steps[0]!] })).toBe('payment: all 2 steps passed');
    expect(last({ ...one, mode: 'replay', flow: 'rec.ndjson' })).toBe('rec.ndjson: 1 event passed');
    expect(last({ ...one, mode: 'replay', flow: 'rec.ndjson', steps: [failed.steps[0]!, failed.steps[0]!] })).toBe('rec.ndjson: all 2 events passed');
    expect(last({ ...one, ok: false, steps: [failed.steps[1]!] })).toBe('payment: FAILED — 0 passed, 1 failed of 1 step');
    expect(render({ ...one, sideEffects: [...failed.sideEffects, ...failed.sideEffects] })).toContain('side effects: 2 other events delivered');
  });

  it('points out side effects the app did not answer 2xx', () => {
    const text = render({ ...failed, sideEffects: [...failed.sideEffects, { type: 'charge.succeeded', eventId: 'evt_9', status: 500 }] });
    expect(text.trimEnd().split('\n').at(-1)).toBe('note: 1 side effect was not answered 2xx (Stripe would retry it)');
  });

  it('says which deliveries --serial reordered, steps and side effects alike', () => {
    const reordered: FlowReport = {
      ...failed,
      steps: [{ ...failed.steps[0]!, reordered: true }, failed.steps[1]!],
      sideEffects: [{ ...failed.sideEffects[0]!, reordered: true }],
    };
    expect(render(reordered).trimEnd().split('\n').at(-1)).toBe(
      'note: 2 deliveries reordered by --serial, each sent ahead of an event that reached the relay first but was created later: evt_1, evt_0',
    );
    expect(render({ ...reordered, sideEffects: failed.sideEffects }).trimEnd().split('\n').at(-1)).toBe(
      'note: 1 delivery reordered by --serial, each sent ahead of an event that reached the relay first but was created later: evt_1',
    );
    expect(render(failed)).not.toContain('reordered');
  });

  it('adds burst figures when the report has them', () => {
    const burst = { count: 9000, failures: 2, eventsPerSecond: 1234.4, latency: { p50: 1, p95: 3, p99: 7, max: 40 } };
    expect(render({ ...failed, mode: 'offline', burst })).toContain('burst: 9000 events, 2 failed, 1234 events/s; latency p50 1 ms, p95 3 ms, p99 7 ms, max 40 ms');
  });

  it('never prints a secret in an error', () => {
    const leaky: FlowReport = { ...failed, steps: [{ ...failed.steps[1]!, error: 'bad key sk_test_abcdefghijklmnop1234' }] };
    expect(render(leaky)).not.toContain('sk_test_abcdefghijklmnop1234');
  });
});

describe('reportJson', () => {
  it('has exactly the documented fields', () => {
    const json = reportJson({ ...failed, steps: [{ ...failed.steps[0]!, extra: 1 } as never] });
    expect(Object.keys(json)).toEqual(['flow', 'ok', 'mode', 'steps', 'sideEffects']);
    expect(json.steps).toEqual([{ event: 'invoice.created', trigger: 'invoice.created', eventId: 'evt_1', status: 200, ms: 412, ok: true }]);
    expect(Object.keys((reportJson(failed).steps as object[])[1]!)).toEqual(['event', 'trigger', 'eventId', 'status', 'ms', 'ok', 'failure', 'error']);
    const refused = reportJson({ ...failed, sideEffects: [{ type: 'customer.created', eventId: 'evt_0', status: 400, failure: 'status', extra: 1 } as never] });
    expect(refused.sideEffects).toEqual([{ type: 'customer.created', eventId: 'evt_0', status: 400, failure: 'status' }]);
  });
});
