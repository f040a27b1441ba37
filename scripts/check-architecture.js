// docs/architecture.md against the tree. Its layout table (the rows `| \`src/…\` | layer | holds |` under
// "## Layout") must name every folder and every file at the top of src/, and everything it names must exist.
// Its layers table (`| layer | may import | … |` under "## Layers") says which layers each may import from.
// Then the layer rule, read from each module's imports (type-only ones included unless said otherwise):
//   - a module imports only from the layers its row in the layers table names;
//   - core and library modules import nothing from ui/, commands/ or the entry, nor a terminal or argv package
//     (chalk, ora, @inquirer/prompts, commander), and never print (console, process.stdout/stderr, process.exit);
//   - ui/ modules do no I/O: no file system, child process, network or Stripe SDK module, directly or through
//     the modules they import values from (type-only imports load nothing);
//   (so, as the table has it, nothing of ours imports the library, the public face, and the example app imports
//   nothing of ours, so it can be copied as it is).
// Run: node scripts/check-architecture.js [--root DIR]
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, posix } from 'node:path';
import { fileURLToPath } from 'node:url';
import { lineOf, parseSource, sourceFiles, ts } from './lib/source-tree.js';

const args = process.argv.slice(2);
const rootAt = args.indexOf('--root');
const root = rootAt === -1 ? join(dirname(fileURLToPath(import.meta.url)), '..') : args[rootAt + 1];
const DOC = 'docs/architecture.md';

const TERMINAL = ['chalk', 'ora', '@inquirer/prompts'];
const ARGV = ['commander', '@commander-js/extra-typings'];
const IO = ['fs', 'fs/promises', 'child_process', 'net', 'http', 'https', 'http2', 'dgram', 'tls', 'dns', 'dns/promises', 'undici', 'execa', 'stripe'];
/** Packages only these layers may import. */
const PACKAGE_LAYERS = [
  [TERMINAL, ['ui']],
  [ARGV, ['entry', 'command']],
];
/** Layers that must never print. */
const QUIET = ['core', 'library'];

const problems = [];

const doc = readFileSync(join(root, DOC), 'utf8');
const section = (title) => new RegExp(`^## ${title}\\n([\\s\\S]*?)(?=^## |(?![\\s\\S]))`, 'm').exec(doc)?.[1] ?? '';

// 1. The layers table: which layers each may import from (the words before any parenthesis).
const MAY_IMPORT = Object.fromEntries(
  [...section('Layers').matchAll(/^\|\s*([a-z]+)\s*\|\s*([a-z, ]+)/gm)]
    .filter((m) => m[1] !== 'layer') // the header row
    .map((m) => [m[1], m[2].split(',').map((layer) => layer.trim()).filter(Boolean)]),
);
const layers = Object.keys(MAY_IMPORT);
if (layers.length === 0) problems.push(`${DOC}: no layers table under "## Layers" (rows like | ui | ui, core | … |)`);
for (const layer of [...Object.values(MAY_IMPORT).flat(), 'entry', 'command', 'ui', 'library', 'core']) {
  if (layers.length > 0 && !layers.includes(layer)) problems.push(`${DOC}: the layers table has no row for "${layer}"`);
}

// 2. The layout table.
const rows = [...section('Layout').matchAll(/^\|\s*`(src\/[^`]*)`\s*\|\s*([a-z]+)\s*\|/gm)].map((m) => ({ path: m[1], layer: m[2] }));
if (rows.length === 0) problems.push(`${DOC}: no layout table under "## Layout" (rows like | \`src/ui/\` | ui | … |)`);
for (const { path, layer } of rows) {
  if (!(layer in MAY_IMPORT)) problems.push(`${DOC}: ${path} has layer "${layer}"; the layers are ${layers.join(', ')}`);
  const target = join(root, path);
  const folder = path.endsWith('/');
  if (!existsSync(target) || statSync(target).isDirectory() !== folder) problems.push(`${DOC} lists ${path}, which is not in the tree`);
}
const listed = new Set(rows.map((row) => row.path));
for (const entry of readdirSync(join(root, 'src'), { withFileTypes: true })) {
  const path = `src/${entry.name}${entry.isDirectory() ? '/' : ''}`;
  if (!listed.has(path)) problems.push(`${path} is not in ${DOC}'s layout table: add a row saying what it holds and its layer`);
}

/** The layer of a file: its own row's, or its top-level folder's; undefined when unknown (reported above, and not followed). */
function layerOf(file) {
  const layer = rows.find((row) => row.path === file)?.layer ?? rows.find((row) => row.path === `${file.split('/').slice(0, 2).join('/')}/`)?.layer;
  return layer in MAY_IMPORT ? layer : undefined;
}

// 3. Imports.
const modules = new Map(sourceFiles(join(root, 'src')).map((path) => {
  const parsed = parseSource(root, path);
  return [parsed.file, { ...parsed, imports: importsOf(parsed) }];
}));

