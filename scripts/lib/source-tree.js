// What the check scripts share: the TypeScript files of a tree, each parsed by the compiler (no type-check),
// and its path as the docs write it (relative to the root, forward slashes).
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import ts from 'typescript';

export { ts };

/** Every .ts file under `dir`, declarations left out, in a stable order. */
export function sourceFiles(dir) {
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((entry) => {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) return sourceFiles(path);
      return entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts') ? [path] : [];
    })
    .sort();
}

/** One file's syntax tree, its text, and its path relative to `root` (e.g. "src/ui/listen.ts"). */
export function parseSource(root, path) {
  const text = readFileSync(path, 'utf8');
  return { file: relative(root, path).split(sep).join('/'), text, source: ts.createSourceFile(path, text, ts.ScriptTarget.Latest, true) };
}

/** The 1-based line a node starts on. */
export const lineOf = (source, node) => source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1;
