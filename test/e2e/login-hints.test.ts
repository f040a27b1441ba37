/**
 * The advice a new user without a key gets, from the built CLI driving the real Stripe CLI: it names the Stripe CLI
 * that ran (`stripe login` only for the `stripe` on PATH; the one in stripe-hooks' cache, where `setup` installs it,
 * or one given with --stripe-bin, by its path), asks for STRIPE_API_KEY rather than --api-key, and names --api-base
 * only when it was given. Without --api-base the Stripe CLI's traffic goes to a unix socket that refuses it
 * (STRIPE_CLI_UNIX_SOCKET): nothing can reach a real Stripe host, and none is needed to learn that no key is set.
 */
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli, sandbox, STRIPE_BIN, tempDir, type Sandbox } from '../support/cli.js';
import { startFakeStripe, type FakeStripe } from '../support/fake-stripe/server.js';

let fake: FakeStripe | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

const ADVICE = 'hint  set STRIPE_API_KEY to a test key (sk_test_… or rk_test_…), or run ';

/** A sandbox whose PATH has no `stripe`, and a Stripe CLI where `setup` installs one. */
function withCachedCli(): { box: Sandbox; binary: string } {
  const refusing = join(tempDir('stripe-hooks-socket-'), 'not-a-socket');
  writeFileSync(refusing, ''); // connecting to a file that is not a socket: connection refused
  const box = sandbox({ PATH: join(tempDir(), 'empty'), STRIPE_CLI_UNIX_SOCKET: refusing });
  const binary = join(box.home, '.cache', 'stripe-hooks', 'stripe-cli', '1.52.0', 'stripe');
  mkdirSync(dirname(binary), { recursive: true });
  symlinkSync(STRIPE_BIN, binary);
  return { box, binary };
}

describe('no key and no `stripe login`: the hint names the Stripe CLI that ran', () => {
  it.each(['listen', 'trigger-flow'])('%s: found in the cache -> `<its path> login`; on PATH -> `stripe login`; given -> its path', async (command) => {
    const args = command === 'listen' ? ['listen'] : ['trigger-flow', 'payment', '--forward-to', 'http://127.0.0.1:9/hook'];
    const { box, binary } = withCachedCli();
    const cached = await runCli(args, { box });
    expect(cached.exitCode).toBe(3);
    expect(cached.stderr).toBe(`error no Stripe API key: none given and the Stripe CLI is not logged in\n${ADVICE}\`${binary} login\``);

    const onPath = await runCli(args, { box: { ...box, env: { ...box.env, PATH: dirname(STRIPE_BIN) } } });
    expect(onPath.stderr).toBe(`error no Stripe API key: none given and the Stripe CLI is not logged in\n${ADVICE}\`stripe login\``);

    const given = await runCli([...args, '--stripe-bin', STRIPE_BIN], { box });
    expect(given.stderr).toContain(`${ADVICE}\`${STRIPE_BIN} login\``);
  });

  it('with --api-base the advice is the same: --api-base is not what is wrong', async () => {
    fake = await startFakeStripe();
    const { box, binary } = withCachedCli();
    const result = await runCli(['listen', '--api-base', fake.url], { box });
    expect(result.stderr).toBe(`error no Stripe API key: none given and the Stripe CLI is not logged in\n${ADVICE}\`${binary} login\``);
    expect(fake.requests).toEqual([]);
  });
});

describe('setup says how to log in the Stripe CLI it found', () => {
  it('in the cache: its path; on PATH: `stripe login`; in --json as login.command', async () => {
    const { box, binary } = withCachedCli();
    const config = join(box.home, '.config', 'stripe', 'config.toml');
    const human = await runCli(['setup'], { box });
    expect(human.exitCode).toBe(0);
    expect(human.stdout).toMatch(/API key\s+not set\s+set STRIPE_API_KEY \(offline mode needs none\)\n/);
    expect(human.stdout).toContain(`stripe login  no       no account in ${config}; to log in: ${binary} login\n`);
    const json = await runCli(['setup', '--json'], { box });
    expect(JSON.parse(json.stdout).login).toEqual({ configPath: config, loggedIn: false, command: `${binary} login` });

    const onPath = await runCli(['setup', '--json'], { box: { ...box, env: { ...box.env, PATH: dirname(STRIPE_BIN) } } });
    expect(JSON.parse(onPath.stdout)).toMatchObject({ stripeCli: { source: 'PATH' }, login: { command: 'stripe login' } });
  });
});
