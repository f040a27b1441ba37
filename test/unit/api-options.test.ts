/**
 * The library checks each options object at its boundary, as JavaScript callers (no types) reach it: a missing,
 * mistyped, out-of-range or unknown option is a usage error naming the option as the library spells it, never a
 * CLI flag, and nothing starts. None of these calls needs a network: each fails before anything is sent.
 */
import { describe, expect, it } from 'vitest';
import * as api from '../../src/index.js';
import { StripeHooksError } from '../../src/index.js';

const secret = 'whsec_apiOptionsSecret0123456789abcdef';
const url = 'http://127.0.0.1:9/webhook';

/** The promise's rejection: a usage error, on one line, naming no CLI flag. */
async function usage(promise: Promise<unknown>): Promise<{ message: string; hint?: string }> {
  const error: unknown = await promise.then(() => undefined, (reason: unknown) => reason);
  expect(error).toBeInstanceOf(StripeHooksError);
  const { code, exitCode, message, hint } = error as StripeHooksError;
  expect({ code, exitCode }).toEqual({ code: 'ERR_STRIPE_HOOKS_USAGE', exitCode: 2 });
  expect(message).not.toContain('\n');
  expect(`${message} ${hint ?? ''}`).not.toMatch(/(^|[\s(`'"])--[a-z]/);
  return { message, hint };
}

/** Calls as plain JavaScript would: whatever the types say. */
const untyped = <T>(fn: (options: T) => Promise<unknown>, options: unknown) => fn(options as T);

describe('a missing option', () => {
  it("is 'url is required', not a TypeError from inside", async () => {
    expect(await usage(untyped(api.deliverFlow, { flow: 'payment', secret }))).toEqual({ message: 'url is required', hint: "e.g. url: 'http://localhost:4242/webhook'" });
    expect((await usage(untyped(api.auditHandler, { url }))).message).toBe('secret is required');
    expect((await usage(untyped(api.auditHandler, { url, secret, processed: 1 }))).message).toBe('processed must be a function, not a number');
    expect((await usage(untyped(api.triggerFlow, { url }))).message).toBe('flow is required');
    expect((await usage(untyped(api.startListener, {}))).message).toBe('url is required');
    expect((await usage(untyped(api.replay, { url, secret }))).message).toBe('file is required');
    expect((await usage(untyped(api.registerEndpoint, { url: 'https://a.test/hook' }))).message).toBe('events is required');
    expect((await usage(untyped(api.synthesizeEvents, {}))).message).toBe('flow is required');
    expect((await usage(untyped(api.deliverFlow, null))).message).toBe('deliverFlow takes an options object, not null');
    expect(() => api.signPayload({ secret } as unknown as api.SignPayloadOptions)).toThrow('payload must be a string');
  });

  it('deleteEndpoint needs id or url, one of them', async () => {
    expect((await usage(api.deleteEndpoint({ apiKey: 'sk_test_x' }))).message).toBe('id or url is required');
    expect((await usage(api.deleteEndpoint({ apiKey: 'sk_test_x', id: 'we_1', url: 'https://a.test/hook' }))).message).toBe('give id or url, not both');
    expect((await usage(api.deleteEndpoint({ apiKey: 'sk_test_x', id: 'nope' }))).message).toBe("id: 'nope' is not a webhook endpoint id (we_…)");
  });
});

describe('url', () => {
  it.each([
    ['not a url', "url: 'not a url' is not an http(s) URL"],
    ['ht!tp://nope', "url: 'ht!tp://nope' is not an http(s) URL"],
    ['ftp://files.test/x', "url: 'ftp://files.test/x' must be an http(s) URL with a host"],
    // The CLI's shorthand is the CLI's: a library URL says its scheme.
    ['localhost:4242/webhook', "url: 'localhost:4242/webhook' must be an http(s) URL with a host"],
  ])('%j is refused before anything is sent, with the library\'s example', async (given, message) => {
    for (const call of [api.deliverFlow({ flow: 'payment', url: given, secret }), api.auditHandler({ url: given, secret }), api.replay({ file: 'x.ndjson', url: given, secret })]) {
      expect(await usage(call)).toEqual({ message, hint: "e.g. url: 'http://localhost:4242/webhook'" });
    }
    expect((await usage(api.triggerFlow({ flow: 'payment', url: given }))).message).toBe(message);
    expect((await usage(api.startListener({ url: given }))).message).toBe(message);
  });

  it('the old name forwardTo is an unknown option, which names the new one', async () => {
    expect(await usage(untyped(api.deliverFlow, { flow: 'payment', forwardTo: url, secret }))).toEqual({
      message: 'deliverFlow has no option "forwardTo"',
      hint: expect.stringContaining('url'),
    });
  });
});

describe('durations are milliseconds, named …Ms', () => {
  it('refuses the old names, and suggests the new ones', async () => {
    expect(await usage(untyped(api.triggerFlow, { flow: 'payment', url, stepTimeout: 60 }))).toEqual({ message: 'triggerFlow has no option "stepTimeout"', hint: 'did you mean stepTimeoutMs?' });
    expect(await usage(untyped(api.deliverFlow, { flow: 'payment', url, secret, timeout: 5000 }))).toEqual({ message: 'deliverFlow has no option "timeout"', hint: 'did you mean timeoutMs?' });
  });

  it('checks their ranges in ms: a delivery at most 30,000, a step at most an hour', async () => {
    expect(await usage(api.deliverFlow({ flow: 'payment', url, secret, timeoutMs: 60_000 }))).toEqual({ message: 'timeoutMs: 60000 must be a whole number from 1 to 30000', hint: 'e.g. timeoutMs: 5000' });
    expect((await usage(api.replay({ file: 'x.ndjson', url, secret, timeoutMs: 0 }))).message).toBe('timeoutMs: 0 must be a whole number from 1 to 30000');
    expect((await usage(api.triggerFlow({ flow: 'payment', url, stepTimeoutMs: 1.5 }))).message).toBe('stepTimeoutMs: 1.5 must be a whole number from 1 to 3600000');
    expect((await usage(api.triggerFlow({ flow: 'payment', url, stepTimeoutMs: 3_600_001 }))).message).toMatch(/^stepTimeoutMs: 3600001 must be/);
  });
});

describe('each option is checked for its type and range, and named as the library spells it', () => {
  it.each([
    [{ seed: -1 }, "seed: -1 must be a whole number from 0 to 4294967295", 'e.g. seed: 42'],
    [{ seed: '1' }, "seed: '1' must be a whole number from 0 to 4294967295", 'e.g. seed: 42'],
    [{ repeat: 0 }, 'repeat: 0 must be a whole number from 1 to 100000', 'e.g. repeat: 10'],
    [{ concurrency: 1001 }, 'concurrency: 1001 must be a whole number from 1 to 1000', 'e.g. concurrency: 8'],
    [{ duplicate: 'yes' }, 'duplicate must be true or false, not a string', undefined],
    [{ apiVersion: 'latest' }, "apiVersion: 'latest' is not a Stripe API version", expect.stringContaining('e.g. apiVersion: ')],
    [{ secret: '  ' }, 'secret is empty', "e.g. secret: 'whsec_…'"],
    [{ secret: 42 }, 'secret must be a string, not a number', "e.g. secret: 'whsec_…'"],
    [{ flow: 7 }, 'flow must be a flow name or a flow object, not a number', "e.g. flow: 'payment'"],
    [{ signal: {} }, 'signal must be an AbortSignal, not an object', undefined],
  ])('deliverFlow %j', async (bad, message, hint) => {
    expect(await usage(untyped(api.deliverFlow, { flow: 'payment', url, secret, ...bad }))).toEqual({ message, hint });
  });

  it('for the live and endpoint functions: apiBase, stripeBin, events, record, metadata', async () => {
    expect(await usage(api.listEndpoints({ apiBase: 'nope' }))).toEqual({ message: "apiBase: 'nope' is not an http(s) URL", hint: "e.g. apiBase: 'http://127.0.0.1:12111'" });
    // A base the Stripe CLI would refuse: said before it starts.
    expect((await usage(api.triggerFlow({ flow: 'payment', url, apiBase: 'http://stripe-mock.test:12111' }))).message).toBe('apiBase http://stripe-mock.test:12111 is not accepted by the Stripe CLI');
    expect((await usage(api.locateStripeCli({ stripeBin: '' }))).message).toBe('stripeBin is empty');
    expect((await usage(api.startListener({ url, events: [] }))).message).toBe('events is empty');
    expect((await usage(untyped(api.startListener, { url, events: 'invoice.paid' }))).message).toBe('events must be a list of strings, not a string');
    expect(await usage(untyped(api.startListener, { url, eventsFrom: 'me' }))).toEqual({ message: "eventsFrom: 'me' is not @self, @accounts or all", hint: "e.g. eventsFrom: '@self'" });
    expect((await usage(api.triggerFlow({ flow: 'payment', url, thinUrl: 'localhost:4000' }))).message).toMatch(/^thinUrl: 'localhost:4000' must be an/);
    expect((await usage(api.startListener({ url, events: ['v1.Billing'] }))).message).toBe('events: "v1.Billing" is not an event type');
    expect((await usage(api.registerEndpoint({ url: 'https://a.test/hook', events: ['invoice.piad'], apiKey: 'sk_test_x' }))).message).toMatch(/^events: unknown event type "invoice\.piad"/);
    expect((await usage(api.registerEndpoint({ url: 'https://a.test/hook', events: ['*', 'invoice.paid'], apiKey: 'sk_test_x' }))).message).toMatch(/^events: \['\*'\] already means every event/);
    expect((await usage(api.registerEndpoint({ url: 'https://a.test/hook', events: ['*'], metadata: { 'a[b]': 'x' }, apiKey: 'sk_test_x' }))).message).toBe('metadata key "a[b]" is not allowed');
    expect((await usage(untyped(api.registerEndpoint, { url: 'https://a.test/hook', events: ['*'], metadata: { a: 1 } }))).message).toBe('metadata must be an object of strings, not an object');
  });

  it('for replay: only and since', async () => {
    expect(await usage(api.replay({ file: 'x.ndjson', url, secret, only: ['Invoice Paid'] }))).toEqual({ message: "only: 'Invoice Paid' is not an event-type glob (letters, digits, _ . and *)", hint: "e.g. only: ['invoice.*']" });
    expect((await usage(api.replay({ file: 'x.ndjson', url, secret, since: 'yesterday' }))).message).toBe("since: 'yesterday' is not an event id");
  });

  it('loadFlow: its path', async () => {
    expect((await usage(api.loadFlow(''))).message).toBe('loadFlow takes the path of a flow file or a recording');
    expect(await usage(api.loadFlow('no-such-flow.yaml'))).toEqual({ message: 'flow file no-such-flow.yaml not found', hint: expect.stringMatching(/^check the path \(relative to /) });
  });

  it('signPayload, synchronous, by the same names', () => {
    expect(() => api.signPayload({ payload: '{}', secret: '' })).toThrow(expect.objectContaining({ code: 'ERR_STRIPE_HOOKS_USAGE', message: 'secret is empty' }));
    expect(() => api.signPayload({ payload: '{}', secret, timestamp: 1.5 })).toThrow('timestamp: 1.5 is not whole unix seconds');
    expect(() => api.signPayload({ payload: '{}', secret, ...({ time: 1 } as object) })).toThrow('signPayload has no option "time"');
  });
});
