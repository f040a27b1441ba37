// Malformed invocations across every command, from a table. Each runs twice in a fresh sandbox
// (temp HOME and an empty cwd, or one holding the row's files): plain, it must exit with the
// table's code, print one error line and at most one hint on stderr, no stack trace, and write
// nothing; with --json, stdout must be exactly one {"error":{…}} document carrying that code.
// Stripe traffic goes to the fake on 127.0.0.1 (STRIPE_HOOKS_API_BASE), in case a row gets that far.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { pool, remove, runCli, snapshot, stripeBin, testKey } from './lib.js';

const URL = 'https://app.example.com/webhook';
const NO_KEY = { STRIPE_API_KEY: undefined };
const NO_STRIPE = { STRIPE_HOOKS_STRIPE_BIN: undefined, PATH: 'empty' };

/** [args, expected exit code, { env overrides (undefined removes), files in cwd }] */
const TABLE = [
  // the program
  [['nope'], 2],
  [['--bogus'], 2],
  [['help', 'nope'], 2],
  [['demo', 'extra'], 2],
  // trigger-flow
  [['trigger-flow'], 2],
  [['trigger-flow', 'paymnt'], 2],
  [['trigger-flow', 'payment', 'extra'], 2],
  [['trigger-flow', 'payment', '--bogus'], 2],
  [['trigger-flow', 'payment', '--forward-to', 'not a url'], 2],
  [['trigger-flow', 'payment', '--forward-to', 'ftp://127.0.0.1/hook'], 2],
  [['trigger-flow', 'payment', '--step-timeout', 'soon'], 2],
  [['trigger-flow', 'payment', '--step-timeout', '-1'], 2],
  [['trigger-flow', 'payment', '--stripe-account', 'bad'], 2],
  [['trigger-flow', 'payment', '--duplicate'], 2],
  [['trigger-flow', 'payment', '--offline', '--no-listen'], 2],
  [['trigger-flow', 'payment', '--offline', '--stripe-account', 'acct_1Connected'], 2],
  [['trigger-flow', 'payment', '--offline', '--repeat', '0'], 2],
  [['trigger-flow', 'payment', '--offline', '--concurrency', 'many'], 2],
  [['trigger-flow', 'payment', '--offline', '--seed', '-3'], 2],
  [['trigger-flow', 'payment', '--offline', '--api-version', 'yesterday'], 2],
  [['trigger-flow', 'payment', '--offline', '--forward-to', 'http://'], 2],
  // flow files
  [['trigger-flow', '--file', 'missing.yaml'], 2],
  [['trigger-flow', '--file', 'flow.yaml'], 2, { files: { 'flow.yaml': 'steps: [invoice.created\n' } }],
  [['trigger-flow', '--file', 'flow.yaml'], 2, { files: { 'flow.yaml': 'steps:\n  - invoice.draft.paid\n' } }],
  [['trigger-flow', '--file', 'flow.yaml'], 2, { files: { 'flow.yaml': 'steps: []\n' } }],
  [['trigger-flow', '--file', 'flow.yaml'], 2, { files: { 'flow.yaml': 'steps: invoice.created\n' } }],
  [['trigger-flow', '--file', 'flow.yaml'], 2, { files: { 'flow.yaml': 'name: no-steps\n' } }],
  [['trigger-flow', '--file', 'flow.json'], 2, { files: { 'flow.json': '{"steps": ["invoice.created"' } }],
  // listen
  [['listen', '--bogus'], 2],
  [['listen', '--forward-to', 'not a url'], 2],
  [['listen', '--events', 'invoice.draft.paid'], 2],
  [['listen', '--flow', 'nope'], 2],
  [['listen', '--events', 'invoice.paid', '--flow', 'payment'], 2],
  [['listen', '--ready-timeout', 'soon'], 2],
  [['listen', '--header', 'no-colon-here'], 2],
  [['listen', '--dotenv', '.env', '--env-key', '1BAD'], 2],
  [['listen', '--forward-connect-to', 'ftp://127.0.0.1/hook'], 2], // 'nope' is a host name (http://nope/): listen would run
  // register-endpoint and endpoints
  [['register-endpoint'], 2],
  [['register-endpoint', '--url', 'nope', '--flow', 'payment'], 2],
  [['register-endpoint', '--url', URL, '--events', 'invoice.draft.paid'], 2],
  [['register-endpoint', '--url', URL, '--events', 'invoice.paid', '--all-events'], 2],
  [['register-endpoint', '--url', URL, '--flow', 'payment', '--metadata', 'novalue'], 2],
  [['register-endpoint', '--url', URL, '--flow', 'payment', '--api-version', 'bogus'], 2],
  [['endpoints', 'nope'], 2],
  [['endpoints', 'delete'], 2],
  // setup
  [['setup', '--cli-version', '1.x'], 2],
  [['setup', '--download-base', 'http://127.0.0.1:9/'], 2],
  [['setup', '--from-release', '--download-base', 'ftp://127.0.0.1/'], 2],
  // the environment: no Stripe CLI, no or bad key, Stripe unreachable, an unwritable --dotenv
  [['listen'], 3, { env: NO_STRIPE }],
  [['trigger-flow', 'payment'], 3, { env: NO_STRIPE }],
  [['setup'], 3, { env: { ...NO_STRIPE, CI: '' } }],
  [['listen', '--stripe-bin', '/nonexistent/stripe'], 3],
  [['setup', '--stripe-bin', 'not-a-binary'], 3, { files: { 'not-a-binary': 'just text\n' } }],
  [['listen'], 3, { env: NO_KEY }],
  [['trigger-flow', 'payment'], 3, { env: NO_KEY }],
  [['register-endpoint', '--url', URL, '--flow', 'payment'], 3, { env: NO_KEY }],
  [['endpoints', 'list'], 3, { env: NO_KEY }],
  [['endpoints', 'list'], 3, { env: { STRIPE_API_KEY: 'sk_live_stripehooks_not_a_real_key' } }],
  [['endpoints', 'list'], 3, { env: { STRIPE_API_KEY: 'sk_test_stripehooks_rejected_key' } }],
  [['listen'], 3, { env: { STRIPE_API_KEY: 'sk_test_stripehooks_rejected_key' } }],
  [['endpoints', 'list'], 3, { env: { STRIPE_HOOKS_API_BASE: 'http://127.0.0.1:1' } }],
  [['register-endpoint', '--url', URL, '--flow', 'payment', '--dotenv', 'missing-dir/.env'], 3],
];

