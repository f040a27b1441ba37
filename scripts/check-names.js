// One meaning per name: every name exported from src/ is exported from one file only, so searching for it finds
// the one thing it means (a stack trace's function, a type in an error message). Two patterns share a name on
// purpose, because the two exports are the same thing:
//   - src/index.ts, the library's entry: what it re-exports (`export … from`) is the symbol itself, and each of
//     its lazy wrappers (`return (await import('./api/x.js')).name(…)`) stands for the same-named function of
//     src/api/x.ts, the public API's implementation;
//   - `run` of src/commands/<name>/handler.ts, the command handler's conventional name.
// Anything else exported from two files fails, re-exports included: import a name from the file that defines it.
// Run: node scripts/check-names.js [--list] [--root DIR]   (--list prints every exported name and its files)
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { lineOf, parseSource, sourceFiles, ts } from './lib/source-tree.js';

const args = process.argv.slice(2);
const rootAt = args.indexOf('--root');
const root = rootAt === -1 ? join(dirname(fileURLToPath(import.meta.url)), '..') : args[rootAt + 1];
const list = args.includes('--list');

const ENTRY = 'src/index.ts';
const HANDLER = /^src\/commands\/[^/]+\/handler\.ts$/;

const hasExport = (node) => ts.getModifiers?.(node)?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword) ?? false;
const hasDefault = (node) => ts.getModifiers?.(node)?.some((m) => m.kind === ts.SyntaxKind.DefaultKeyword) ?? false;

function bindingNames(name) {
  if (ts.isIdentifier(name)) return [name.text];
  return name.elements.flatMap((element) => (ts.isOmittedExpression(element) ? [] : bindingNames(element.name)));
}

/** The lazy wrapper's target: `name` when the function's body calls `(await import('./api/<m>.js')).name(`. */
function wrapperTarget(node, text) {
  const body = node.body && text.slice(node.body.pos, node.body.end);
  const match = body && /\(await import\('\.\/(api\/[\w-]+)\.js'\)\)\.(\w+)\(/.exec(body);
  return match && match[2] === node.name.text ? `src/${match[1]}.ts` : undefined;
}

/** Every export of one file: { name, file, line, reexport, wraps? }. */
function exportsOf(path) {
  const { file, text, source } = parseSource(root, path);
  const found = [];
  const add = (name, node, extra = {}) => found.push({ name, file, line: lineOf(source, node), reexport: false, ...extra });
  for (const statement of source.statements) {
    if (ts.isExportDeclaration(statement)) {
      const reexport = statement.moduleSpecifier !== undefined;
      if (!statement.exportClause) add('*', statement, { reexport, star: true });
      else if (ts.isNamespaceExport(statement.exportClause)) add(statement.exportClause.name.text, statement, { reexport });
      // `export { a }` of an imported `a` is a re-export too: it repeats a name another file defines.
      else for (const element of statement.exportClause.elements) add(element.name.text, element, { reexport: reexport || importedNames(source).has((element.propertyName ?? element.name).text) });
    } else if (ts.isExportAssignment(statement)) {
      add('default', statement);
    } else if (hasExport(statement)) {
      if (ts.isVariableStatement(statement)) {
        for (const declaration of statement.declarationList.declarations) for (const name of bindingNames(declaration.name)) add(name, declaration);
      } else if (hasDefault(statement)) {
        add('default', statement);
      } else if (statement.name) {
        const wraps = file === ENTRY && ts.isFunctionDeclaration(statement) ? wrapperTarget(statement, text) : undefined;
        add(statement.name.text, statement, wraps ? { wraps } : {});
      }
    }
  }
  return found;
}

const importCache = new WeakMap();
function importedNames(source) {
  if (!importCache.has(source)) {
    const names = new Set();
    for (const statement of source.statements) {
      const clause = ts.isImportDeclaration(statement) ? statement.importClause : undefined;
      if (!clause) continue;
      if (clause.name) names.add(clause.name.text);
      const bindings = clause.namedBindings;
      if (bindings && ts.isNamespaceImport(bindings)) names.add(bindings.name.text);
      else if (bindings) for (const element of bindings.elements) names.add(element.name.text);
    }
    importCache.set(source, names);
  }
  return importCache.get(source);
}

const all = sourceFiles(join(root, 'src')).flatMap(exportsOf);
const byName = new Map();
for (const entry of all) byName.set(entry.name, [...(byName.get(entry.name) ?? []), entry]);

if (list) {
  for (const [name, entries] of [...byName].sort(([a], [b]) => a.localeCompare(b))) {
    console.log(`${name}\t${entries.map((e) => `${e.file}:${e.line}${e.reexport ? ' (re-export)' : ''}`).join(' ')}`);
  }
}

/**
 * What an export is, for telling meanings apart: its file, except for the allowed patterns. src/index.ts's re-exports
 * are the symbol itself (undefined: not counted), a lazy wrapper is the src/api function it loads, and every
 * command handler's `run` is one convention. A name is fine while its exports are all one thing.
 */
function identity(entry, entries) {
  if (entry.file === ENTRY && entry.reexport && !entry.star) return undefined;
  if (entry.file === ENTRY && entry.wraps && entries.some((other) => other.file === entry.wraps && !other.reexport)) return entry.wraps;
  if (entry.name === 'run' && HANDLER.test(entry.file)) return 'src/commands/*/handler.ts';
  return entry.file;
}

const problems = [];
for (const entry of all) {
  if (entry.star) problems.push(`${entry.file}:${entry.line}: \`export *\` hides which names the file exports: name them`);
}
for (const [name, entries] of byName) {
  if (name === '*') continue;
  const counted = entries.filter((entry) => identity(entry, entries) !== undefined);
  if (new Set(counted.map((entry) => identity(entry, entries))).size < 2) continue;
  problems.push(`${name} is exported from ${counted.length} files: ${counted.map((e) => `${e.file}:${e.line}${e.reexport ? ' (re-export)' : ''}`).join(', ')}`);
}

if (problems.length > 0) {
  for (const problem of problems) console.error(problem);
  console.error(`check-names: ${problems.length} problem${problems.length === 1 ? '' : 's'}; give each meaning its own name (see docs/architecture.md#names)`);
  process.exitCode = 1;
} else if (!list) {
  console.log(`check-names: ${byName.size} exported names in ${new Set(all.map((e) => e.file)).size} files, one file each (but the allowed patterns)`);
}
