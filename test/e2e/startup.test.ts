import { execa } from 'execa';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import module from 'node:module';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sourcesOf } from '../support/bundle.js';
import { BIN, ROOT, tempDir } from '../support/cli.js';

// Node's own modules as the process loaded them (`process.moduleLoadList`: "NativeModule internal/…"), at exit.
const NATIVE_MODULES = `data:text/javascript,import { writeFileSync } from 'node:fs'; process.on('exit', () => writeFileSync(process.env.NATIVE_MODULES_FILE, process.moduleLoadList.join('\\n')));`;

/** What `stripe-hooks <args>` loaded: the URLs it imported and Node's internal modules. */
async function loadsOf(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ imports: string[]; native: string[] }> {
  const [file, nativeFile] = [join(tempDir(), 'imports.txt'), join(tempDir(), 'native.txt')];
  const result = await execa(process.execPath, ['--import', join(ROOT, 'test', 'support', 'trace-imports.mjs'), '--import', NATIVE_MODULES, BIN, ...args], {
    env: { ...env, TRACE_IMPORTS_FILE: file, NATIVE_MODULES_FILE: nativeFile },
    reject: false,
  });
  expect(result.exitCode, result.stderr).toBe(0);
  return { imports: readFileSync(file, 'utf8').trim().split('\n'), native: readFileSync(nativeFile, 'utf8').split('\n') };
}

async function importsOf(args: string[]): Promise<string[]> {
  return (await loadsOf(args)).imports;
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

describe('what a run loads besides', () => {
  const undici = (loaded: { imports: string[]; native: string[] }) => [
    ...loaded.imports.filter((url) => url.includes('/node_modules/undici/')),
    // Node's own, which an ES import of node:http loads on Node 22+ (src/lib/node-http.ts): the import is looked for
    // too, as on Node 20 it loads nothing to see.
    ...loaded.imports.filter((url) => url === 'node:http'),
    ...loaded.native.filter((name) => name.includes('deps/undici')),
  ];

  it('a live trigger-flow (its modules, as a dry run loads them): no undici, neither npm\'s nor Node\'s, and no offline synthesis', async () => {
    const loaded = await loadsOf(['trigger-flow', 'payment', '--dry-run']);
    const ours = sourcesOf(loaded.imports);
    expect(ours).toEqual(expect.arrayContaining(['src/relay/relay.ts', 'src/delivery/engine.ts', 'src/run/live-runner.ts']));
    expect(undici(loaded)).toEqual([]);
    const offline = ['src/run/offline-runner.ts', 'src/offline/synthesize.ts', 'src/offline/api-shapes.ts', 'src/offline/audit.ts', 'src/offline/secret.ts'];
    expect(ours.filter((source) => offline.includes(source))).toEqual([]);
    expect(loaded.imports.filter((url) => url.includes('/node_modules/dotenv/'))).toEqual([]);
  });

  it('offline: undici only for a burst (--concurrency above 1), node:http for one flow', async () => {
    const app = createServer((req, res) => req.resume().on('end', () => res.writeHead(200).end()));
    await new Promise<void>((resolve) => app.listen(0, '127.0.0.1', resolve));
    try {
      const env = { STRIPE_WEBHOOK_SECRET: 'whsec_startupTest0123456789abcdef' };
      const offline = ['trigger-flow', 'payment', '--offline', '--forward-to', `http://127.0.0.1:${(app.address() as AddressInfo).port}/webhook`];
      expect(undici(await loadsOf(offline, env))).toEqual([]);
      const burst = await loadsOf([...offline, '--repeat', '2', '--concurrency', '2'], env);
      expect(burst.imports).toContainEqual(expect.stringMatching(/\/node_modules\/undici\/index\.js$/));
    } finally {
      app.closeAllConnections();
      app.close();
    }
  });
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
