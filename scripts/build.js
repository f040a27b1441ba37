// The build: esbuild bundles the CLI, the library entry and the standalone demo app into dist/ (ESM, our own
// modules behind a dynamic import() split into chunks, dependencies left to node_modules), and tsc writes only
// the type declarations beside them for package.json's `types`/`exports`. One bundle instead of one file per
// module, because every ES module Node loads at start-up costs time (docs/benchmarks.md).
import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'dist');

// Stale per-module files from an older build would hide an import that no longer resolves.
rmSync(dist, { recursive: true, force: true });
// Declarations first: tsc type-checks, and a failed build leaves no dist/cli.js, the stamp build-if-needed.js reads.
execFileSync(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(root, 'tsconfig.json'), '--emitDeclarationOnly'], {
  stdio: 'inherit',
});
const common = { absWorkingDir: root, bundle: true, format: 'esm', platform: 'node', target: 'node20', packages: 'external', sourcemap: true, logLevel: 'warning' };
await build({ ...common, entryPoints: ['src/cli.ts', 'src/index.ts'], outdir: 'dist', chunkNames: 'chunks/[name]-[hash]', splitting: true });
// The example app run on its own (`node dist/demo/app.js`): src/demo/main.ts starts it; kept out of the CLI's chunks.
await build({ ...common, entryPoints: ['src/demo/main.ts'], outfile: 'dist/demo/app.js' });
