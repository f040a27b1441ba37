import { describe, expect, it } from 'vitest';
import { CLI_NAMES } from '../../src/lib/option-name.js';
import { buildListenArgs, buildPrintSecretArgs, headerArg } from '../../src/stripe-cli/listen.js';
import { EVENTS_FROM, parseEventsFrom, splitSelection, type EventSelection, type SplitSelection } from '../../src/stripe-cli/listen-selection.js';
import { option } from '../../src/lib/option-name.js';
import { assertArgValue, cliFailure, stripeArgsBase, stripeEnv } from '../../src/stripe-cli/spawn.js';

// What the CLI is given is always the relay's URLs (src/relay/): the user's URLs never reach its argv.
const relay = 'http://127.0.0.1:41234/0123456789abcdef0123456789abcdef';
const base = { forwardTo: `${relay}/forward`, events: ['charge.succeeded', 'invoice.paid'] };

describe('buildListenArgs', () => {
  it.each<[string, Parameters<typeof buildListenArgs>[0], string[]]>([
    ['events', base, ['listen', '--forward-to', `${relay}/forward`, '--events', 'charge.succeeded,invoice.paid', '--skip-update']],
    ['all', { ...base, events: 'all' }, ['listen', '--forward-to', `${relay}/forward`, '--all-snapshot', '--skip-update']],
    ['all thin', { ...base, forwardTo: `${relay}/thin`, events: 'all', thin: true }, ['listen', '--forward-to', `${relay}/thin`, '--all-thin', '--skip-update']],
    [
      'thin events, from connected accounts',
      { forwardTo: `${relay}/thin`, events: ['v1.billing.meter.no_meter_found'], thin: true, eventsFrom: '@accounts' },
      ['listen', '--forward-to', `${relay}/thin`, '--events', 'v1.billing.meter.no_meter_found', '--events-from', '@accounts', '--skip-update'],
    ],
    [
      'every option',
      {
        ...base,
        forwardConnectTo: `${relay}/connect`,
        headers: ['X-Tenant: acme', 'X-List:a, b'],
        latest: true,
        apiBase: new URL('http://localhost:12111'),
      },
      [
        'listen', '--forward-to', `${relay}/forward`, '--forward-connect-to', `${relay}/connect`,
        '--events', 'charge.succeeded,invoice.paid', '--headers', 'X-Tenant: acme', '--headers', '"X-List: a, b"',
        '--latest', '--skip-update', '--api-base', 'http://127.0.0.1:12111',
      ],
    ],
    // 1.52 refuses --forward-connect-to with @self, and both destinations with @accounts.
    ['@self', { ...base, forwardConnectTo: `${relay}/connect`, eventsFrom: '@self' }, ['listen', '--forward-to', `${relay}/forward`, '--events', 'charge.succeeded,invoice.paid', '--events-from', '@self', '--skip-update']],
    ['@accounts', { ...base, forwardConnectTo: `${relay}/connect`, eventsFrom: '@accounts' }, ['listen', '--forward-connect-to', `${relay}/connect`, '--events', 'charge.succeeded,invoice.paid', '--events-from', '@accounts', '--skip-update']],
  ])('%s', (_, options, expected) => {
    expect(buildListenArgs(options)).toEqual(expected);
  });

  it('refuses values that would be read as options, and empty selections', () => {
    expect(() => buildListenArgs({ ...base, forwardTo: '--print-secret' })).toThrow(/starts with "-"/);
    expect(() => buildListenArgs({ ...base, events: ['-x'] })).toThrow(/--events value "-x" starts with "-"/);
    expect(() => buildListenArgs({ ...base, headers: ['--live'] })).toThrow(/--header value/);
    expect(() => buildListenArgs({ ...base, events: [] })).toThrow(/no event types/);
  });

  it('builds the --print-secret call', () => {
    expect(buildPrintSecretArgs({})).toEqual(['listen', '--print-secret']);
    expect(buildPrintSecretArgs({ apiBase: new URL('http://127.0.0.1:9/') })).toEqual(['listen', '--print-secret', '--api-base', 'http://127.0.0.1:9']);
  });
});

