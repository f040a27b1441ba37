// The GitHub Action (action.yml) under hostile input, run as a runner runs it (test/support/action-runner.ts):
// recordings whose event types and ids carry workflow commands, crafted reports fed to its summary on its own,
// secrets with a second line, and a flow that is an option. Criterion: the log holds no workflow command but the
// action's own (read as a runner reads them), and no secret shows in the log, the job summary, the outputs or argv.
import { execa } from 'execa';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { remove, root } from './lib.js';

const SECRET = 'whsec_reliabilityActionSecret0123456789';
const FORWARD_TO = 'http://127.0.0.1:9/webhook'; // nothing listens: the refused inputs never get that far

/** Inputs the action must refuse before running anything: [what, inputs, job env]. */
const REFUSED = [
  ['a secret input with a second line', { secret: 'whsec_relTwoLines\n::error::pwned' }],
  ['a secret input with a CR', { secret: 'whsec_relCarriage\r::add-mask::pwned' }],
  ['a secret input with a tab', { secret: 'whsec_relTab\t::warning::pwned' }],
  ['an api-key input with a second line (live)', { 'api-key': 'sk_test_relTwoLines\n::error::pwned', offline: 'false' }],
  ['STRIPE_WEBHOOK_SECRET with a second line', {}, { STRIPE_WEBHOOK_SECRET: 'whsec_relJobEnv\n::notice::pwned' }],
  ['STRIPE_API_KEY with a second line (live)', { offline: 'false' }, { STRIPE_API_KEY: 'sk_test_relJobEnv\n::error::pwned' }],
  ['flow: --secret=…', { flow: '--secret=whsec_relFlowOption' }],
  ['flow: --api-key=…', { flow: '--api-key=sk_test_relFlowOption' }],
  ['flow: -h', { flow: '-h' }],
  ['args: --secret …', { args: '--secret whsec_relArgs' }],
];
const LEAKS = /whsec_rel|sk_test_rel|pwned/;

function shown(run, secret) {
  const where = { log: run.log, summary: run.summary, outputs: JSON.stringify(run.outputs), argv: run.nodeCalls.flat().join(' ') };
  return Object.entries(where).filter(([, text]) => text.includes(secret)).map(([name]) => `the secret in the ${name}`);
}

async function recording(support, injection, url) {
  const { action, hostile } = support;
  const files = { 'hostile.ndjson': hostile.hostileRecording(injection) };
  const run = await action.runAction({ 'forward-to': url, secret: SECRET, flow: 'hostile.ndjson', args: '--file hostile.ndjson' }, {}, files);
  const problems = [...hostile.foreignCommands(run.commands, [SECRET]), ...shown(run, SECRET)];
  if (![1, 2].includes(run.exitCode)) problems.push(`exit ${run.exitCode}, expected 1 (the app fails) or 2 (refused)`);
  if (/[<>]/.test(run.summary)) problems.push('HTML in the job summary');
  remove(run.workspace);
  return { problems: problems.map((p) => `recording ${JSON.stringify(injection)}: ${p}`), commands: run.commands.length };
}

async function report(support, document, label) {
  const dir = support.tempDir('stripe-hooks-summary-');
  const [path, markdown] = [join(dir, 'report.json'), join(dir, 'summary.md')];
  writeFileSync(path, JSON.stringify(document));
  const result = await execa(process.execPath, [join(root, 'action', 'summary.js'), path], { env: { GITHUB_STEP_SUMMARY: markdown }, reject: false });
  const commands = support.action.workflowCommands(result.stdout);
  const problems = [
    result.exitCode !== 0 && `exit ${result.exitCode}: ${result.stderr}`,
    commands.length > 0 && `workflow commands: ${JSON.stringify(commands)}`,
    /[<>]/.test(readFileSync(markdown, 'utf8')) && 'HTML in the job summary',
  ].filter(Boolean);
  remove(dir);
  return problems.map((p) => `summary of ${label}: ${p}`);
}

async function refused(support, [what, inputs, jobEnv = {}]) {
  const run = await support.action.runAction({ 'forward-to': FORWARD_TO, ...inputs }, jobEnv);
  const own = run.commands.length === 1 && run.commands[0].name === 'error' && run.commands[0].properties === 'title=stripe-hooks';
  const problems = [
    run.exitCode !== 2 && `exit ${run.exitCode}, expected 2`,
    run.cliCalls.length > 0 && `ran ${JSON.stringify(run.cliCalls)}`,
    !own && `workflow commands ${JSON.stringify(run.commands)}, expected one ::error title=stripe-hooks::`,
    LEAKS.test(run.raw) && 'the value in the log',
  ].filter(Boolean);
  remove(run.workspace);
  return problems.map((p) => `${what}: ${p}`);
}

export async function actionHostile(support) {
  const { INJECTIONS, hostileReport, hostileError } = support.hostile;
  const app = await support.startReceiver({ secret: SECRET, status: 500 });
  const failures = [];
  let commands = 0;
  try {
    for (const injection of INJECTIONS) {
      const result = await recording(support, injection, app.url);
      failures.push(...result.problems);
      commands += result.commands;
    }
  } finally {
    await app.close();
  }
  for (const injection of INJECTIONS) {
    failures.push(...(await report(support, hostileReport(injection), `a report ${JSON.stringify(injection)}`)));
    failures.push(...(await report(support, hostileError(injection), `an error ${JSON.stringify(injection)}`)));
  }
  for (const one of REFUSED) failures.push(...(await refused(support, one)));
  return {
    name: 'action hostile input',
    trials: INJECTIONS.length * 3 + REFUSED.length,
    failures,
    figures: [
      `${INJECTIONS.length} hostile recordings through the action (${commands} workflow commands, all its own)`,
      `${INJECTIONS.length * 2} crafted reports to its summary`,
      `${REFUSED.length} hostile inputs refused before anything ran`,
    ],
  };
}
