import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { startFakeEndpointsApi, type FakeEndpointsApi } from '../support/fake-endpoints-api.js';

const KEY = 'sk_test_51FakeKeyForTests0000';

let fake: FakeEndpointsApi;
beforeEach(async () => {
  fake = await startFakeEndpointsApi();
});
afterEach(() => fake.close());

const endpoints = (args: string[], env: NodeJS.ProcessEnv = { STRIPE_API_KEY: KEY }) =>
  runCli(['endpoints', ...args, '--api-base', fake.apiBase], { env });

describe('endpoints list', () => {
  it('prints a table: id, url, status, event count, api version', async () => {
    const [a, b] = fake.seed(
      { url: 'https://app.example.com/webhook', enabled_events: ['invoice.paid', 'charge.refunded'], api_version: '2026-10-28.endive' },
      { url: 'https://app.example.com/all', enabled_events: ['*'], api_version: null, status: 'disabled' },
    );
    const result = await endpoints(['list']);
    expect(result.exitCode).toBe(0);
    const lines = result.stdout.split('\n');
    expect(lines[0]).toMatch(/^ID\s+URL\s+STATUS\s+EVENTS\s+API VERSION$/);
    expect(lines[1]).toMatch(new RegExp(`^${b!.id}\\s+https://app\\.example\\.com/all\\s+disabled\\s+all events \\(\\*\\)\\s+account's default$`));
    expect(lines[2]).toMatch(new RegExp(`^${a!.id}\\s+https://app\\.example\\.com/webhook\\s+enabled\\s+2 events\\s+2026-10-28\\.endive$`));
    expect(lines).toHaveLength(3);
  });

  it('--json lists every endpoint across pages in the register-endpoint shape', async () => {
    fake.seed(...Array.from({ length: 205 }, (_, i) => ({ url: `https://app.example.com/hooks/${i}`, metadata: { n: String(i) } })));
    const result = await endpoints(['list', '--json']);
    expect(result.exitCode).toBe(0);
    const { endpoints: listed } = JSON.parse(result.stdout);
    expect(listed).toHaveLength(205);
    expect(new Set(listed.map((endpoint: { id: string }) => endpoint.id)).size).toBe(205);
    expect(Object.keys(listed[0]).sort()).toEqual(['api_version', 'description', 'enabled_events', 'id', 'metadata', 'status', 'url']);
    expect(listed[0].url).toBe('https://app.example.com/hooks/204'); // newest first, as Stripe lists
    expect(fake.requests).toHaveLength(3);
  });

  it('no endpoints: nothing on stdout, a note on stderr', async () => {
    const result = await endpoints(['list']);
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('no webhook endpoints');
  });

  it('a live key without --live: exit 3, zero requests', async () => {
    const result = await endpoints(['list'], { STRIPE_API_KEY: 'rk_live_51FakeLiveKey0000' });
    expect(result.exitCode).toBe(3);
    expect(fake.requests).toEqual([]);
  });
});

describe('endpoints delete', () => {
  it('deletes by id with --yes', async () => {
    const [keep, gone] = fake.seed({ url: 'https://app.example.com/keep' }, { url: 'https://app.example.com/gone' });
    const result = await endpoints(['delete', gone!.id, '--yes']);
    expect(result.exitCode).toBe(0);
    expect(result.stdout.trim()).toBe(`deleted  ${gone!.id}  https://app.example.com/gone`);
    expect(fake.endpoints().map((endpoint) => endpoint.id)).toEqual([keep!.id]);
  });

  it('deletes by --url (normalised) with --yes, as JSON', async () => {
    const [endpoint] = fake.seed({ url: 'https://app.example.com/webhook' });
    const result = await endpoints(['delete', '--url', 'HTTPS://APP.example.com/webhook#x', '--yes', '--json']);
    expect(result.exitCode).toBe(0);
    const { id, url, enabled_events, api_version, status, description, metadata } = endpoint!;
    expect(JSON.parse(result.stdout)).toEqual({ action: 'deleted', endpoint: { id, url, enabled_events, api_version, status, description, metadata } });
    expect(fake.endpoints()).toEqual([]);
  });

  it('without --yes and without a terminal: exit 2, zero requests', async () => {
    const [endpoint] = fake.seed({ url: 'https://app.example.com/webhook' });
    const result = await endpoints(['delete', endpoint!.id]);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain('pass --yes');
    expect(fake.requests).toEqual([]);
    expect(fake.endpoints()).toHaveLength(1);
  });

  it.each([
    [['delete'], 'give its id (we_…) or --url'],
    [['delete', 'acct_123', '--yes'], 'is not a webhook endpoint id'],
    [['delete', 'we_123', '--url', 'https://app.example.com/webhook', '--yes'], 'not both'],
    [['delete', '--url', 'not a url', '--yes'], 'is not an absolute URL'],
  ])('%j -> exit 2 before any request', async (args, message) => {
    const result = await endpoints(args);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain(message);
    expect(fake.requests).toEqual([]);
  });

  it('an unknown id or URL is a clear error, nothing deleted', async () => {
    fake.seed({ url: 'https://app.example.com/webhook' });
    const byId = await endpoints(['delete', 'we_1DoesNotExist', '--yes']);
    expect(byId.exitCode).toBe(2);
    expect(byId.stderr).toContain("No such webhook endpoint: 'we_1DoesNotExist'");
    const byUrl = await endpoints(['delete', '--url', 'https://app.example.com/other', '--yes']);
    expect(byUrl.exitCode).toBe(2);
    expect(byUrl.stderr).toContain('no webhook endpoint has the URL https://app.example.com/other');
    expect(fake.writes()).toEqual([]);
    expect(fake.endpoints()).toHaveLength(1);
  });

  it('a URL several endpoints share is ambiguous: exit 2, nothing deleted', async () => {
    const [a, b] = fake.seed({ url: 'https://app.example.com/webhook' }, { url: 'https://app.example.com/webhook' });
    const result = await endpoints(['delete', '--url', 'https://app.example.com/webhook', '--yes']);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain(`2 endpoints use https://app.example.com/webhook (${b!.id}, ${a!.id})`);
    expect(fake.writes()).toEqual([]);
  });
});