/** Each import (static, dynamic, re-export) of a file: its specifier, the src/ file it resolves to, and whether it loads code. */
function importsOf({ file, source }) {
  const found = [];
  const add = (node, specifier, typeOnly) => {
    const target = specifier.startsWith('.') ? posix.join(posix.dirname(file), specifier).replace(/\.js$/, '.ts') : undefined;
    found.push({ specifier, target, typeOnly, line: lineOf(source, node) });
  };
  const visit = (node) => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      const clause = node.importClause;
      const named = clause?.namedBindings && ts.isNamedImports(clause.namedBindings) ? clause.namedBindings.elements : undefined;
      const typeOnly = Boolean(clause?.isTypeOnly || (clause && !clause.name && named && named.length > 0 && named.every((e) => e.isTypeOnly)));
      add(node, node.moduleSpecifier.text, typeOnly);
    } else if (ts.isExportDeclaration(node) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      const named = node.exportClause && ts.isNamedExports(node.exportClause) ? node.exportClause.elements : undefined;
      add(node, node.moduleSpecifier.text, node.isTypeOnly || Boolean(named?.length && named.every((e) => e.isTypeOnly)));
    } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword && node.arguments[0] && ts.isStringLiteral(node.arguments[0])) {
      add(node, node.arguments[0].text, false);
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument) && ts.isStringLiteral(node.argument.literal)) {
      add(node, node.argument.literal.text, true); // import('…').T in a type
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

const bare = (specifier) => specifier.replace(/^node:/, '');
const packageOf = (specifier) => (specifier.startsWith('@') ? specifier.split('/').slice(0, 2).join('/') : bare(specifier).split('/')[0]);

/**
 * For each core module that reaches an I/O module through value imports, the chain of files that gets there. Only
 * core modules are followed: anything else on the way breaks a rule of its own, reported where it is. Grown until
 * nothing changes, so import cycles are followed too.
 */
const reachesIo = new Map();
for (let grown = true; grown; ) {
  grown = false;
  for (const [file, { imports }] of modules) {
    if (reachesIo.has(file) || layerOf(file) !== 'core') continue;
    for (const edge of imports) {
      if (edge.typeOnly) continue;
      const chain = !edge.target ? (IO.includes(bare(edge.specifier)) ? [edge.specifier] : undefined) : reachesIo.get(edge.target);
      if (!chain) continue;
      reachesIo.set(file, [file, ...chain]);
      grown = true;
      break;
    }
  }
}

for (const [file, { source, imports }] of modules) {
  const layer = layerOf(file);
  if (layer === undefined) continue; // reported above: its folder is not listed
  for (const edge of imports) {
    const at = `${file}:${edge.line}`;
    if (edge.target) {
      if (!modules.has(edge.target)) continue; // a path tsc reports
      const targetLayer = layerOf(edge.target);
      if (targetLayer && !MAY_IMPORT[layer]?.includes(targetLayer)) {
        problems.push(`${at}: ${layer} module imports ${edge.target} (${targetLayer}); ${layer} may import ${MAY_IMPORT[layer]?.join(', ')}`);
      } else if (layer === 'ui' && targetLayer === 'core' && !edge.typeOnly) {
        const chain = reachesIo.get(edge.target);
        if (chain) problems.push(`${at}: ui module loads I/O through ${chain.join(' → ')}; move the I/O to a core module and hand ui the data`);
      }
      continue;
    }
    const name = packageOf(edge.specifier);
    for (const [packages, layers] of PACKAGE_LAYERS) {
      if (packages.includes(name) && !layers.includes(layer)) problems.push(`${at}: ${layer} module imports ${edge.specifier}, which only ${layers.join(' and ')} modules may`);
    }
    if (layer === 'ui' && !edge.typeOnly && IO.includes(bare(edge.specifier))) problems.push(`${at}: ui module imports ${edge.specifier} (I/O); ui renders data it is given`);
  }
  if (QUIET.includes(layer)) {
    const visit = (node) => {
      if (ts.isPropertyAccessExpression(node) && ts.isIdentifier(node.expression)) {
        const what = `${node.expression.text}.${node.name.text}`;
        if (node.expression.text === 'console' || ['process.stdout', 'process.stderr', 'process.exit', 'process.exitCode'].includes(what)) {
          problems.push(`${file}:${lineOf(source, node)}: ${layer} module uses ${what}; return data (or take a log function) and let the command render it`);
        }
      }
      ts.forEachChild(node, visit);
    };
    visit(source);
  }
}

if (problems.length > 0) {
  for (const problem of problems) console.error(problem);
  console.error(`check-architecture: ${problems.length} problem${problems.length === 1 ? '' : 's'} (the layout and the layer rule: ${DOC})`);
  process.exitCode = 1;
} else {
  console.log(`check-architecture: ${rows.length} paths in ${DOC} match src/; ${modules.size} modules keep the layer rule`);
}
