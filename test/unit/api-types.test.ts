/**
 * The public surface's types (src/index.ts), checked by `npm run typecheck` (test/tsconfig.json):
 * each function's options and result, unknown options are errors, and the report types are
 * the ones the CLI's --json renderers produce. At run time these are no-ops, plus a check
 * that the error hierarchy is one.
 */
import type Stripe from 'stripe';
import { describe, expect, expectTypeOf, it } from 'vitest';
import * as api from '../../src/index.js';
import type { AuditReport, DeleteReport, EndpointsReport, Flow, FlowReport, ListenDelivery, Listener, ListenerEvent, ListenSummary, RegisterReport, StepFailure, StripeCli, ThinEvent } from '../../src/index.js';
import { EnvironmentError, FailedError, InterruptedError, UsageError } from '../../src/errors.js';
import type { OfflineReportJson } from '../../src/ui/trigger-flow-offline.js';
import type { registerReport } from '../../src/endpoints/reports.js';
import type { listenEventJson } from '../../src/listen/json.js';
import type { reportJson } from '../../src/run/report.js';

const signal = new AbortController().signal;

describe('the public API\'s types', () => {
  it('exports exactly the documented names', () => {
    expect(Object.keys(api).sort()).toEqual([
      'StripeHooksError', 'auditHandler', 'builtinFlows', 'deleteEndpoint', 'deliverEvent', 'deliverFlow', 'listEndpoints', 'loadFlow',
      'locateStripeCli', 'registerEndpoint', 'replay', 'signPayload', 'startListener', 'synthesizeEvents', 'triggerFlow',
    ]);
  });

  it('types each function\'s options and result', () => {
    expectTypeOf(api.deliverFlow).returns.toEqualTypeOf<Promise<FlowReport>>();
    expectTypeOf(api.deliverFlow).parameter(0).toHaveProperty('flow').toEqualTypeOf<string | Flow>();
    expectTypeOf(api.deliverFlow).parameter(0).toHaveProperty('seed').toEqualTypeOf<number | undefined>();
    expectTypeOf(api.deliverFlow).parameter(0).toHaveProperty('signal').toEqualTypeOf<AbortSignal | undefined>();
    expectTypeOf(api.auditHandler).returns.toEqualTypeOf<Promise<AuditReport>>();
    expectTypeOf(api.deliverEvent).returns.toEqualTypeOf<Promise<FlowReport>>();
    expectTypeOf(api.deliverEvent).parameter(0).toHaveProperty('overrides').toEqualTypeOf<string[] | undefined>();
    expectTypeOf(api.triggerFlow).returns.toEqualTypeOf<Promise<FlowReport>>();
    expectTypeOf(api.triggerFlow).parameter(0).toHaveProperty('stepTimeoutMs').toEqualTypeOf<number | undefined>();
    // The app's URL is `url` wherever events are sent; durations are ms, named so.
    for (const fn of [api.deliverFlow, api.deliverEvent, api.auditHandler, api.triggerFlow, api.replay] as const) expectTypeOf(fn).parameter(0).toHaveProperty('url').toEqualTypeOf<string>();
    expectTypeOf(api.startListener).parameter(0).toHaveProperty('url').toEqualTypeOf<string>();
    expectTypeOf(api.deliverFlow).parameter(0).toHaveProperty('timeoutMs').toEqualTypeOf<number | undefined>();
    expectTypeOf<Parameters<Listener['waitFor']>[1]>().toEqualTypeOf<api.WaitForOptions | undefined>();
    expectTypeOf<api.WaitForOptions>().toEqualTypeOf<{ timeoutMs?: number }>();
    // A recording's flow says so in a field of its own (flows are checked by shape, not by identity).
    expectTypeOf<Flow['recording']>().toEqualTypeOf<boolean | undefined>();
    expectTypeOf(api.startListener).returns.toEqualTypeOf<Promise<Listener>>();
    expectTypeOf<Listener['events']>().toEqualTypeOf<AsyncIterable<ListenerEvent>>();
    expectTypeOf<Listener['stop']>().toEqualTypeOf<() => Promise<ListenSummary>>();
    expectTypeOf<Awaited<ReturnType<Listener['waitFor']>>>().toEqualTypeOf<ListenDelivery>();
    expectTypeOf(api.replay).returns.toEqualTypeOf<Promise<FlowReport>>();
    expectTypeOf(api.registerEndpoint).returns.toEqualTypeOf<Promise<RegisterReport>>();
    expectTypeOf(api.listEndpoints).returns.toEqualTypeOf<Promise<EndpointsReport>>();
    expectTypeOf(api.deleteEndpoint).returns.toEqualTypeOf<Promise<DeleteReport>>();
    expectTypeOf(api.signPayload).returns.toEqualTypeOf<string>();
    expectTypeOf(api.synthesizeEvents).returns.toEqualTypeOf<Promise<(Stripe.Event | ThinEvent)[]>>();
    // A thin event is told from a snapshot one by its `object`, as the SDKs tell them.
    expectTypeOf<ThinEvent['object']>().toEqualTypeOf<'v2.core.event'>();
    expectTypeOf<Stripe.Event['object']>().toEqualTypeOf<'event'>();
    expectTypeOf<ThinEvent['created']>().toEqualTypeOf<string>();
    expectTypeOf(api.builtinFlows).toEqualTypeOf<readonly Flow[]>();
    expectTypeOf(api.loadFlow).parameters.toEqualTypeOf<[string]>();
    expectTypeOf(api.loadFlow).returns.toEqualTypeOf<Promise<Flow>>();
    expectTypeOf(api.locateStripeCli).returns.toEqualTypeOf<Promise<StripeCli>>();
    expectTypeOf<StripeCli>().toEqualTypeOf<{ path: string; version: string; source: string }>();
  });

  it('refuses unknown and mistyped options', () => {
    const call = () => {
      // @ts-expect-error: no such option
      void api.deliverFlow({ flow: 'payment', url: 'http://localhost:4242', secret: 's', seeed: 1 });
      // @ts-expect-error: the CLI's forwardTo is the library's url
      void api.deliverFlow({ flow: 'payment', forwardTo: 'http://localhost:4242', secret: 's' });
      // @ts-expect-error: stepTimeout (seconds) is stepTimeoutMs
      void api.triggerFlow({ flow: 'payment', url: 'http://localhost:4242', stepTimeout: 30 });
      // @ts-expect-error: secret is required offline
      void api.deliverFlow({ flow: 'payment', url: 'http://localhost:4242' });
      // @ts-expect-error: seed is a number
      void api.deliverFlow({ flow: 'payment', url: 'http://localhost:4242', secret: 's', seed: '1' });
      // @ts-expect-error: triggerFlow has no secret (the listener's session signs)
      void api.triggerFlow({ flow: 'payment', url: 'http://localhost:4242', secret: 's' });
      // @ts-expect-error: no such option
      void api.startListener({ url: 'http://localhost:4242', forwardTo: 'x' });
      // @ts-expect-error: events is a list
      void api.registerEndpoint({ url: 'https://a.test', events: 'invoice.paid' });
      // @ts-expect-error: signPayload takes no signal (it is synchronous)
      api.signPayload({ payload: '{}', secret: 's', signal });
      // @ts-expect-error: no such option
      void api.locateStripeCli({ version: '1.0' });
      void api.listEndpoints({ signal });
      void api.auditHandler({ url: 'http://localhost:4242', secret: 's', flow: 'payment', signal });
    };
    expect(call).toBeTypeOf('function');
  });

  it('FlowReport is the object the CLI prints with --json', () => {
    expectTypeOf<FlowReport>().toHaveProperty('ok').toEqualTypeOf<boolean>();
    expectTypeOf<FlowReport>().toHaveProperty('flow').toEqualTypeOf<string>();
    expectTypeOf<FlowReport['mode']>().toEqualTypeOf<'live' | 'offline' | 'replay' | 'unverified' | undefined>();
    expectTypeOf<FlowReport['steps'][number]>().toHaveProperty('eventId').toEqualTypeOf<string | null>();
    expectTypeOf<FlowReport['steps'][number]>().toHaveProperty('status').toEqualTypeOf<number | null>();
    expectTypeOf<FlowReport['sideEffects'][number]>().toHaveProperty('type').toEqualTypeOf<string>();
    // Why a step failed, as data beside its error line (the same classes for side effects).
    expectTypeOf<StepFailure>().toEqualTypeOf<'refused' | 'reset' | 'timeout' | 'tls' | 'dns' | 'status' | 'interrupted' | 'skipped' | 'trigger' | 'no-event'>();
    expectTypeOf<FlowReport['steps'][number]['failure']>().toEqualTypeOf<StepFailure | undefined>();
    expectTypeOf<FlowReport['sideEffects'][number]['failure']>().toEqualTypeOf<StepFailure | undefined>();
    expectTypeOf<NonNullable<FlowReport['burst']>['latency']>().toEqualTypeOf<{ p50: number; p95: number; p99: number; max: number }>();
    expectTypeOf<FlowReport['seed']>().toEqualTypeOf<number | undefined>();
    // The CLI's renderers produce these very types.
    expectTypeOf<ReturnType<typeof reportJson>>().toEqualTypeOf<FlowReport>();
    expectTypeOf<OfflineReportJson>().toExtend<FlowReport>();
    expectTypeOf<ReturnType<typeof registerReport>>().toEqualTypeOf<RegisterReport>();
    // listen --json's objects are a part of the Listener's events (which add the recording's notices and `dropped`).
    expectTypeOf<NonNullable<ReturnType<typeof listenEventJson>>>().toExtend<ListenerEvent>();
    expectTypeOf<Exclude<ListenerEvent['kind'], NonNullable<ReturnType<typeof listenEventJson>>['kind']>>().toEqualTypeOf<'record-skipped' | 'record-failed' | 'dropped'>();
    expectTypeOf<Extract<ListenerEvent, { kind: 'delivery' }>['status']>().toEqualTypeOf<number | null>();
    expectTypeOf<AuditReport['checks'][number]['name']>().toEqualTypeOf<string>();
  });

  it('StripeHooksError carries a string code (as Node\'s errors do) and the exit code apart, and every error of the core is one', () => {
    expectTypeOf<api.StripeHooksError['code']>().toEqualTypeOf<api.StripeHooksErrorCode>();
    expectTypeOf<api.StripeHooksErrorCode>().toEqualTypeOf<
      'ERR_STRIPE_HOOKS_USAGE' | 'ERR_STRIPE_HOOKS_ENVIRONMENT' | 'ERR_STRIPE_HOOKS_FAILED' | 'ERR_STRIPE_HOOKS_INTERRUPTED' | 'ERR_STRIPE_HOOKS_TERMINATED'
    >();
    expectTypeOf<api.StripeHooksError['exitCode']>().toEqualTypeOf<1 | 2 | 3 | 130 | 143>();
    // One name per meaning: no `kind` beside `code`.
    expectTypeOf<api.StripeHooksError>().not.toHaveProperty('kind');
    expectTypeOf<api.StripeHooksError['hint']>().toEqualTypeOf<string | undefined>();
    const errors = [new UsageError('u'), new EnvironmentError('e'), new FailedError('f'), new InterruptedError('SIGTERM')];
    for (const error of errors) expect(error).toBeInstanceOf(api.StripeHooksError);
    expect(errors.map((error) => [error.code, error.exitCode])).toEqual([
      ['ERR_STRIPE_HOOKS_USAGE', 2],
      ['ERR_STRIPE_HOOKS_ENVIRONMENT', 3],
      ['ERR_STRIPE_HOOKS_FAILED', 1],
      ['ERR_STRIPE_HOOKS_TERMINATED', 143],
    ]);
    expect(new InterruptedError().code).toBe('ERR_STRIPE_HOOKS_INTERRUPTED');
    expect(new InterruptedError().exitCode).toBe(130);
  });
});
