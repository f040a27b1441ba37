/**
 * The build is a bundle (scripts/build.js): dist/ holds the entries and hashed chunks, not a file per module. These
 * say which of our modules a process loaded, and give a child process one module of its own to import.
 */
import { readFileSync } from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { rolldown } from 'rolldown';
import { ROOT, tempDir } from './cli.js';

/** The src/ modules inside the dist/ files among `urls` (import URLs, in load order), read from their source maps. */
export function sourcesOf(urls: string[]): string[] {
  const sources = urls
    .filter((url) => url.startsWith(pathToFileURL(join(ROOT, 'dist')).href + '/'))
    .flatMap((url) => {
      const file = fileURLToPath(url);
      const map = JSON.parse(readFileSync(`${file}.map`, 'utf8')) as { sources: string[] };
      return map.sources.map((source) => relative(ROOT, resolve(dirname(file), source)));
    });
  return [...new Set(sources)];
}

/** `src/<module>.ts` and everything it imports, dependencies included, as one file in a temp dir; its file URL. */
export async function bundleAlone(module: string): Promise<string> {
  const file = join(tempDir('stripe-hooks-bundle-'), `${basename(module, '.ts')}.mjs`);
  const bundle = await rolldown({ input: join(ROOT, module), platform: 'node', resolve: { extensionAlias: { '.js': ['.ts', '.js'] } }, logLevel: 'warn' });
  await bundle.write({ file, format: 'esm', codeSplitting: false });
  await bundle.close();
  return pathToFileURL(file).href;
}
