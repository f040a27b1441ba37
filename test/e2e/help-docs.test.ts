/**
 * The docs pages --help points at ship in the package: every `docs/….md` any command's help names is in the file list
 * `npm pack` would publish, so the pointer works from an install, not only from a clone.
 */
import type { CommandUnknownOpts } from '@commander-js/extra-typings';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { buildProgram } from '../../src/program.js';
import { ROOT, runCli } from '../support/cli.js';

/** Every command path, as typed: [] for the root, ['endpoints', 'delete'], … (`help` itself left out). */
function commandPaths(): string[][] {
  const paths: string[][] = [];
  const walk = (command: CommandUnknownOpts, path: string[]): void => {
    paths.push(path);
    for (const sub of command.commands) if (sub.name() !== 'help') walk(sub, [...path, sub.name()]);
  };
  walk(buildProgram({ version: '0.0.0' }), []);
  return paths;
}

async function packedFiles(): Promise<Set<string>> {
  // --ignore-scripts: prepack would build; the file list is what `files` in package.json selects.
  const { stdout } = await execa('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: ROOT });
  const [pack] = JSON.parse(stdout) as [{ files: { path: string }[] }];
  return new Set(pack.files.map((file) => file.path));
}

describe('the docs --help names', () => {
  it('are in the published package', async () => {
    const [packed, helps] = await Promise.all([packedFiles(), Promise.all(commandPaths().map((path) => runCli([...path, '--help'])))]);
    const named = new Set<string>();
    for (const help of helps) {
      expect(help.exitCode).toBe(0);
      for (const [path] of help.stdout.matchAll(/\bdocs\/[\w./-]+\.md\b/g)) named.add(path);
    }
    expect(named.size).toBeGreaterThanOrEqual(8); // README plus a page per command
    for (const path of named) expect(packed, path).toContain(path);
  });
});
