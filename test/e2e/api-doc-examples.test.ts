/**
 * docs/api.md's examples are code a reader copies, so they must hold: each ```ts and ```js block compiles in a
 * strict NodeNext project against the build (the package resolved through its `exports`, as a consumer's would),
 * and each ```ts run block also runs, offline, against a small app that verifies signatures with the Stripe SDK.
 * Live examples (an account, the Stripe CLI) only compile. What a run block prints must equal its closing
 * `// ` comment lines, so the output shown on the page is true.
 *
 * Two stand-ins, both documented on the page: `./app.js`'s `startApp` (the reader's own app, whose contract the
 * page states) and `@jest/globals` (typed by vitest's own `expect` and `test`). A run block's
 * `'http://localhost:4242/webhook'` becomes the stand-in app's URL.
 */
import { execa } from 'execa';
import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ROOT, tempDir } from '../support/cli.js';
import { docExamples, type DocExample } from '../support/doc-examples.js';

const examples = docExamples(readFileSync(join(ROOT, 'docs', 'api.md'), 'utf8'));
const SECRET = 'whsec_test_only_secret';
const APP_URL = "'http://localhost:4242/webhook'";

const APP = `import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import Stripe from 'stripe';

/** The page's contract: listens on 127.0.0.1, verifies every webhook with webhookSecret, resolves with { url, close }. */
export async function startApp({ port, webhookSecret }: { port: number; webhookSecret: string }): Promise<{ url: string; close(): Promise<void> }> {
  const stripe = new Stripe('sk_test_unused');
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      try {
        stripe.webhooks.constructEvent(Buffer.concat(chunks), String(req.headers['stripe-signature']), webhookSecret);
        res.writeHead(200, { 'content-type': 'application/json' }).end('{"received":true}');
      } catch {
        res.writeHead(400).end();
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const { port: bound } = server.address() as AddressInfo;
  return { url: \`http://127.0.0.1:\${bound}\`, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}
`;

const sourceName = (example: DocExample) => `example-${example.line}${example.file?.includes('.test.') ? '.test' : ''}.${example.lang}`;
const compiledName = (example: DocExample) => sourceName(example).replace(/\.ts$/, '.js');
/** The comment lines closing a block: what running it prints. */
const expectedOutput = (code: string) => {
  const lines = code.trimEnd().split('\n');
  const tail: string[] = [];
  while (lines.length > 0 && lines.at(-1)!.startsWith('// ')) tail.unshift(lines.pop()!.slice(3));
  return tail;
};

let project: string;
let compiled: { exitCode?: number; stdout: string };

beforeAll(async () => {
  project = tempDir('stripe-hooks-doc-examples-');
  const modules = join(project, 'node_modules');
  mkdirSync(join(modules, '@types'), { recursive: true });
  symlinkSync(ROOT, join(modules, 'stripe-hooks'));
  for (const name of ['stripe', 'vitest', '@types/node']) symlinkSync(join(ROOT, 'node_modules', name), join(modules, name));
  writeFileSync(join(project, 'package.json'), '{ "name": "doc-examples", "private": true, "type": "module" }\n');
  const src = join(project, 'src');
  mkdirSync(src);
  writeFileSync(
    join(project, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: { target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', strict: true, types: ['node'], allowJs: true, checkJs: true, outDir: 'out', rootDir: 'src' },
      include: ['src'],
    }),
  );
  writeFileSync(join(src, 'app.ts'), APP);
  writeFileSync(join(src, 'jest-globals.d.ts'), "declare module '@jest/globals' {\n  export { expect, test } from 'vitest';\n}\n");
  for (const example of examples) {
    writeFileSync(join(src, sourceName(example)), example.run ? example.code.replaceAll(APP_URL, '`${process.env.EXAMPLE_APP_URL}/webhook`') : example.code);
    if (example.run && !example.file?.includes('.test.')) {
      writeFileSync(
        join(src, `run-${example.line}.ts`),
        `import { startApp } from './app.js';\nconst app = await startApp({ port: 0, webhookSecret: '${SECRET}' });\n` +
          `process.env.EXAMPLE_APP_URL = app.url;\nprocess.env.STRIPE_WEBHOOK_SECRET = '${SECRET}';\n` +
          `try {\n  await import('./${compiledName(example)}');\n} finally {\n  await app.close();\n}\n`,
      );
    }
  }
  compiled = await execa(process.execPath, [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', project], { reject: false });
}, 120_000);

describe('docs/api.md examples', () => {
  it('finds the page’s examples, the runnable ones marked', () => {
    expect(examples.length).toBeGreaterThanOrEqual(6);
    expect(examples.filter((example) => example.run).length).toBeGreaterThanOrEqual(3);
  });

  it('every example compiles under strict NodeNext against the built package', () => {
    expect(compiled.stdout).toBe('');
    expect(compiled.exitCode).toBe(0);
  });

  it.each(examples.filter((example) => example.run).map((example) => [example.line, example] as const))(
    'the example at line %i runs offline against an app and prints what the page says',
    async (_line, example) => {
      const test = example.file?.includes('.test.');
      const result = test
        ? await execa(process.execPath, [join(ROOT, 'node_modules', 'vitest', 'vitest.mjs'), 'run', '--root', join(project, 'src'), sourceName(example)], {
            reject: false,
            env: { CI: 'true' },
          })
        : await execa(process.execPath, [join(project, 'out', `run-${example.line}.js`)], { reject: false });
      expect(result.stderr, result.stdout).not.toMatch(/Error|FAIL/);
      expect(result.exitCode, result.stdout + result.stderr).toBe(0);
      if (test) expect(result.stdout).toMatch(/Tests\s+\d+ passed/);
      else expect(result.stdout.split('\n').filter(Boolean)).toEqual(expectedOutput(example.code));
    },
    120_000,
  );
});
