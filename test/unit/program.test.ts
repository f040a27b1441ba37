import type { CommandUnknownOpts } from '@commander-js/extra-typings';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { buildProgram, type Launch } from '../../src/program.js';
import { withDotenv } from '../../src/commands/options.js';

interface Received {
  name: string;
  args: unknown[];
  globals: Record<string, unknown>;
}

/** Parses argv with the real program and returns what the handler would receive; no command module is loaded. */
async function parse(argv: string[]): Promise<Received> {
  let received: Received | undefined;
  const launch: Launch = async (globals, name, _load, args) => void (received = { name, args, globals });
  const program = buildProgram({ launch, version: '0.0.0' });
  const quiet = (command: CommandUnknownOpts): void => {
    command.exitOverride().configureOutput({ writeErr: () => {} });
    command.commands.forEach(quiet);
  };
  quiet(program);
  await program.parseAsync(['node', 'stripe-hooks', ...argv]);
  if (!received) throw new Error('no command dispatched');
  return received;
}

/** Every command's help as printed, by its path ("" for the root, "endpoints delete"); `help` itself left out. */
function helpTexts(): Map<string, string> {
  const texts = new Map<string, string>();
  const walk = (command: CommandUnknownOpts, path: string[]): void => {
    let text = '';
    command.configureOutput({ writeOut: (chunk) => void (text += chunk) });
    command.outputHelp();
    texts.set(path.join(' '), text);
    for (const sub of command.commands) if (sub.name() !== 'help') walk(sub, [...path, sub.name()]);
  };
  walk(buildProgram({ version: '0.0.0' }), []);
  return texts;
}

const helpOf = (path: string) => helpTexts().get(path)!;

/** The options object: the handler's last argument before the Context. */
const optionsOf = (received: Received) => received.args.at(-1);

