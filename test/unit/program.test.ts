import { describe, expect, it } from 'vitest';
import { buildProgram } from '../../src/program.js';

/** Parses argv with the real program and returns what the command module would receive. */
async function parse(argv: string[]): Promise<{ name: string; args: string[]; options: Record<string, unknown> }> {
  let received: { name: string; args: string[]; options: Record<string, unknown> } | undefined;
  const program = buildProgram(async (name, args, options) => void (received = { name, args, options }), '0.0.0');
  await program.parseAsync(['node', 'stripe-hooks', ...argv]);
  if (!received) throw new Error('no command dispatched');
  return received;
}

describe('argv -> command options', () => {
  it.each([
    [['listen'], 'listen', { forwardTo: 'http://localhost:4242/webhook', envKey: 'STRIPE_WEBHOOK_SECRET', readyTimeout: '30' }],
    [['listen', '--json', '--events', 'a,b'], 'listen', { json: true, events: 'a,b' }],
    [['--json', 'listen'], 'listen', { json: true }],
    [['listen', '-H', 'A: 1', '-H', 'B: 2'], 'listen', { header: ['A: 1', 'B: 2'] }],
    [['listen', '--env-file', '.env'], 'listen', { envFile: '.env' }],
    [['listen', '--dotenv', 'new.env'], 'listen', { envFile: 'new.env' }],
    [['trigger-flow', 'payment', '--no-listen'], 'trigger-flow', { listen: false, stepTimeout: '30' }],
    [['trigger-flow', 'payment', '--offline', '--dotenv', '.env.test'], 'trigger-flow', { offline: true, envFile: '.env.test' }],
    [['register-endpoint', '--url', 'https://x.test/h', '--metadata', 'a=1', '--metadata', 'b=2'], 'register-endpoint', { url: 'https://x.test/h', metadata: ['a=1', 'b=2'] }],
    [['register-endpoint', '--url', 'https://x.test/h', '--dotenv', 'a.env'], 'register-endpoint', { envFile: 'a.env' }],
    [['endpoints', 'delete', 'we_1', '--yes'], 'endpoints-delete', { yes: true }],
    [['setup', '--stripe-bin', '/x/stripe'], 'setup', { stripeBin: '/x/stripe' }],
  ])('%j', async (argv, name, expected) => {
    const result = await parse(argv);
    expect(result.name).toBe(name);
    expect(result.options).toMatchObject(expected);
  });

  it('passes positional arguments', async () => {
    expect((await parse(['trigger-flow', 'payment'])).args).toEqual(['payment']);
    expect((await parse(['endpoints', 'delete', 'we_123'])).args).toEqual(['we_123']);
  });
});
