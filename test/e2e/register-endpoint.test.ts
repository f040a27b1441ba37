import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Stripe from 'stripe';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli, sandbox, type Sandbox } from '../support/cli.js';
import { startFakeEndpointsApi, type FakeEndpointsApi } from '../support/fake-endpoints-api.js';

const KEY = 'sk_test_51FakeKeyForTests0000';
const URL = 'https://app.example.com/webhook';
const SDK_API_VERSION = Stripe.API_VERSION;

let fake: FakeEndpointsApi;
let box: Sandbox;
beforeEach(async () => {
  fake = await startFakeEndpointsApi();
  box = sandbox();
});
afterEach(() => fake.close());

const register = (args: string[], env: NodeJS.ProcessEnv = { STRIPE_API_KEY: KEY }) =>
  runCli(['register-endpoint', '--api-base', fake.apiBase, ...args], { box, env });

describe('register-endpoint against the fake API', () => {
  it('creates the endpoint with the SDK-pinned api_version and prints the secret once', async () => {
    const result = await register(['--url', URL, '--events', 'invoice.paid,charge.refunded', '--description', 'prod', '--metadata', 'team=billing', '--json']);
    expect(result.stderr).toBe('');
    expect(result.exitCode).toBe(0);
    const output = JSON.parse(result.stdout);
    const [stored] = fake.endpoints();
    expect(output).toEqual({
      action: 'created',
      endpoint: {
        id: stored!.id,
        url: URL,
        enabled_events: ['invoice.paid', 'charge.refunded'],
        api_version: SDK_API_VERSION,
        status: 'enabled',
        description: 'prod',
        metadata: { team: 'billing' },
      },
      secret: expect.stringMatching(/^whsec_[A-Za-z0-9]{32}$/),
    });
    const create = fake.writes()[0]!;
    expect(create.body).toMatchObject({ url: URL, enabled_events: ['invoice.paid', 'charge.refunded'], metadata: { team: 'billing' } });
    expect(create.headers['idempotency-key']).toMatch(/^stripe-hooks-create-[0-9a-f]{40}$/);
    expect(create.headers['user-agent']).toContain('stripe-hooks/');
    expect(JSON.stringify(create.headers)).not.toContain('whsec_');
  });

  it('re-run with the same options reports unchanged and sends no write', async () => {
    const args = ['--url', URL, '--flow', 'payment', '--json'];
    expect((await register(args)).exitCode).toBe(0);
    const writesBefore = fake.writes().length;
    const again = await register(args);
    expect(again.exitCode).toBe(0);
    const output = JSON.parse(again.stdout);
    expect(output.action).toBe('unchanged');
    expect(output).not.toHaveProperty('secret');
    expect(new Set(output.endpoint.enabled_events)).toEqual(new Set(fake.endpoints()[0]!.enabled_events));
    expect(fake.writes()).toHaveLength(writesBefore);
    expect(fake.endpoints()).toHaveLength(1);
  });

  it('events compare as a set: the same events in another order are unchanged', async () => {
    expect((await register(['--url', URL, '--events', 'invoice.paid,charge.refunded'])).exitCode).toBe(0);
    const again = await register(['--url', 'HTTPS://App.Example.com:443/webhook', '--events', 'charge.refunded, invoice.paid']);
    expect(again.exitCode).toBe(0);
    expect(again.stdout).toMatch(/^unchanged\s+we_\w+\s+https:\/\/app\.example\.com\/webhook$/m);
    expect(fake.writes()).toHaveLength(1);
  });

  it('updates in place and says what changed', async () => {
    const [seeded] = fake.seed({
      url: URL,
      enabled_events: ['invoice.paid'],
      api_version: SDK_API_VERSION,
      description: 'old',
      metadata: { team: 'billing', keep: 'me' },
      status: 'disabled',
    });
    const result = await register(['--url', URL, '--events', 'invoice.paid,charge.refunded', '--description', 'new', '--metadata', 'team=payments']);
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain(`updated  ${seeded!.id}  ${URL}`);
    expect(result.stdout).toContain('events: +charge.refunded');
    expect(result.stdout).toContain('description: "old" → "new"');
    expect(result.stdout).toContain('metadata.team: "billing" → "payments"');
    expect(result.stdout).toContain('status: disabled → enabled');
    expect(result.stdout).not.toContain('whsec_');
    expect(fake.writes()).toHaveLength(1);
    expect(fake.writes()[0]!.path).toBe(`/v1/webhook_endpoints/${seeded!.id}`);
    expect(fake.writes()[0]!.body).toEqual({
      enabled_events: ['invoice.paid', 'charge.refunded'],
      description: 'new',
      metadata: { team: 'payments' },
      disabled: 'false',
    });
    expect(fake.endpoints()).toEqual([
      { ...seeded, enabled_events: ['invoice.paid', 'charge.refunded'], description: 'new', metadata: { team: 'payments', keep: 'me' }, status: 'enabled' },
    ]);
  });

  it('--disabled creates the endpoint and then disables it (Stripe has no disabled on create)', async () => {
    const result = await register(['--url', URL, '--all-events', '--disabled', '--json']);
    expect(result.exitCode).toBe(0);
    expect(JSON.parse(result.stdout).endpoint).toMatchObject({ enabled_events: ['*'], status: 'disabled' });
    expect(fake.writes().map((request) => request.body.disabled ?? 'create')).toEqual(['create', 'true']);
    const again = await register(['--url', URL, '--all-events', '--disabled', '--json']);
    expect(JSON.parse(again.stdout).action).toBe('unchanged');
  });

  it('finds a match on a later page among more than 100 endpoints', async () => {
    fake.seed({ url: URL, enabled_events: ['invoice.paid'], api_version: SDK_API_VERSION }); // oldest: listed last
    fake.seed(...Array.from({ length: 230 }, (_, i) => ({ url: `https://app.example.com/hooks/${i}` })));
    const result = await register(['--url', URL, '--events', 'invoice.paid', '--json']);
    expect(result.exitCode).toBe(0);
    expect(JSON.parse(result.stdout).action).toBe('unchanged');
    const pages = fake.requests.filter((request) => request.method === 'GET');
    expect(pages.map((page) => page.query.limit)).toEqual(['100', '100', '100']);
    expect(pages[0]!.query.starting_after).toBeUndefined();
    expect(pages[2]!.query.starting_after).toBeDefined();
    expect(fake.writes()).toEqual([]);
  });

  it('a Connect endpoint and an account endpoint for the same URL are kept apart', async () => {
    expect((await register(['--url', URL, '--events', 'invoice.paid'])).exitCode).toBe(0);
    const connect = await register(['--url', URL, '--events', 'account.updated', '--connect', '--json']);
    expect(JSON.parse(connect.stdout).action).toBe('created');
    expect(fake.writes()[1]!.body).toMatchObject({ connect: 'true', metadata: { stripe_hooks_connect: 'true' } });
    const again = await register(['--url', URL, '--events', 'account.updated', '--connect', '--json']);
    expect(JSON.parse(again.stdout).action).toBe('unchanged');
    expect(fake.endpoints()).toHaveLength(2);
  });

  it('--env-file receives the secret atomically; the human output names the file instead of the secret', async () => {
    writeFileSync(join(box.cwd, '.env'), '# app settings\nPORT=4242\n');
    const result = await register(['--url', URL, '--events', 'invoice.paid', '--env-file', '.env', '--env-key', 'HOOK_SECRET']);
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toMatch(/^ {2}signing secret {2}written to \.env as HOOK_SECRET$/m);
    expect(result.stdout).not.toContain('whsec_');
    expect(readFileSync(join(box.cwd, '.env'), 'utf8')).toMatch(/^# app settings\nPORT=4242\nHOOK_SECRET=whsec_[A-Za-z0-9]{32}\n$/);
  });

  it('without --env-file the human output shows the secret, which only Stripe knew', async () => {
    const result = await register(['--url', URL, '--events', 'invoice.paid']);
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toMatch(/^created\s+we_\w+\s+https:\/\/app\.example\.com\/webhook$/m);
    expect(result.stdout).toMatch(/signing secret {2}whsec_[A-Za-z0-9]{32}$/m);
  });

  it('--dry-run lists but writes nothing, for a create and for an update', async () => {
    const create = await register(['--url', URL, '--events', 'invoice.paid', '--dry-run', '--json']);
    expect(create.exitCode).toBe(0);
    expect(JSON.parse(create.stdout)).toEqual({
      action: 'created',
      dry_run: true,
      endpoint: { id: null, url: URL, enabled_events: ['invoice.paid'], api_version: SDK_API_VERSION, status: 'enabled', description: null, metadata: {} },
    });
    fake.seed({ url: URL, enabled_events: ['invoice.paid'], api_version: SDK_API_VERSION });
    const update = await register(['--url', URL, '--events', 'charge.refunded', '--dry-run']);
    expect(update.exitCode).toBe(0);
    expect(update.stdout).toContain('would be updated');
    expect(update.stdout).toContain('events: +charge.refunded -invoice.paid');
    expect(fake.writes()).toEqual([]);
  });

  it('an explicit --api-version that differs is refused before any write, with how to recreate', async () => {
    const [seeded] = fake.seed({ url: URL, enabled_events: ['invoice.paid'], api_version: '2024-06-20' });
    const result = await register(['--url', URL, '--events', 'charge.refunded', '--api-version', SDK_API_VERSION]);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain(`${seeded!.id} sends events in API version 2024-06-20`);
    expect(result.stderr).toContain(`stripe-hooks endpoints delete ${seeded!.id} --yes`);
    expect(fake.writes()).toEqual([]);
  });

  it('a defaulted api_version that differs only warns; the rest is still managed', async () => {
    fake.seed({ url: URL, enabled_events: ['invoice.paid'], api_version: null });
    const result = await register(['--url', URL, '--events', 'invoice.paid', '--json']);
    expect(result.exitCode).toBe(0);
    expect(JSON.parse(result.stdout).action).toBe('unchanged');
    expect(result.stderr).toContain("sends events in the account's default API version");
  });
});

describe('register-endpoint refuses before sending anything', () => {
  it.each([
    [['--url', 'app.example.com/webhook', '--events', 'invoice.paid'], 'is not an absolute URL'],
    [['--url', 'ftp://app.example.com/webhook', '--events', 'invoice.paid'], 'must be an http(s) URL'],
    [['--url', URL, '--events', 'invoice.payed'], 'did you mean "invoice.paid"?'],
    [['--url', URL, '--events', 'subscription.triggered'], 'unknown event type "subscription.triggered"'],
    [['--url', URL], 'choose the events to send'],
    [['--url', URL, '--events', ' , '], '--events is empty'],
    [['--url', URL, '--flow', 'paymnt'], 'did you mean "payment"?'],
    [['--url', URL, '--flow', 'payment', '--all-events'], '--flow and --all-events cannot be combined'],
    [['--url', URL, '--events', '*,invoice.paid'], '"*" already means every event'],
    [['--url', URL, '--events', 'invoice.paid', '--metadata', 'novalue'], 'is not key=value'],
    [['--url', URL, '--events', 'invoice.paid', '--api-version', 'latest'], 'is not a Stripe API version'],
    [['--url', URL, '--events', 'invoice.paid', '--env-key', 'BAD-NAME', '--env-file', '.env'], 'is not a valid variable name'],
  ])('%j -> exit 2', async (args, message) => {
    writeFileSync(join(box.cwd, '.env'), ''); // Node itself exits 9 on a missing `--env-file` path (nodejs/node#54232)
    const result = await register(args);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain(message);
    expect(result.stderr.trim().split('\n').length).toBeLessThanOrEqual(2); // one line + hint, no stack
    expect(fake.requests).toEqual([]);
  });

  it('a live key without --live: exit 3, zero requests', async () => {
    for (const key of ['sk_live_51FakeLiveKey0000', 'rk_live_51FakeLiveKey0000']) {
      const result = await register(['--url', URL, '--events', 'invoice.paid'], { STRIPE_API_KEY: key });
      expect(result.exitCode).toBe(3);
      expect(result.stderr).toContain('refusing to use a live-mode API key without --live');
      expect(result.stderr + result.stdout).not.toContain('FakeLiveKey');
    }
    expect(fake.requests).toEqual([]);
  });

  it('an http URL with a live key (and --live): exit 2, zero requests', async () => {
    const result = await register(['--url', 'http://app.example.com/webhook', '--events', 'invoice.paid', '--live'], {
      STRIPE_API_KEY: 'sk_live_51FakeLiveKey0000',
    });
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain('a live-mode endpoint must use https');
    expect(fake.requests).toEqual([]);
  });

  it('a live key with --live and an https URL goes ahead, in live mode', async () => {
    const result = await register(['--url', URL, '--events', 'invoice.paid', '--live', '--json'], { STRIPE_API_KEY: 'sk_live_51FakeLiveKey0000' });
    expect(result.exitCode).toBe(0);
    expect(fake.endpoints(true)).toHaveLength(1);
    expect(fake.endpoints(false)).toHaveLength(0);
  });

  it('no key and no terminal: exit 3 with a hint', async () => {
    const result = await register(['--url', URL, '--events', 'invoice.paid'], {});
    expect(result.exitCode).toBe(3);
    expect(result.stderr).toContain('no API key');
    expect(result.stderr).toContain('STRIPE_API_KEY');
    expect(fake.requests).toEqual([]);
  });
});

describe('register-endpoint reports API errors', () => {
  it('401 -> "invalid API key", exit 3, the key not printed', async () => {
    await fake.close();
    fake = await startFakeEndpointsApi({ keys: ['sk_test_theOnlyGoodKey'] });
    const result = await register(['--url', URL, '--events', 'invoice.paid'], { STRIPE_API_KEY: 'sk_test_51WrongKeyValue99' });
    expect(result.exitCode).toBe(3);
    expect(result.stderr).toContain('invalid API key');
    expect(result.stderr).not.toContain('WrongKeyValue');
  });

  it('400 -> Stripe\'s own message, exit 2, as JSON under --json', async () => {
    const message = 'Invalid URL: URL must be publicly accessible.';
    fake.fault({ method: 'POST', path: '/v1/webhook_endpoints', status: 400, message });
    const result = await register(['--url', URL, '--events', 'invoice.paid', '--json']);
    expect(result.exitCode).toBe(2);
    expect(JSON.parse(result.stdout)).toEqual({ error: { code: 'ERR_STRIPE_HOOKS_USAGE', exitCode: 2, message } });
    expect(fake.endpoints()).toEqual([]);
  });
});
