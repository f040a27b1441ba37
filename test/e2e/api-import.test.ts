/**
 * Importing the package is cheap: `import('stripe-hooks')`, resolved through package.json's
 * `exports` (Node's self-reference from the repository), loads the entry, the error class,
 * the built-in flows and the signer (node:crypto only once it signs), and none of the SDK, undici, commander, chalk, ora,
 * prompts or execa, nor any implementation module, until a function is called.
 */
import { execa } from 'execa';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sourcesOf } from '../support/bundle.js';
import { ROOT, tempDir } from '../support/cli.js';

async function importsOf(script: string): Promise<{ urls: string[]; stdout: string }> {
  const file = join(tempDir(), 'imports.txt');
  const result = await execa(process.execPath, ['--import', join(ROOT, 'test', 'support', 'trace-imports.mjs'), '--input-type=module', '-e', script], {
    cwd: ROOT,
    env: { TRACE_IMPORTS_FILE: file },
    reject: false,
  });
  expect(result.exitCode, result.stderr).toBe(0);
  return { urls: readFileSync(file, 'utf8').trim().split('\n'), stdout: result.stdout };
}

const HEAVY = ['/node_modules/stripe/', '/node_modules/undici/', '/node_modules/commander/', '/node_modules/@commander-js/', '/node_modules/chalk/',
  '/node_modules/ora/', '/node_modules/@inquirer/', '/node_modules/execa/', '/node_modules/yaml/'];

describe('importing stripe-hooks', () => {
  it('loads only the entry and four small modules, nothing heavy', async () => {
    const { urls, stdout } = await importsOf("const api = await import('stripe-hooks'); console.log(Object.keys(api).length)");
    expect(Number(stdout)).toBe(15);
    expect(sourcesOf(urls).sort()).toEqual(['src/errors.ts', 'src/flows/builtin.ts', 'src/index.ts', 'src/offline/bytes.ts', 'src/offline/sign.ts']);
    for (const heavy of HEAVY) expect(urls.filter((url) => url.includes(heavy)), heavy).toEqual([]);
    expect(urls).not.toContain('node:crypto'); // loaded on the first signature
  });

  it('signPayload and builtinFlows work without loading more; a function loads its implementation when called', async () => {
    const { urls } = await importsOf(
      "const api = await import('stripe-hooks'); api.signPayload({ payload: '{}', secret: 'whsec_x' }); api.builtinFlows.length;",
    );
    expect(sourcesOf(urls).filter((source) => source.startsWith('src/api/'))).toEqual([]);
    const called = await importsOf("const api = await import('stripe-hooks'); await api.synthesizeEvents({ flow: 'payment', seed: 1 });");
    expect(sourcesOf(called.urls)).toContain('src/api/offline.ts');
    expect(called.urls.filter((url) => url.includes('/node_modules/stripe/'))).toEqual([]); // types only: the SDK itself is not needed
  });
});
