import { execa } from 'execa';
import { readFileSync } from 'node:fs';
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
    '`%s` loads no SDK, prompt, spinner or command module',
    async (...args) => {
      const imports = await importsOf(args);
      expect(imports.some((url) => url.endsWith('/dist/cli.js'))).toBe(true); // the trace works
      for (const heavy of ['/node_modules/stripe/', '/node_modules/@inquirer/', '/node_modules/ora/', '/node_modules/execa/']) {
        expect(imports.filter((url) => url.includes(heavy)), heavy).toEqual([]);
      }
      const ours = sourcesOf(imports);
      expect(ours).toContain('src/definitions/index.ts'); // the source maps are read
      expect(ours.filter((source) => source.startsWith('src/commands/'))).toEqual([]);
    },
  );
});
