// Reads an object's top-level fields out of a stripe SDK's published type definitions
// (types/<Resource>.d.ts, or types/<api version>/<Resource>.d.ts in stripe 8 to 10):
// the `interface <Name> {` directly inside `namespace Stripe`, each field with whether it
// is optional (`?`, sent only in some contexts: expanded, upcoming, deleted) and nullable.
// Used by scripts/gen-api-versions.js; tested on a fixture (test/unit/sdk-types.test.ts).

/** @returns {{ name: string, optional: boolean, nullable: boolean, type: string }[]} in declaration order */
export function interfaceFields(source, name) {
  const lines = source.split('\n');
  // `    interface X {` inside `declare module 'stripe'` (stripe 8 to 19), `export interface X {` (tsc's output, later).
  const start = lines.findIndex((line) => new RegExp(`^ *(export )?interface ${name} \\{$`).test(line));
  if (start < 0) throw new Error(`interface ${name} not found`);
  const close = `${/^ */.exec(lines[start])[0]}}`;
  const fields = [];
  let indent;
  let current;
  for (const line of lines.slice(start + 1)) {
    if (line === close) break;
    const field = /^( +)(\w+)(\??): ?(.*)$/.exec(line);
    indent ??= field?.[1];
    if (field && field[1] === indent) {
      current = { name: field[2], optional: field[3] === '?', type: field[4] };
      fields.push(current);
    } else if (current && indent && line.startsWith(`${indent} `) && !current.type.endsWith(';')) {
      current.type += ` ${line.trim()}`;
    }
  }
  return fields
    .map((f) => ({ ...f, type: f.type.replace(/;$/, '').trim().replace(/^\| /, '') }))
    .filter((f) => f.type !== 'void')
    .map((f) => ({ ...f, nullable: /(^|\| )null( \||$)/.test(f.type) }));
}

/** The API version a stripe package pins, from its types/lib.d.ts (`LatestApiVersion = '…'`) or apiVersion.d.ts (`ApiVersion = '…'`). */
export function pinnedApiVersion(dts) {
  const match = /(?:LatestApiVersion|ApiVersion) = ['"]([^'"]+)['"]/.exec(dts);
  if (!match) throw new Error('no pinned API version (LatestApiVersion or ApiVersion) found');
  return match[1];
}
