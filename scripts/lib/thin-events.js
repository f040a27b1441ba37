// Reads the installed SDK's thin events (its V2.Core.EventNotification union) with the TypeScript checker: each
// type, and what its notification's `related_object` refers to. The SDK's types say whether there is one (with an
// id, or a singleton without), and, through fetchRelatedObject's return type, the object's `object` name; the URL
// it is fetched from is the SDK's own `retrieve…` path for that object (its resource's .js file).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';

const OPTIONS = {
  target: ts.ScriptTarget.ES2022,
  module: ts.ModuleKind.NodeNext,
  moduleResolution: ts.ModuleResolutionKind.NodeNext,
  strict: true,
  skipLibCheck: true,
  noEmit: true,
  types: [],
};

/** A program over one virtual module, in `root`, that names the SDK's notification union. */
function notificationUnion(root) {
  const virtual = join(root, '__thin_events__.ts');
  const text = "import type Stripe from 'stripe';\nexport type N = Stripe.V2.Core.EventNotification;\n";
  const host = ts.createCompilerHost(OPTIONS);
  const { getSourceFile, fileExists } = host;
  host.getSourceFile = (name, language, ...rest) => (name === virtual ? ts.createSourceFile(name, text, language) : getSourceFile.call(host, name, language, ...rest));
  host.fileExists = (name) => name === virtual || fileExists.call(host, name);
  const program = ts.createProgram([virtual], OPTIONS, host);
  const checker = program.getTypeChecker();
  const alias = program.getSourceFile(virtual).statements.find(ts.isTypeAliasDeclaration);
  return { program, checker, union: checker.getTypeAtLocation(alias) };
}

/** A type's `object` when it is one string literal (`'billing.meter'`), else undefined. */
function objectName(checker, type) {
  const property = type.getProperty('object');
  const value = property && checker.getTypeOfSymbol(property);
  return value?.isStringLiteral() ? value.value : undefined;
}

/** The `GET` path in the body of `method` of a resource's .js: from its name to the next method. */
function getPath(code, method) {
  const start = code.search(new RegExp(`^ {4}${method}\\(`, 'm'));
  if (start === -1) return undefined;
  const next = code.slice(start + 1).search(/^ {4}\w+\(/m);
  const body = code.slice(start, next === -1 ? undefined : start + 1 + next);
  return /_makeRequest\('GET', [`']([^`']+)[`']/.exec(body)?.[1];
}

// `${encodeURIComponent(customerId)}` -> a placeholder named after the object the path segment before it lists
// (`/v1/customers/{customer}/…`); the object's own id (the last one, unless it is a singleton) is `{id}`.
function template(path, singleton) {
  const names = [];
  const out = path.replace(/\/([a-z_]+)\/\$\{encodeURIComponent\(\w+\)\}/g, (_, segment) => {
    const name = segment.replace(/s$/, '');
    names.push(name);
    return `/${segment}/{${name}}`;
  });
  if (singleton || names.length === 0) return out;
  const last = out.lastIndexOf(`{${names.at(-1)}}`);
  return `${out.slice(0, last)}{id}${out.slice(last + names.at(-1).length + 2)}`;
}

/** Every object's URL template, from the `retrieve…` methods of the SDK's resource classes; `retrieve` wins. */
function urlTemplates(program, checker) {
  const urls = new Map();
  for (const file of program.getSourceFiles()) {
    if (!/[/\\]stripe[/\\]esm[/\\]resources[/\\]/.test(file.fileName)) continue;
    const js = file.fileName.replace(/\.d\.ts$/, '.js');
    if (!existsSync(js)) continue;
    const code = readFileSync(js, 'utf8');
    for (const method of file.statements.filter(ts.isClassDeclaration).flatMap((c) => c.members.filter(ts.isMethodDeclaration))) {
      const name = method.name.getText(file);
      if (!name.startsWith('retrieve')) continue;
      const returned = checker.getAwaitedType(checker.getSignatureFromDeclaration(method).getReturnType());
      const object = returned && objectName(checker, returned);
      const path = object && getPath(code, name);
      if (!path) continue;
      if (!urls.has(object) || name === 'retrieve') urls.set(object, path);
    }
  }
  return urls;
}

/** Any path of the SDK's (any method) that ends with `/<object>` under `parent`'s resource: a singleton without a GET. */
function singletonPath(sdkRoot, object, parent) {
  const paths = [];
  const walk = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (entry.isDirectory()) walk(join(dir, entry.name));
      else if (entry.name.endsWith('.js')) for (const m of readFileSync(join(dir, entry.name), 'utf8').matchAll(/_makeRequest\('\w+', [`']([^`']+)[`']/g)) paths.push(m[1]);
    }
  };
  walk(join(sdkRoot, 'esm', 'resources'));
  return paths.find((path) => path.endsWith(`/${object}`) && path.startsWith(`/v1/${parent}s/`));
}

/**
 * The SDK's thin event types in its order, each with its related object: null when the notification has none,
 * else `{ type, url }` (`singleton: true` when it has no id). Throws when the SDK's types cannot be read as expected.
 */
export function readThinEvents(root, sdkRoot) {
  const { program, checker, union } = notificationUnion(root);
  if (!union.isUnion()) throw new Error('V2.Core.EventNotification is not a union in the stripe SDK types');
  const urls = urlTemplates(program, checker);
  return union.types.map((member) => {
    const type = checker.getTypeOfSymbol(member.getProperty('type'));
    if (!type.isStringLiteral()) throw new Error('an EventNotification without a literal type');
    const related = member.getProperty('related_object');
    if (!related) return { type: type.value, related: null };
    const singleton = !checker.getTypeOfSymbol(related).getProperty('id');
    const fetch = checker.getTypeOfSymbol(member.getProperty('fetchRelatedObject')).getCallSignatures()[0];
    const object = objectName(checker, checker.getAwaitedType(fetch.getReturnType()));
    if (!object) throw new Error(`${type.value}: fetchRelatedObject's type has no literal "object"`);
    const parent = type.value.split('.')[1];
    const path = urls.get(object) ?? (singleton ? singletonPath(sdkRoot, object, parent) : undefined);
    if (!path) throw new Error(`${type.value}: no path in the SDK retrieves a ${object}`);
    return { type: type.value, related: { type: object, url: template(path, singleton), ...(singleton && { singleton: true }) } };
  });
}
