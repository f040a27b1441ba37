/**
 * The terminal paths (a masked key prompt, the delete confirmation) through the command
 * modules with the prompt module replaced, as src/prompt.ts intends; the SDK and HTTP stay real.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { tempDir } from '../support/cli.js';
import { capturedContext, type CapturedContext } from '../support/test-context.js';
import { startFakeEndpointsApi, type FakeEndpointsApi } from '../support/fake-endpoints-api.js';

const prompt = vi.hoisted(() => ({ confirm: vi.fn(), secret: vi.fn() }));
vi.mock('../../src/ui/prompt.js', () => prompt);
const { runDelete } = await import('../../src/commands/endpoints/handler.js');
const { run: register } = await import('../../src/commands/register-endpoint/handler.js');

let fake: FakeEndpointsApi;
beforeEach(async () => {
  fake = await startFakeEndpointsApi();
  prompt.confirm.mockReset();
  prompt.secret.mockReset();
});
afterEach(() => fake.close());

function terminalContext(apiKey?: string): CapturedContext {
  return capturedContext({ cwd: tempDir(), env: {}, apiKey, apiBase: new URL(fake.apiBase), canPrompt: true });
}

describe('on a terminal', () => {
  it('asks (masked) for a missing key and uses it without printing it', async () => {
    prompt.secret.mockResolvedValue('sk_test_51TypedAtThePrompt');
    const ctx = terminalContext();
    await register({ url: 'https://app.example.com/webhook', events: 'invoice.paid', envKey: 'STRIPE_WEBHOOK_SECRET' }, ctx);
    expect(prompt.secret).toHaveBeenCalledOnce();
    expect(fake.requests[0]!.headers.authorization).toBe('Bearer sk_test_51TypedAtThePrompt');
    expect(ctx.stdout() + ctx.stderr()).not.toContain('TypedAtThePrompt');
  });

  it('a live key typed at the prompt is refused without --live, before any request', async () => {
    prompt.secret.mockResolvedValue('sk_live_51TypedAtThePrompt');
    await expect(register({ url: 'https://app.example.com/webhook', events: 'invoice.paid', envKey: 'STRIPE_WEBHOOK_SECRET' }, terminalContext())).rejects.toMatchObject({ exitCode: 3 });
    expect(fake.requests).toEqual([]);
  });

  it('delete asks first; "no" deletes nothing', async () => {
    const [endpoint] = fake.seed({ url: 'https://app.example.com/webhook' });
    prompt.confirm.mockResolvedValue(false);
    const ctx = terminalContext('sk_test_51Key');
    await runDelete(endpoint!.id, {}, ctx);
    expect(prompt.confirm).toHaveBeenCalledWith(expect.stringContaining(`Delete webhook endpoint ${endpoint!.id} (https://app.example.com/webhook)?`));
    expect(ctx.stderr()).toContain('nothing deleted');
    expect(fake.writes()).toEqual([]);
    expect(fake.endpoints()).toHaveLength(1);
  });

  it('delete asks first; "yes" deletes', async () => {
    const [endpoint] = fake.seed({ url: 'https://app.example.com/webhook' });
    prompt.confirm.mockResolvedValue(true);
    const ctx = terminalContext('sk_test_51Key');
    await runDelete(undefined, { url: 'https://app.example.com/webhook' }, ctx);
    expect(ctx.stdout()).toBe(`deleted  ${endpoint!.id}  https://app.example.com/webhook\n`);
    expect(fake.endpoints()).toEqual([]);
  });

  it('--yes does not ask', async () => {
    const [endpoint] = fake.seed({ url: 'https://app.example.com/webhook' });
    await runDelete(endpoint!.id, { yes: true }, terminalContext('sk_test_51Key'));
    expect(prompt.confirm).not.toHaveBeenCalled();
    expect(fake.endpoints()).toEqual([]);
  });
});

describe('--dotenv', () => {
  it('a missing directory is refused before anything is sent to Stripe', async () => {
    const ctx = terminalContext('sk_test_51Key');
    const envFile = join('missing', 'dir', '.env');
    await expect(register({ url: 'https://app.example.com/webhook', events: 'invoice.paid', envKey: 'STRIPE_WEBHOOK_SECRET', dotenv: envFile }, ctx)).rejects.toMatchObject({
      exitCode: 3,
      message: expect.stringContaining('its directory is missing'),
    });
    expect(fake.requests).toEqual([]);
    expect(existsSync(join(ctx.cwd, envFile))).toBe(false);
  });
});
