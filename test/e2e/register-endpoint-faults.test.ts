/** Faults mid-way never leave a duplicate: SDK retries + a derived Idempotency-Key + our 429 backoff. */
import { createServer } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { startFakeEndpointsApi, type FakeEndpointsApi } from '../support/fake-endpoints-api.js';

const KEY = 'sk_test_51FakeKeyForTests0000';
const URL = 'https://app.example.com/webhook';
const CREATE = { method: 'POST', path: '/v1/webhook_endpoints' };

let fake: FakeEndpointsApi;
beforeEach(async () => {
  fake = await startFakeEndpointsApi();
});
afterEach(() => fake.close());

const run = (args: string[], apiBase = fake.apiBase) => runCli([...args, '--api-base', apiBase], { env: { STRIPE_API_KEY: KEY } });
const register = (...extra: string[]) => run(['register-endpoint', '--url', URL, '--events', 'invoice.paid', '--json', ...extra]);
const creates = () => fake.requests.filter((request) => request.method === CREATE.method && request.path === CREATE.path);

/** All create attempts carried one Idempotency-Key, so Stripe could deduplicate them. */
function expectOneKey(): void {
  expect(new Set(creates().map((request) => request.headers['idempotency-key'])).size).toBe(1);
}

describe('register-endpoint under API faults', () => {
  it('429 without Stripe-Should-Retry (the SDK gives up on those) is retried with backoff', async () => {
    fake.fault({ ...CREATE, status: 429, times: 2 });
    const result = await register();
    expect(result.exitCode).toBe(0);
    expect(JSON.parse(result.stdout).action).toBe('created');
    expect(creates().map((request) => request.status)).toEqual([429, 429, 200]);
    const [first, second, third] = creates().map((request) => request.at);
    expect(second! - first!).toBeGreaterThanOrEqual(200); // backoff, not a hot loop
    expect(third! - second!).toBeGreaterThanOrEqual(400); // and it grows
    expectOneKey();
    expect(fake.endpoints()).toHaveLength(1);
  });

  it('429 with Stripe-Should-Retry: true is retried by the SDK itself', async () => {
    fake.fault({ ...CREATE, status: 429, headers: { 'stripe-should-retry': 'true' } });
    const result = await register();
    expect(result.exitCode).toBe(0);
    expect(creates().map((request) => request.status)).toEqual([429, 200]);
    expect(fake.endpoints()).toHaveLength(1);
  });

  it('Retry-After is honoured', async () => {
    fake.fault({ ...CREATE, status: 429, headers: { 'retry-after': '1' } });
    const result = await register();
    expect(result.exitCode).toBe(0);
    const [first, second] = creates().map((request) => request.at);
    expect(second! - first!).toBeGreaterThanOrEqual(950);
    expect(fake.endpoints()).toHaveLength(1);
  });

  it('a rate-limited list page is retried on its own, not the whole listing', async () => {
    fake.seed(...Array.from({ length: 150 }, (_, i) => ({ url: `https://app.example.com/hooks/${i}` })));
    fake.fault({ method: 'GET', path: '/v1/webhook_endpoints', status: 429, headers: { 'retry-after': '0' } });
    fake.requests.length = 0;
    const result = await register('--dry-run');
    expect(result.exitCode).toBe(0);
    // The fault hits the first page; after it: page 1 again, then page 2.
    expect(fake.requests.map((request) => [request.status, request.query.starting_after === undefined])).toEqual([
      [429, true],
      [200, true],
      [200, false],
    ]);
  });

  it('a rate limit that never lifts ends in exit 3 after a bounded number of attempts', async () => {
    fake.fault({ ...CREATE, status: 429, headers: { 'retry-after': '0' }, times: 100 });
    const result = await register();
    expect(result.exitCode).toBe(3);
    expect(JSON.parse(result.stdout).error.message).toBe('Stripe kept rate-limiting the requests');
    expect(creates()).toHaveLength(5);
    expect(fake.endpoints()).toEqual([]);
  });

  it('a 500 is retried by the SDK with the same Idempotency-Key, and the CLI exits promptly after', async () => {
    fake.fault({ ...CREATE, status: 500 });
    const result = await register();
    expect(result.exitCode).toBe(0);
    // The SDK's keep-alive agent would hold the retried socket until the server's 5 s idle timeout.
    expect(result.durationMs).toBeLessThan(4000);
    expect(creates().map((request) => request.status)).toEqual([500, 200]);
    expectOneKey();
    expect(fake.endpoints()).toHaveLength(1);
  });

  it('500s that persist end in exit 3 after the SDK\'s retries, nothing created', async () => {
    fake.fault({ ...CREATE, status: 500, times: 100 });
    const result = await register();
    expect(result.exitCode).toBe(3);
    expect(JSON.parse(result.stdout).error.message).toContain('the Stripe API failed (500)');
    expect(creates()).toHaveLength(3); // first try + maxNetworkRetries 2
    expect(fake.endpoints()).toEqual([]);
  });

  it('a connection dropped after the create took effect: the retry is replayed, exactly one endpoint', async () => {
    fake.fault({ ...CREATE, drop: 'after' });
    const result = await register();
    expect(result.exitCode).toBe(0);
    const output = JSON.parse(result.stdout);
    expect(output.action).toBe('created');
    expect(creates().map((request) => request.status)).toEqual(['dropped', 200]);
    expectOneKey();
    expect(fake.endpoints()).toHaveLength(1);
    expect(output.endpoint.id).toBe(fake.endpoints()[0]!.id);
    expect(output.secret).toMatch(/^whsec_/); // the replay carries the original secret
  });

  it('a connection dropped before the create took effect: retried, exactly one endpoint', async () => {
    fake.fault({ ...CREATE, drop: 'before', times: 2 });
    const result = await register();
    expect(result.exitCode).toBe(0);
    expect(creates().map((request) => request.status)).toEqual(['dropped', 'dropped', 200]);
    expect(fake.endpoints()).toHaveLength(1);
  });

  it('delete then register again within the key\'s lifetime creates a new endpoint, not a replay of the deleted one', async () => {
    const first = JSON.parse((await register()).stdout);
    expect((await run(['endpoints', 'delete', first.endpoint.id, '--yes'])).exitCode).toBe(0);
    const second = await register();
    expect(second.exitCode).toBe(0);
    const output = JSON.parse(second.stdout);
    expect(output.action).toBe('created');
    expect(output.endpoint.id).not.toBe(first.endpoint.id);
    expect(output.secret).not.toBe(first.secret);
    expect(fake.endpoints().map((endpoint) => endpoint.id)).toEqual([output.endpoint.id]);
  });

  it('an unreachable API ends in exit 3 after retries', async () => {
    const closed = await new Promise<number>((resolve) => {
      const server = createServer().listen(0, '127.0.0.1', () => {
        const { port } = server.address() as { port: number };
        server.close(() => resolve(port));
      });
    });
    const result = await run(['register-endpoint', '--url', URL, '--events', 'invoice.paid'], `http://127.0.0.1:${closed}`);
    expect(result.exitCode).toBe(3);
    expect(result.stderr).toContain(`cannot reach the Stripe API at 127.0.0.1:${closed}`);
    expect(result.stderr).toContain(`hint  check that the server at http://127.0.0.1:${closed} (--api-base) is running; the request was retried`);
  });
});
