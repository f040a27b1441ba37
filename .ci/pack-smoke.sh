#!/usr/bin/env bash
# The published package must install and run on its own: pack it, then run it
# with npx from an empty directory (dependencies come from the npm registry, or
# its local cache), and use it as a library from a fresh TypeScript project:
# `tsc --noEmit` under strict NodeNext against the packed types, then a run of
# deliverFlow against a tiny app on 127.0.0.1; and from a CommonJS project (as Stripe's
# sample servers are), `require('stripe-hooks')` on this Node and on each of SMOKE_NODES
# (paths of other node binaries, space-separated: .ci/run passes Node 24 and 22).
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD
tarball=$(npm pack --silent | tail -n 1)
dir=$(mktemp -d)
trap 'rm -rf "$dir" "$repo/$tarball"' EXIT
cp "$tarball" "$dir/"
cd "$dir"
# A package.json of its own: npx resolves ./x.tgz against the nearest one, which could be any above the temp dir.
echo '{ "name": "pack-smoke", "private": true }' > package.json
npx --yes "./$tarball" --help > help.txt
grep -q 'Usage: stripe-hooks' help.txt
npx --yes "./$tarball" --version

# The declarations, their maps and the sources the maps point at are in the tarball, and the docs --help points at.
tar -tzf "$tarball" > contents.txt
for file in package/dist/index.d.ts package/dist/index.d.ts.map package/src/index.ts package/dist/index.js package/dist/LICENSES.txt package/docs/README.md; do
  grep -qx "$file" contents.txt || { echo "pack smoke: $file missing from the tarball" >&2; exit 1; }
done

# A consumer project: the tarball, and the compiler and Node types at this repository's versions.
mkdir consumer
cd consumer
typescript=$(node -p "require('$repo/node_modules/typescript/package.json').version")
types_node=$(node -p "require('$repo/node_modules/@types/node/package.json').version")
cat > package.json <<'JSON'
{ "name": "consumer", "private": true, "type": "module" }
JSON
npm install --prefer-offline --no-audit --no-fund --silent "../$tarball" "typescript@$typescript" "@types/node@$types_node"
cat > tsconfig.json <<'JSON'
{
  "compilerOptions": {
    "target": "ES2022",
    "module": "NodeNext",
    "moduleResolution": "NodeNext",
    "strict": true,
    "noEmit": true,
    "types": ["node"]
  },
  "include": ["consumer.ts"]
}
JSON
cat > consumer.ts <<'TS'
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { builtinFlows, deliverFlow, signPayload, StripeHooksError, type FlowReport } from 'stripe-hooks';

const secret = 'whsec_packSmoke0123456789abcdefghij';
// A tiny app that checks every signature as Stripe's SDK would (same header, same HMAC).
const server = createServer((req, res) => {
  let body = '';
  req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
  req.on('end', () => {
    const header = String(req.headers['stripe-signature']);
    const t = Number(/t=(\d+)/.exec(header)?.[1]);
    res.statusCode = header === signPayload({ payload: body, secret, timestamp: t }) ? 200 : 400;
    res.end();
  });
});
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const { port } = server.address() as AddressInfo;
try {
  const report: FlowReport = await deliverFlow({ flow: 'payment', forwardTo: `http://127.0.0.1:${port}/hook`, secret, seed: 1 });
  const steps: number = report.steps.length;
  if (!report.ok || steps !== builtinFlows.find((flow) => flow.name === 'payment')?.steps.length) throw new Error(`report: ${JSON.stringify(report)}`);
  // @ts-expect-error: an unknown option is a type error
  await deliverFlow({ flow: 'payment', forwardTo: 'localhost:1', secret, seeed: 1 }).catch(() => undefined);
  const refused = await deliverFlow({ flow: 'payment', forwardTo: 'ftp://x', secret }).catch((error: unknown) => error);
  if (!(refused instanceof StripeHooksError) || refused.code !== 2) throw new Error('bad forwardTo: not a StripeHooksError with code 2');
  console.log(`consumer: payment ${report.ok ? 'ok' : 'FAILED'}, ${steps} steps`);
} finally {
  server.close();
}
TS
npx tsc -p tsconfig.json
# Plain Node runs the same file as JavaScript: strip the types with the compiler, then import the package for real.
npx tsc -p tsconfig.json --noEmit false --outDir out
node out/consumer.js | tee run.txt
grep -q 'consumer: payment ok, 9 steps' run.txt
node --input-type=module -e "const api = await import('stripe-hooks'); if (typeof api.deliverFlow !== 'function') process.exit(1)"

# A CommonJS project: require() works where Node has require(esm) (package.json's "module-sync" condition), and
# where it is turned off the error says what to do (the "require" condition's dist/require.cjs).
mkdir ../cjs
cd ../cjs
echo '{ "name": "cjs-consumer", "private": true, "type": "commonjs" }' > package.json
npm install --prefer-offline --no-audit --no-fund --silent "../$tarball"
cat > consumer.js <<'JS'
const { deliverFlow, signPayload, StripeHooksError } = require('stripe-hooks');
if (typeof deliverFlow !== 'function' || typeof StripeHooksError !== 'function') throw new Error('require: missing exports');
console.log(`cjs consumer: ${signPayload({ payload: '{}', secret: 'whsec_x', timestamp: 1 }).slice(0, 4)} on ${process.version}`);
JS
for node in node ${SMOKE_NODES:-}; do
  "$node" consumer.js | tee run.txt
  grep -q '^cjs consumer: t=1, on v' run.txt
  if "$node" --no-experimental-require-module consumer.js 2> refused.txt; then
    echo "pack smoke: require() without require(esm) should fail" >&2
    exit 1
  fi
  grep -q "stripe-hooks is an ES module, and this Node .* cannot require() one: use \`const api = await import('stripe-hooks')\`" refused.txt
done
echo "pack smoke: ok"
