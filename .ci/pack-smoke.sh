#!/usr/bin/env bash
# The published package must install and run on its own: pack it, then run it
# with npx from an empty directory (dependencies come from the npm registry, or
# its local cache), and use it as a library from a fresh TypeScript project:
# `tsc --noEmit` under strict NodeNext against the packed types, then a run of
# deliverFlow against a tiny app on 127.0.0.1; and from a CommonJS project (as Stripe's
# sample servers are), `require('stripe-hooks')` on this Node and on each of SMOKE_NODES
# (paths of other node binaries, space-separated: .ci/run passes Node 24 and 22).
# `stripe` is a peer dependency: npm (7 and later) installs it beside the package,
# the commands that need the SDK load it from there, and the library's types are
# the app's SDK's; the oldest major the peer range admits is proven the same way.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD
tarball=$(npm pack --silent | tail -n 1)
stripe_floor=$(node -p "/^>=(\\d+)/.exec(require('./package.json').peerDependencies.stripe)[1]")
dir=$(mktemp -d)
fake_pid=
trap 'if [ -n "$fake_pid" ]; then kill "$fake_pid" 2>/dev/null || true; fi; rm -rf "$dir" "$repo/$tarball"' EXIT
cp "$tarball" "$dir/"
cd "$dir"
# A package.json of its own: npx resolves ./x.tgz against the nearest one, which could be any above the temp dir.
echo '{ "name": "pack-smoke", "private": true }' > package.json

# A stand-in for Stripe's webhook endpoints API on 127.0.0.1 (list and create): what the SDK talks to below.
cat > fake-api.mjs <<'JS'
import { createServer } from 'node:http';
import { writeFileSync } from 'node:fs';
const endpoints = [];
const server = createServer((req, res) => {
  let body = '';
  req.on('data', (chunk) => (body += chunk));
  req.on('end', () => {
    res.setHeader('content-type', 'application/json');
    if (!/^Bearer sk_test_/.test(req.headers.authorization ?? '')) return res.writeHead(401).end('{"error":{"type":"invalid_request_error","message":"no key"}}');
    if (req.method === 'GET') return res.end(JSON.stringify({ object: 'list', url: '/v1/webhook_endpoints', has_more: false, data: endpoints }));
    const form = new URLSearchParams(body);
    const endpoint = { id: `we_${endpoints.length + 1}`, object: 'webhook_endpoint', url: form.get('url'), enabled_events: form.getAll('enabled_events[0]'), api_version: form.get('api_version'), status: 'enabled', description: null, metadata: {}, livemode: false, created: 1 };
    endpoints.unshift(endpoint);
    res.end(JSON.stringify({ ...endpoint, secret: 'whsec_packSmokeEndpoint' }));
  });
});
server.listen(0, '127.0.0.1', () => writeFileSync('fake-api.port', String(server.address().port)));
JS
node fake-api.mjs &
fake_pid=$!
for _ in $(seq 50); do [ -s fake-api.port ] && break; sleep 0.1; done
api_base="http://127.0.0.1:$(cat fake-api.port)"

npx --yes "./$tarball" --help > help.txt
grep -q 'Usage: stripe-hooks' help.txt
npx --yes "./$tarball" --version
# register-endpoint and endpoints load the SDK: npx installed it as the package's peer.
STRIPE_API_KEY=sk_test_packSmoke npx --yes "./$tarball" register-endpoint --url https://app.test/hook --events invoice.paid --api-base "$api_base" --json > registered.json
grep -Eq '"action": ?"created"' registered.json || { echo "pack smoke: register-endpoint via npx: $(cat registered.json)" >&2; exit 1; }
STRIPE_API_KEY=sk_test_packSmoke npx --yes "./$tarball" endpoints list --api-base "$api_base" --json > listed.json
grep -Eq '"url": ?"https://app.test/hook"' listed.json || { echo "pack smoke: endpoints list via npx: $(cat listed.json)" >&2; exit 1; }

