import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';

describe('cli frame', () => {
  it('prints help with examples and exits 0', async () => {
    const result = await runCli(['--help']);
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain('Usage: stripe-hooks');
    expect(result.stdout).toContain('Examples:');
  });

  it('every command has help with examples and the global options', async () => {
    for (const command of ['setup', 'listen', 'trigger-flow', 'replay', 'register-endpoint', 'endpoints', 'endpoints list', 'endpoints delete', 'demo']) {
      const result = await runCli([...command.split(' '), '--help']);
      expect(result.exitCode, command).toBe(0);
      expect(result.stdout, command).toContain('Examples:');
      expect(result.stdout, command).toContain('--api-base');
    }
  });

  it('suggests the closest command for a typo and exits 2', async () => {
    const result = await runCli(['lisen']);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain("unknown command 'lisen'");
    expect(result.stderr).toContain('Did you mean listen?');
    expect(result.stderr).not.toMatch(/\n\s+at /); // no stack trace
  });

  it('`help <command>` shows that help and exits 0; an unknown name is one usage error, not the whole help', async () => {
    const listen = await runCli(['help', 'listen']);
    expect(listen.exitCode).toBe(0);
    expect(listen.stdout).toContain('Usage: stripe-hooks listen');
    expect((await runCli(['endpoints', 'help', 'list'])).stdout).toContain('Usage: stripe-hooks endpoints list');

    for (const [argv, hint] of [
      [['help', 'lisen'], 'hint  Did you mean listen?'],
      [['help', 'nope'], 'hint  run `stripe-hooks --help` for the commands'],
      [['endpoints', 'help', 'nope'], 'hint  run `stripe-hooks endpoints --help` for the commands'],
    ] as const) {
      const result = await runCli([...argv]);
      expect(result.exitCode, argv.join(' ')).toBe(2);
      expect(result.stderr).toBe(`error unknown command '${argv.at(-1)}'\n${hint}`); // execa strips the final newline
    }
    const json = await runCli(['--json', 'help', 'nope']);
    expect(json.exitCode).toBe(2);
    expect(JSON.parse(json.stdout)).toMatchObject({ error: { code: 'ERR_STRIPE_HOOKS_USAGE', exitCode: 2, message: "unknown command 'nope'" } });
  });

  it('reports an unknown option as a usage error, as JSON under --json', async () => {
    const result = await runCli(['setup', '--bogus', '--json']);
    expect(result.exitCode).toBe(2);
    expect(JSON.parse(result.stdout)).toEqual({
      error: { code: 'ERR_STRIPE_HOOKS_USAGE', exitCode: 2, message: "unknown option '--bogus'", hint: 'run `stripe-hooks setup --help` for usage' },
    });
  });

  it("a parse error's hint is the help of the command that failed, not the root's", async () => {
    for (const [argv, message, help] of [
      [['register-endpoint'], "required option '--url <url>' not specified", 'stripe-hooks register-endpoint --help'],
      [['endpoints', 'delete', '--bogus'], "unknown option '--bogus'", 'stripe-hooks endpoints delete --help'],
      [['replay'], "missing required argument 'file'", 'stripe-hooks replay --help'],
      [['--bogus'], "unknown option '--bogus'", 'stripe-hooks --help'],
    ] as const) {
      const result = await runCli([...argv]);
      expect(result.exitCode, argv.join(' ')).toBe(2);
      expect(result.stderr).toBe(`error ${message}\nhint  run \`${help}\` for usage`);
    }
  });

  it('prints the version', async () => {
    const result = await runCli(['--version']);
    expect(result.exitCode).toBe(0);
    expect(result.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it('rejects a malformed --api-base with exit 2 before running anything', async () => {
    const result = await runCli(['setup', '--api-base', 'not a url']);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain('--api-base');
  });
});