describe('argv -> handler options', () => {
  it.each([
    [['listen'], 'listen', { forwardTo: 'http://localhost:4242/webhook', envKey: 'STRIPE_WEBHOOK_SECRET', readyTimeout: 30_000 }],
    [['listen', '--events', 'a,b', '--ready-timeout', '2.5'], 'listen', { events: 'a,b', readyTimeout: 2500 }],
    [['listen', '-H', 'A: 1', '-H', 'B: 2'], 'listen', { header: ['A: 1', 'B: 2'] }],
    [['listen', '--dotenv', 'new.env'], 'listen', { dotenv: 'new.env' }],
    [['listen', '--env-file', '.env'], 'listen', { dotenv: '.env' }],
    [['listen', '--all-events'], 'listen', { allEvents: true }],
    [['listen', '--all'], 'listen', { allEvents: true }],
    [['register-endpoint', '--url', 'https://x.test/h', '--all-events'], 'register-endpoint', { allEvents: true }],
    [['trigger-flow', 'payment', '--offline', '--env-file', '.env.test'], 'trigger-flow', { offline: true, dotenv: '.env.test' }],
    [['trigger-flow', 'payment', '--no-listen'], 'trigger-flow', { listen: false, stepTimeout: 30_000 }],
    [['trigger-flow', 'payment', '--offline'], 'trigger-flow', { repeat: 1, concurrency: 1 }],
    [['trigger-flow', 'payment', '--offline', '--dotenv', '.env.test'], 'trigger-flow', { offline: true, dotenv: '.env.test' }],
    [['trigger-flow', 'payment', '--offline', '--seed', '42', '--repeat', '3', '--concurrency', '2'], 'trigger-flow', { seed: 42, repeat: 3, concurrency: 2 }],
    [['register-endpoint', '--url', 'https://x.test/h', '--metadata', 'a=1', '--metadata', 'b=2'], 'register-endpoint', { url: 'https://x.test/h', metadata: ['a=1', 'b=2'] }],
    [['register-endpoint', '--url', 'https://x.test/h', '--dotenv', 'a.env'], 'register-endpoint', { dotenv: 'a.env', envKey: 'STRIPE_WEBHOOK_SECRET' }],
    [['endpoints', 'delete', 'we_1', '--yes'], 'endpoints delete', { yes: true }],
    [['endpoints', 'list', '--live'], 'endpoints list', { live: true }],
    [['setup', '--cli-version', '1.52.0'], 'setup', { cliVersion: '1.52.0' }],
  ])('%j', async (argv, name, expected) => {
    const received = await parse(argv);
    expect(received.name).toBe(name);
    expect(optionsOf(received)).toMatchObject(expected);
    expect(optionsOf(received)).not.toHaveProperty('envFile');
  });

  it('passes positional arguments before the options', async () => {
    expect((await parse(['trigger-flow', 'payment'])).args[0]).toBe('payment');
    expect((await parse(['trigger-flow', '--list'])).args[0]).toBeUndefined();
    expect((await parse(['endpoints', 'delete', 'we_123'])).args[0]).toBe('we_123');
    expect((await parse(['demo'])).args).toEqual([]);
  });

  it('global options reach the launcher from anywhere on the line', async () => {
    expect((await parse(['--json', 'listen'])).globals).toMatchObject({ json: true, color: true });
    expect((await parse(['listen', '--events', 'a', '--json', '--no-color'])).globals).toMatchObject({ json: true, color: false });
    expect((await parse(['setup', '--stripe-bin', '/x/stripe', '--api-base', 'http://127.0.0.1:12111'])).globals).toMatchObject({
      stripeBin: '/x/stripe',
      apiBase: 'http://127.0.0.1:12111',
    });
  });

  it('option values are parsed by the definition, in our error model', async () => {
    await expect(parse(['listen', '--ready-timeout', 'soon'])).rejects.toMatchObject({
      code: 'ERR_STRIPE_HOOKS_USAGE',
      message: '--ready-timeout "soon" is not a number of seconds',
    });
    await expect(parse(['trigger-flow', 'payment', '--offline', '--repeat', '0'])).rejects.toMatchObject({ code: 'ERR_STRIPE_HOOKS_USAGE' });
    await expect(parse(['listen', '--flow', 'payment', '--all-events'])).rejects.toMatchObject({ code: 'commander.conflictingOption' });
    await expect(parse(['listen', '--events', 'invoice.paid', '--all'])).rejects.toMatchObject({ message: "error: option '--all' cannot be used with option '-e, --events <types>'" });
    await expect(parse(['trigger-flow', 'payment', '--offline', '--stripe-account', 'acct_1'])).rejects.toMatchObject({ code: 'commander.conflictingOption' });
  });

  it('buildProgram() needs no arguments and runs nothing', () => {
    const program = buildProgram();
    expect(program.commands.map((command) => command.name())).toEqual(['setup', 'listen', 'trigger', 'trigger-flow', 'replay', 'inspect', 'register-endpoint', 'endpoints', 'demo', 'help']);
  });
});

describe('--dotenv and its alias --env-file', () => {
  it('withDotenv folds --env-file into dotenv, the one name handlers read', () => {
    expect(withDotenv({ envFile: 'a.env' })).toEqual({ dotenv: 'a.env' });
    expect(withDotenv({ dotenv: 'b.env' })).toEqual({ dotenv: 'b.env' });
  });

  it('refuses both at once', async () => {
    await expect(parse(['listen', '--dotenv', 'a.env', '--env-file', 'b.env'])).rejects.toMatchObject({ code: 'commander.conflictingOption' });
  });

  it('--help shows --dotenv, and --env-file (the old name, which Node may intercept) only works', () => {
    for (const name of ['listen', 'trigger', 'trigger-flow', 'replay', 'inspect', 'register-endpoint']) {
      const help = helpOf(name).replace(/\s+/g, ' ');
      expect(help, name).toMatch(/--dotenv <path> [^-]*dotenv file/);
      expect(help, name).not.toContain('--env-file');
    }
  });
});