# The declarations, their maps and the sources the maps point at are in the tarball, the docs --help points at,
# and the inspector's page (read at run time from dist/inspect/page/).
tar -tzf "$tarball" > contents.txt
for file in package/dist/index.d.ts package/dist/index.d.ts.map package/src/index.ts package/dist/index.js package/dist/LICENSES.txt package/docs/README.md \
  package/dist/inspect/page/index.html package/dist/inspect/page/app.js package/dist/inspect/page/app.css; do
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
# The peer, installed beside the package (one copy, the app's), never under it.
node -e "require.resolve('stripe')"
[ ! -e node_modules/stripe-hooks/node_modules/stripe ] || { echo 'pack smoke: stripe is nested under stripe-hooks, not a peer' >&2; exit 1; }
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
import type Stripe from 'stripe';
import { builtinFlows, deliverFlow, listEndpoints, registerEndpoint, signPayload, StripeHooksError, synthesizeEvents, type FlowReport, type ThinEvent } from 'stripe-hooks';

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
  const report: FlowReport = await deliverFlow({ flow: 'payment', url: `http://127.0.0.1:${port}/hook`, secret, seed: 1 });
  const steps: number = report.steps.length;
  if (!report.ok || steps !== builtinFlows.find((flow) => flow.name === 'payment')?.steps.length) throw new Error(`report: ${JSON.stringify(report)}`);
  // @ts-expect-error: an unknown option is a type error
  await deliverFlow({ flow: 'payment', url: 'http://localhost:1', secret, seeed: 1 }).catch(() => undefined);
  const refused = await deliverFlow({ flow: 'payment', url: 'ftp://x', secret }).catch((error: unknown) => error);
  if (!(refused instanceof StripeHooksError) || refused.code !== 'ERR_STRIPE_HOOKS_USAGE' || refused.exitCode !== 2) throw new Error('bad url: not ERR_STRIPE_HOOKS_USAGE');
  // The events are typed by this project's SDK (the peer), whichever major it is; a thin step's are ThinEvents,
  // told apart by their `object`.
  const synthesized: Array<Stripe.Event | ThinEvent> = await synthesizeEvents({ flow: 'payment', seed: 1 });
  const events = synthesized.filter((event): event is Stripe.Event => event.object === 'event');
  const access = { apiKey: 'sk_test_packSmoke', apiBase: process.env.FAKE_STRIPE_API! };
  const hook = `https://consumer.test/hook/${process.pid}`; // a new endpoint each run
  const created = await registerEndpoint({ ...access, url: hook, events: ['invoice.paid'] });
  const listed = await listEndpoints(access);
  if (created.action !== 'created' || !listed.endpoints.some((endpoint) => endpoint.url === hook)) throw new Error(`endpoints: ${JSON.stringify({ created, listed })}`);
  console.log(`consumer: payment ${report.ok ? 'ok' : 'FAILED'}, ${steps} steps, ${events.length} events typed`);
} finally {
  server.close();
}
TS
# Type-checked, then run as JavaScript (the compiler strips the types) against the SDK installed now: the peer as
# npm chose it, then the oldest major the range admits.
consume() {
  npx tsc -p tsconfig.json
  rm -rf out
  npx tsc -p tsconfig.json --noEmit false --outDir out
  FAKE_STRIPE_API="$api_base" node out/consumer.js | tee run.txt
  grep -q 'consumer: payment ok, 9 steps, 9 events typed' run.txt
  echo "pack smoke: the library on stripe $(node -p "JSON.parse(require('fs').readFileSync('node_modules/stripe/package.json', 'utf8')).version")"
}
consume
node --input-type=module -e "const api = await import('stripe-hooks'); if (typeof api.deliverFlow !== 'function') process.exit(1)"
npm install --prefer-offline --no-audit --no-fund --silent "stripe@$stripe_floor"
consume

# Without the peer (a package manager that leaves peers out), the SDK's commands say what to install.
mkdir ../no-peer
cd ../no-peer
echo '{ "name": "no-peer", "private": true }' > package.json
npm install --prefer-offline --no-audit --no-fund --silent --legacy-peer-deps "../$tarball"
[ ! -e node_modules/stripe ] || { echo 'pack smoke: --legacy-peer-deps installed stripe after all' >&2; exit 1; }
STRIPE_API_KEY=sk_test_packSmoke node node_modules/.bin/stripe-hooks endpoints list --api-base "$api_base" --json > missing.json || true
grep -q '"code":"ERR_STRIPE_HOOKS_ENVIRONMENT".*npm install stripe' missing.json || { echo "pack smoke: without the peer: $(cat missing.json)" >&2; exit 1; }

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
