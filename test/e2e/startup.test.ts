import { execa } from 'execa';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import module from 'node:module';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sourcesOf } from '../support/bundle.js';
import { BIN, ROOT, tempDir } from '../support/cli.js';

async function importsOf(args: string[]): Promise<string[]> {
  const file = join(tempDir(), 'imports.txt');
  const result = await execa(process.execPath, ['--import', join(ROOT, 'test', 'support', 'trace-imports.mjs'), BIN, ...args], {
    env: { TRACE_IMPORTS_FILE: file },
    reject: false,
  });
  expect(result.exitCode).toBe(0);
  return readFileSync(file, 'utf8').trim().split('\n');
}

describe('lazy start-up', () => {
  it.each([['--help'], ['listen', '--help'], ['trigger-flow', '--help'], ['replay', '--help'], ['register-endpoint', '--help']])(
    '`%s` loads no SDK, prompt, spinner, undici or command handler',
    async (...args) => {
      const imports = await importsOf(args);
      // One file of ours: the build puts everything help needs, commander and chalk included, into dist/cli.js.
      expect(imports.filter((url) => url.includes('/dist/') || url.includes('/node_modules/'))).toEqual([expect.stringMatching(/\/dist\/cli\.js$/)]);
      for (const heavy of ['/node_modules/stripe/', '/node_modules/@inquirer/', '/node_modules/ora/', '/node_modules/execa/', '/node_modules/undici/']) {
        expect(imports.filter((url) => url.includes(heavy)), heavy).toEqual([]);
      }
      // Each command's definition (and the options they share) loads for help; its handler only when it runs.
      const ours = sourcesOf(imports);
      expect(ours).toContain('src/commands/listen/definition.ts'); // the source maps are read
      expect(ours.filter((source) => source.startsWith('src/commands/') && !/^src\/commands\/(options|[\w-]+\/definition)\.ts$/.test(source))).toEqual([]);
    },
  );
});

describe("Node's compile cache", () => {
  const version = (env: NodeJS.ProcessEnv) => execa(process.execPath, [BIN, '--version'], { env: { ...env, NODE_COMPILE_CACHE: undefined }, reject: false });

  it('holds the bundle where Node has one (22.1 and later: its default dir under the temp dir), and nothing on Node 20', async () => {
    const tmp = tempDir();
    const result = await version({ TMPDIR: tmp });
    expect(result.exitCode, result.stderr).toBe(0);
    const cache = join(tmp, 'node-compile-cache');
    const entries = existsSync(cache) ? readdirSync(cache, { recursive: true }) : [];
    if ('enableCompileCache' in module) expect(entries.length).toBeGreaterThan(0);
    else expect(entries).toEqual([]);
  });

  it('a cache dir that cannot be created is no error', async () => {
    const file = join(tempDir(), 'not-a-dir');
    writeFileSync(file, '');
    const result = await version({ TMPDIR: file });
    expect({ exitCode: result.exitCode, stderr: result.stderr }).toEqual({ exitCode: 0, stderr: '' });
    expect(result.stdout).toMatch(/^\d+\.\d+\.\d+$/);
  });
});
