#!/usr/bin/env bash
# A smoke run on the Node first on PATH (.ci/run puts Node 22 there): the demo, an offline flow against the
# example app on its own, and a live flow through the real Stripe CLI and the fake Stripe backend.
set -euo pipefail
cd "$(dirname "$0")/.."
step() { echo "== node-smoke on $(node --version): $1"; }

step 'npm run demo'
npm run demo

step 'trigger-flow payment --offline against node dist/demo/app.js'
export STRIPE_WEBHOOK_SECRET=whsec_nodeSmoke0123456789abcdefghij
log=$(mktemp)
PORT=0 node dist/demo/app.js > "$log" 2>&1 &
app=$!
trap 'kill "$app" 2>/dev/null || true; rm -f "$log"' EXIT
# The app prints its URL once bound (PORT=0: a free port); a CI script may poll, unlike a test.
for _ in $(seq 150); do grep -q '^listening at ' "$log" && break; sleep 0.1; done
url=$(sed -n 's/^listening at //p' "$log")
[ -n "$url" ] || { echo "node-smoke: the example app did not start:" >&2; cat "$log" >&2; exit 1; }
node bin/stripe-hooks.js trigger-flow payment --offline --forward-to "$url"
unset STRIPE_WEBHOOK_SECRET

step 'trigger-flow payment, live (test/e2e/trigger-flow.test.ts)'
npx vitest run test/e2e/trigger-flow.test.ts
