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
    for (const command of ['setup', 'listen', 'trigger-flow', 'register-endpoint', 'endpoints list', 'endpoints delete', 'demo']) {
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

  it('reports an unknown option as a usage error, as JSON under --json', async () => {
    const result = await runCli(['setup', '--bogus', '--json']);
    expect(result.exitCode).toBe(2);
    expect(JSON.parse(result.stdout)).toEqual({
      error: { kind: 'usage', code: 2, message: "unknown option '--bogus'", hint: 'run `stripe-hooks --help` for usage' },
    });
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
