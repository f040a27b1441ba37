// `require('stripe-hooks')` lands here only on a Node that cannot require() an ES module (before 20.19 and 22.12, or
// with --no-experimental-require-module); newer ones take package.json's "module-sync" condition to dist/index.js.
// Say what to do instead of failing on a file Node cannot load.
throw Object.assign(
  new Error(
    `stripe-hooks is an ES module, and this Node (${process.version}) cannot require() one: use \`const api = await import('stripe-hooks')\`, or run Node 20.19+ or 22.12+ (without --no-experimental-require-module), where require('stripe-hooks') works`,
  ),
  { code: 'ERR_REQUIRE_ESM' },
);