describe('splitSelection: one `stripe listen` per kind (1.52 refuses both to one destination)', () => {
  it.each<[string, EventSelection, SplitSelection]>([
    ['snapshot only', { events: ['invoice.paid'] }, { snapshot: ['invoice.paid'] }],
    ['all snapshot', { events: 'all' }, { snapshot: 'all' }],
    ['thin only', { events: ['v1.billing.meter.no_meter_found'] }, { thin: ['v1.billing.meter.no_meter_found'] }],
    ['both, named', { events: ['invoice.paid', 'v1.billing.meter.no_meter_found'] }, { snapshot: ['invoice.paid'], thin: ['v1.billing.meter.no_meter_found'] }],
    ['all of both', { events: 'all', allThin: true }, { snapshot: 'all', thin: 'all' }],
    ['all thin wins over named thin', { events: ['invoice.paid', 'v2.core.event_destination.ping'], allThin: true }, { snapshot: ['invoice.paid'], thin: 'all' }],
    ['nothing', { events: [] }, {}],
  ])('%s', (_, selection, expected) => {
    expect(splitSelection(selection)).toEqual(expected);
  });
});

describe('parseEventsFrom', () => {
  it('takes @self, @accounts and all; anything else is one usage error naming the option', () => {
    expect(EVENTS_FROM.map((value) => parseEventsFrom(value))).toEqual(['@self', '@accounts', 'all']);
    expect(() => parseEventsFrom('me')).toThrow(expect.objectContaining({ message: '--events-from "me" is not @self, @accounts or all', exitCode: 2 }));
    expect(() => parseEventsFrom('@SELF', option('eventsFrom'))).toThrow(/^eventsFrom: '@SELF' is not/);
  });
});

describe('headerArg', () => {
  it('normalises and CSV-quotes only when the CLI would split it', () => {
    expect(headerArg('X-A:1')).toBe('X-A: 1');
    expect(headerArg('X-Q: say "hi"')).toBe('"X-Q: say ""hi"""');
  });
  it.each(['no colon', 'X-Empty:', 'Bad Key: v'])('refuses %s', (value) => {
    expect(() => headerArg(value)).toThrow(/is not "Key: Value"/);
  });
});

describe('spawn boundary', () => {
  it('puts the key in the environment, telemetry and colour off, never a key left over', () => {
    const env = stripeEnv({ env: { HOME: '/h', STRIPE_API_KEY: 'sk_test_from_shell', CLICOLOR_FORCE: '1' }, apiKey: 'sk_test_chosen123' });
    expect(env).toEqual({ HOME: '/h', STRIPE_API_KEY: 'sk_test_chosen123', STRIPE_CLI_TELEMETRY_OPTOUT: '1', CLICOLOR: '0' });
    expect(stripeEnv({ env: { STRIPE_API_KEY: 'sk_test_from_shell' } }).STRIPE_API_KEY).toBeUndefined();
  });

  it('passes --api-base the way the CLI accepts it, or refuses before spawning', () => {
    expect(stripeArgsBase({})).toEqual([]);
    expect(stripeArgsBase({ apiBase: new URL('http://127.0.0.1:12111/') })).toEqual(['--api-base', 'http://127.0.0.1:12111']);
    expect(stripeArgsBase({ apiBase: new URL('http://localhost:12111') })).toEqual(['--api-base', 'http://127.0.0.1:12111']);
    expect(() => stripeArgsBase({ apiBase: new URL('http://10.0.0.5:12111') })).toThrow(/not accepted by the Stripe CLI/);
  });

  it('refuses a value starting with "-"', () => {
    expect(assertArgValue('ok', '--x')).toBe('ok');
    expect(() => assertArgValue('-v', '--x')).toThrow(/--x value "-v" starts with "-"/);
  });

  it.each([
    ['Error while authenticating with Stripe: Authorization failed, status=401, body={"key":"sk_test_4eC39HqLyjWDarjtT1zdp7dc"}', 'bad-key', 'Stripe rejected the API key (Authorization failed, status=401)'],
    ['You have not configured API keys yet', 'not-logged-in', 'no Stripe API key: none given and the Stripe CLI is not logged in'],
    ['Error while authenticating with Stripe: Post "http://127.0.0.1:1/v1/stripecli/sessions": dial tcp 127.0.0.1:1: connect: connection refused', 'network', 'cannot reach the Stripe API (Post "http://127.0.0.1:1/v1/stripecli/sessions": dial tcp 127.0.0.1:1: connect: connection refused)'],
    ['panic: whsec_abcdefghijklmnopqrstu leaked', 'exited', 'stripe listen exited with code 2: panic: whsec_…rstu leaked'],
    [undefined, 'exited', 'stripe listen exited with code 2'],
  ])('classifies %s as %s with a redacted message', (message, kind, text) => {
    const error = cliFailure('listen', message, 'exited with code 2', { bin: '/opt/stripe', env: {}, cwd: '/', names: CLI_NAMES });
    expect(error.failure).toBe(kind);
    expect(error.message).toBe(text);
    expect(error.exitCode).toBe(3);
    expect(error.hint).toBeTruthy();
  });
});
