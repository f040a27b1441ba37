// The build: rolldown bundles the CLI, the library entry and the standalone demo app into dist/ (ESM, our modules
// behind a dynamic import() split into chunks), and tsc writes only the type declarations beside them for
// package.json's `types`/`exports`. Bundled because every ES module Node loads at start-up costs time; rolldown
// because it can put every module the entry loads anyway into the entry itself (`preserveEntrySignatures:
// 'allow-extension'`), so `--help` reads one file where esbuild's splitting made twelve (docs/benchmarks.md).
import { execFileSync } from 'node:child_process';
import { copyFileSync, cpSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { rolldown } from 'rolldown';
import { licenses } from './licenses.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'dist');

// What the CLI needs to start (parse, help, colour) is inlined into dist/cli.js; every other package stays in
// node_modules, loaded when a command needs it. The library inlines nothing: its callers share our dependencies.
const START_UP = new Set(['commander', '@commander-js/extra-typings', 'chalk']);
const packageOf = (id) => /^(@[^/]+\/[^/]+|[^./][^/]*)/.exec(id)?.[1];
// A package's name, not a path, a package.json `imports` alias (chalk's #ansi-styles) or a virtual module.
const bare = (id) => !/^[./#\0]/.test(id);

async function bundle(input, output, external, preserveEntrySignatures = 'strict') {
  const build = await rolldown({
    cwd: root,
    input,
    platform: 'node',
    external,
    preserveEntrySignatures,
    resolve: { extensionAlias: { '.js': ['.ts', '.js'] } }, // our sources import './x.js' and are x.ts
    logLevel: 'warn',
  });
  const { output: files } = await build.write({ dir: dist, format: 'esm', sourcemap: true, ...output });
  await build.close();
  return files.flatMap((file) => (file.type === 'chunk' ? file.moduleIds : []));
}

// Stale files from an older build would hide an import that no longer resolves.
rmSync(dist, { recursive: true, force: true });
// Declarations first: tsc type-checks, and a failed build leaves no dist/cli.js, the stamp build-if-needed.js reads.
execFileSync(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(root, 'tsconfig.json'), '--emitDeclarationOnly'], {
  stdio: 'inherit',
});
// Only dist/cli.js may gain exports for its chunks to import (its one caller is bin/); the library's are its API.
const inlined = await bundle(
  { cli: 'src/cli.ts' },
  { chunkFileNames: 'chunks/[name]-[hash].js' },
  (id) => bare(id) && !START_UP.has(packageOf(id)),
  'allow-extension',
);
writeFileSync(join(dist, 'LICENSES.txt'), licenses(inlined, 'dist/cli.js and dist/chunks/'));
await bundle({ index: 'src/index.ts' }, { chunkFileNames: 'chunks/lib-[name]-[hash].js' }, bare);
// The example app run on its own (`node dist/demo/app.js`): src/demo/main.ts starts it, in one file.
await bundle({ app: 'src/demo/main.ts' }, { dir: join(dist, 'demo'), codeSplitting: false }, bare);
// package.json's `require` condition: the message for a Node without require(esm) (src/require.cjs says why).
copyFileSync(join(root, 'src', 'require.cjs'), join(dist, 'require.cjs'));
// The inspector's static page, read at run time by src/inspect/page-files.ts (served, or inlined into --report-html).
cpSync(join(root, 'src', 'inspect', 'page'), join(dist, 'inspect', 'page'), { recursive: true });