function environment(support, overrides) {
  const env = { STRIPE_API_KEY: testKey, STRIPE_HOOKS_STRIPE_BIN: stripeBin, ...overrides };
  if (env.PATH === 'empty') env.PATH = support.tempDir('stripe-hooks-empty-path-');
  return Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined));
}

/** What is wrong with one run of one row, or nothing. */
async function check(support, apiBase, [args, code, { env = {}, files = {} } = {}], json) {
  const box = support.sandbox({ STRIPE_HOOKS_API_BASE: apiBase });
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(dirname(join(box.cwd, name)), { recursive: true });
    writeFileSync(join(box.cwd, name), text);
  }
  const before = [snapshot(box.home), snapshot(box.cwd)].join('\n');
  const result = await runCli(json ? ['--json', ...args] : args, { box, env: environment(support, env) });
  const after = [snapshot(box.home), snapshot(box.cwd)].join('\n');
  remove(box.home, box.cwd);
  const problems = [];
  if (result.exitCode !== code) problems.push(`exit ${result.exitCode ?? result.signal}, expected ${code}`);
  if (result.stderr.includes('\n    at ') || result.stdout.includes('\n    at ')) problems.push('a stack trace');
  if (after !== before) problems.push(`wrote to HOME or cwd: ${after}`);
  if (json) {
    let document;
    try {
      document = JSON.parse(result.stdout);
    } catch {
      problems.push(`stdout is not one JSON document: ${JSON.stringify(result.stdout.slice(0, 120))}`);
    }
    if (document && (Object.keys(document).join() !== 'error' || document.error.exitCode !== code || !document.error.message)) {
      problems.push(`not {"error":{exitCode: ${code}, message…}}: ${result.stdout.slice(0, 160)}`);
    }
  } else {
    const lines = result.stderr.trimEnd().split('\n');
    if (!lines[0].startsWith('error ') || lines.length > 2 || (lines[1] !== undefined && !lines[1].startsWith('hint '))) {
      problems.push(`stderr is not one error line and at most one hint: ${JSON.stringify(result.stderr.slice(0, 200))}`);
    }
  }
  return problems.length ? `${json ? '--json ' : ''}${args.join(' ')}${Object.entries(env).map(([name, value]) => ` ${name}=${value ?? '(unset)'}`).join('')}: ${problems.join('; ')}` : undefined;
}

export async function malformed(support) {
  const fake = await support.startFakeStripe({ apiKeys: [testKey] });
  try {
    const runs = TABLE.flatMap((row, index) => [false, true].map((json) => async () => {
      const problem = await check(support, fake.url, row, json);
      return problem && { index, problem: `#${index + 1} ${problem}` };
    }));
    const failed = (await pool(2, runs)).filter(Boolean);
    const failures = failed.map((failure) => failure.problem);
    const failedRows = new Set(failed.map((failure) => failure.index));
    return {
      name: 'malformed invocations',
      trials: TABLE.length,
      failures,
      figures: [`${TABLE.length - failedRows.size}/${TABLE.length} invocations pass (each plain and --json: ${runs.length} runs)`],
    };
  } finally {
    await fake.close();
  }
}