describe('help examples', () => {
  /** Every "Examples:" line of every command's help, as printed. */
  function exampleLines(): string[] {
    const lines: string[] = [];
    const walk = (command: CommandUnknownOpts): void => {
      let text = '';
      command.configureOutput({ writeOut: (chunk) => void (text += chunk) });
      command.outputHelp();
      lines.push(...text.split('\n').filter((line) => line.startsWith('  $ ')));
      command.commands.forEach(walk);
    };
    walk(buildProgram({ version: '0.0.0' }));
    return lines;
  }

  it('never put a secret on the command line, and name the dotenv file with --dotenv', () => {
    const lines = exampleLines();
    expect(lines.length).toBeGreaterThan(15);
    for (const line of lines) {
      expect(line).not.toMatch(/--secret|--api-key|--env-file/);
      expect(line).not.toMatch(/\b(sk|rk|whsec)_/);
    }
    expect(lines.filter((line) => line.includes('--dotenv')).length).toBeGreaterThanOrEqual(3);
  });
});

describe('help says what the commands do', () => {
  it('every command and subcommand has examples and names its docs page', () => {
    const texts = helpTexts();
    expect([...texts.keys()]).toEqual(['', 'setup', 'listen', 'trigger', 'trigger-flow', 'replay', 'inspect', 'register-endpoint', 'endpoints', 'endpoints list', 'endpoints delete', 'demo']);
    for (const [path, text] of texts) {
      expect(text, path || 'stripe-hooks').toMatch(/\nExamples:\n {2}\$ stripe-hooks /);
      expect(text, path || 'stripe-hooks').toMatch(/\nDocs: docs\/[\w-]+\.md/);
    }
  });

  it('the root lists every exit code, 143 (SIGTERM) included', () => {
    expect(helpOf('')).toMatch(/Exit codes: 0 ok, 1 .*, 2 usage error, 3 environment error, 130 \/ 143 interrupted/);
  });

  it('register-endpoint marks --url required, in the usage line and the option', () => {
    const help = helpOf('register-endpoint');
    expect(help).toContain('Usage: stripe-hooks register-endpoint --url <url> [options]');
    expect(help).toMatch(/--url <url> +the endpoint's public URL \(required\)/);
  });

  it('--audit says it runs seven checks, and what they are', () => {
    for (const path of ['trigger-flow', 'replay']) {
      const help = helpOf(path).replace(/\s+/g, ' ');
      expect(help, path).toContain('--audit then audit the handler with seven deliveries');
      expect(help, path).toContain('accept a signed one and a duplicate, refuse an unsigned, forged, stale or tampered one, and answer each in time');
    }
  });

  it('shows the defaults the docs give: --repeat and --concurrency 1, the events listen forwards by default', () => {
    expect(helpOf('listen').replace(/\s+/g, ' ')).toContain('-e, --events <types> comma-separated event types to forward (default: those the built-in flows name)');
    const help = helpOf('trigger-flow').replace(/\s+/g, ' ');
    expect(help).toMatch(/--repeat <n> run n independent flow instances \(offline\) \(default: 1\)/);
    expect(help).toMatch(/--concurrency <n> .* \(offline\) \(default: 1\)/);
  });

  it('one name per idea: every event type is --all-events and the app is --forward-to, in every command', () => {
    const texts = helpTexts();
    for (const path of ['listen', 'register-endpoint']) expect(texts.get(path), path).toMatch(/\n {2}--all-events +\S/);
    for (const [path, text] of texts) expect(text, path).not.toMatch(/--all\b(?!-)/);
    for (const path of ['listen', 'trigger', 'trigger-flow', 'replay']) expect(texts.get(path), path).toMatch(/-f, --forward-to <url> +the app's webhook URL/);
  });
});

describe('where the API key came from', () => {
  afterEach(() => vi.unstubAllEnvs());

  it('--api-key is told apart from STRIPE_API_KEY, for the warning', async () => {
    vi.stubEnv('STRIPE_API_KEY', 'sk_test_fromTheEnvironment');
    expect((await parse(['setup'])).globals).toMatchObject({ apiKey: 'sk_test_fromTheEnvironment', apiKeyFromFlag: false });
    expect((await parse(['setup', '--api-key', 'sk_test_fromTheFlag'])).globals).toMatchObject({ apiKey: 'sk_test_fromTheFlag', apiKeyFromFlag: true });
    expect((await parse(['--api-key', 'sk_test_fromTheFlag', 'setup'])).globals).toMatchObject({ apiKeyFromFlag: true });
  });
});
