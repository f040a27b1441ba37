/**
 * Runs the composite action in action.yml the way a GitHub runner does, on this machine: `${{ … }}` expressions
 * substituted into `env:` values and outputs (nowhere else), each `run:` step as `bash --noprofile --norc -eo
 * pipefail <script>`, a fresh GITHUB_OUTPUT file per step, GITHUB_ENV, GITHUB_STEP_SUMMARY and RUNNER_TEMP, and
 * workflow commands (`::add-mask::`) taken out of the log. The action runs from a copy of what `uses:` checks out
 * (action.yml, action/ with its committed bundle, package.json) in a temp dir with no node_modules above it, as on
 * a runner. `node` is a PATH-first shim that records its argv and runs the real node; `npx` one that records and fails.
 */
import { execa } from 'execa';
import { chmodSync, cpSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parse } from 'yaml';
import { shellCommand } from '../../src/lib/shell.js';
import { ROOT, sandbox, tempDir } from './cli.js';

interface ActionStep { id?: string; if?: string; shell?: string; run?: string; uses?: string; env?: Record<string, string> }
export interface ActionYaml {
  inputs: Record<string, { description: string; required?: boolean; default?: string }>;
  outputs: Record<string, { description: string; value: string }>;
  runs: { using: string; steps: ActionStep[] };
}

export function loadAction(): ActionYaml {
  return parse(readFileSync(join(ROOT, 'action.yml'), 'utf8')) as ActionYaml;
}

export interface ActionRun {
  /** The action's outputs, evaluated from its `outputs:` expressions. */
  outputs: Record<string, string>;
  /** The failing step's exit code, or 0. */
  exitCode: number;
  /** Everything the steps printed, workflow commands taken out and NOT masked: what a log shows if masking failed. */
  log: string;
  /** Everything the steps printed, as printed. */
  raw: string;
  /** What the steps wrote to GITHUB_OUTPUT, as written. */
  outputText: string;
  /** The values the steps asked the runner to mask (`::add-mask::`). */
  masks: string[];
  /** Every workflow command the runner would act on, in order (see workflowCommands). */
  commands: WorkflowCommand[];
  /** The argv after `node` of each run of the action's bundle, action/dist/stripe-hooks.mjs. */
  cliCalls: string[][];
  /** Each `node` call's argv (the bundle's runs, the summary, any other). */
  nodeCalls: string[][];
  /** Each `npx` call's argv: the action must make none (it would fetch from a registry). */
  npxCalls: string[][];
  /** What was appended to GITHUB_STEP_SUMMARY. */
  summary: string;
  /** The job's working directory. */
  workspace: string;
}

export interface WorkflowCommand {
  /** The command's name (`error`, `add-mask`, `stop-commands`, …); `resume-commands` for `::TOKEN::`. */
  name: string;
  /** Its parameters, as written (`title=…`). */
  properties: string;
  /** What follows the command: the message, the masked value, the stop token. */
  value: string;
}

/**
 * The workflow commands a runner acts on in a step's output, as it reads them: lines end at \n, \r or \r\n; a
 * line is a command when it starts (after spaces) with `::name …::`, or holds the legacy `##[name …]` anywhere;
 * nothing between `::stop-commands::TOKEN` and `::TOKEN::` counts.
 */
export function workflowCommands(log: string): WorkflowCommand[] {
  const commands: WorkflowCommand[] = [];
  let stopped: string | undefined;
  for (const line of log.split(/\r\n|\r|\n/)) {
    if (stopped !== undefined) {
      if (line.trim() === `::${stopped}::`) {
        commands.push({ name: 'resume-commands', properties: '', value: stopped });
        stopped = undefined;
      }
      continue;
    }
    const command = parseCommand(line);
    if (!command) continue;
    commands.push(command);
    if (command.name === 'stop-commands') stopped = command.value;
  }
  return commands;
}

function parseCommand(line: string): WorkflowCommand | undefined {
  const text = line.trimStart();
  const end = text.startsWith('::') ? text.indexOf('::', 2) : -1;
  const [head, properties] = end > 2 ? split(text.slice(2, end)) : [];
  if (head !== undefined) return { name: head, properties: properties ?? '', value: text.slice(end + 2) };
  const legacy = /##\[([^\s\]]+) ?([^\]]*)\](.*)$/.exec(line);
  return legacy ? { name: legacy[1] ?? '', properties: legacy[2] ?? '', value: legacy[3] ?? '' } : undefined;
}

/** `name properties` at the first space. */
function split(info: string): [string, string] {
  const space = info.indexOf(' ');
  return space < 0 ? [info, ''] : [info.slice(0, space), info.slice(space + 1)];
}

type Context = Record<string, Record<string, unknown>>;

/** `${{ a.b.c }}`: property paths only, which is all action.yml may use; anything else fails the test. */
function substitute(text: string, context: Context): string {
  return text.replace(/\$\{\{\s*(.*?)\s*\}\}/g, (_, expression: string) => {
    if (!/^[a-z_]+(\.[A-Za-z0-9_-]+)+$/.test(expression)) throw new Error(`action-runner: unsupported expression ${expression}`);
    let value: unknown = context;
    for (const key of expression.split('.')) value = (value as Record<string, unknown> | undefined)?.[key];
    return value === undefined ? '' : String(value);
  });
}

/** GITHUB_OUTPUT's two forms: `name=value` and `name<<DELIMITER` … `DELIMITER`. */
export function parseOutputFile(text: string): Record<string, string> {
  const outputs: Record<string, string> = {};
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    const heredoc = /^([^=<]+)<<(.+)$/.exec(line);
    if (heredoc) {
      const end = lines.indexOf(heredoc[2] ?? '', i + 1);
      if (end < 0) throw new Error(`GITHUB_OUTPUT: ${heredoc[1]} has no closing delimiter`);
      outputs[heredoc[1] ?? ''] = lines.slice(i + 1, end).join('\n');
      i = end;
    } else if (line.includes('=')) {
      outputs[line.slice(0, line.indexOf('='))] = line.slice(line.indexOf('=') + 1);
    } else if (line !== '') {
      throw new Error(`GITHUB_OUTPUT: malformed line ${JSON.stringify(line)}`);
    }
  }
  return outputs;
}

/** The parts of a checkout that `uses: stripe-hooks/stripe-hooks@<ref>` gives a runner and the action reads. */
const ACTION_FILES = ['action.yml', 'action', 'package.json'];
let actionCopy: string | undefined;

/** One copy per process (the bundle is 1.5 MB), in a temp dir with no node_modules above it. */
function actionPath(): string {
  if (actionCopy) return actionCopy;
  const dir = tempDir('stripe-hooks-action-path-');
  for (const file of ACTION_FILES) cpSync(join(ROOT, file), join(dir, file), { recursive: true });
  return (actionCopy = dir);
}

/**
 * `node` and `npx` on PATH first, each appending its argv as a JSON line to `<dir>/<name>-calls.ndjson`; `node`
 * then runs the real node, `npx` exits 97. The recorder is a `.cjs` file run by a shell script: an extension-less
 * Node script would take its module type from whatever package.json lies above the temp dir.
 */
function writeShims(dir: string): void {
  const script = join(dir, 'record.cjs');
  writeFileSync(script, `const { appendFileSync } = require('node:fs');
const { spawnSync } = require('node:child_process');
const [name, ...argv] = process.argv.slice(2);
appendFileSync(require('node:path').join(__dirname, name + '-calls.ndjson'), JSON.stringify(argv) + '\\n');
if (name !== 'node') { console.error(name + ' shim: the action must not run ' + name); process.exit(97); }
const child = spawnSync(process.execPath, argv, { stdio: 'inherit' });
process.exit(child.status === null ? 1 : child.status);
`);
  for (const name of ['node', 'npx']) {
    writeFileSync(join(dir, name), `#!/bin/sh\nexec ${shellCommand([process.execPath, script, name])} "$@"\n`);
    chmodSync(join(dir, name), 0o755);
  }
}

const readCalls = (file: string): string[][] =>
  existsSync(file) ? readFileSync(file, 'utf8').trim().split('\n').map((line) => JSON.parse(line) as string[]) : [];

/** Runs the action with `inputs`, the job's environment `jobEnv`, and `files` (path: text) in the job's workspace. */
export async function runAction(inputs: Record<string, string>, jobEnv: NodeJS.ProcessEnv = {}, files: Record<string, string> = {}): Promise<ActionRun> {
  const action = loadAction();
  for (const name of Object.keys(inputs)) if (!(name in action.inputs)) throw new Error(`action-runner: no input ${name}`);
  const root = tempDir('stripe-hooks-action-');
  const [temp, bin, workspace] = ['temp', 'bin', 'workspace'].map((name) => join(root, name)) as [string, string, string];
  for (const dir of [temp, bin, workspace]) mkdirSync(dir);
  for (const [path, text] of Object.entries(files)) writeFileSync(join(workspace, path), text);
  writeShims(bin);
  const runnerFiles = { GITHUB_ENV: join(root, 'env'), GITHUB_STEP_SUMMARY: join(root, 'summary.md') };
  for (const file of Object.values(runnerFiles)) writeFileSync(file, '');

  const context: Context = {
    inputs: Object.fromEntries(Object.entries(action.inputs).map(([name, input]) => [name, inputs[name] ?? input.default ?? ''])),
    github: { action_path: actionPath(), workspace },
    runner: { temp, os: 'Linux' },
    steps: {},
  };
  const { env: base } = sandbox();
  let log = '';
  let outputText = '';
  let exitCode = 0;
  for (const [index, step] of action.runs.steps.entries()) {
    if (step.if !== undefined || step.uses !== undefined || step.run === undefined) throw new Error(`action-runner: step ${index} is not a plain run step`);
    if (step.shell !== 'bash') throw new Error(`action-runner: step ${index} must set shell: bash`);
    const output = join(root, `output-${index}`);
    writeFileSync(output, '');
    const script = join(root, `step-${index}.sh`);
    writeFileSync(script, step.run); // the script text as given: the runner does not expand expressions for us here
    const env = Object.fromEntries(Object.entries(step.env ?? {}).map(([key, value]) => [key, substitute(value, context)]));
    const result = await execa('bash', ['--noprofile', '--norc', '-eo', 'pipefail', script], {
      cwd: workspace,
      env: {
        ...base, ...jobEnv, ...runnerFiles, ...env,
        PATH: `${bin}:${dirname(process.execPath)}:${jobEnv.PATH ?? base.PATH ?? ''}`, // the job's PATH after the shims and node
        GITHUB_ACTIONS: 'true', GITHUB_OUTPUT: output, GITHUB_WORKSPACE: workspace, RUNNER_TEMP: temp, CI: 'true',
      },
      extendEnv: false,
      all: true,
      reject: false,
      stdin: 'ignore',
    });
    log += `${result.all ?? ''}\n`;
    outputText += readFileSync(output, 'utf8');
    if (step.id) context.steps = { ...context.steps, [step.id]: { outputs: parseOutputFile(readFileSync(output, 'utf8')) } };
    exitCode = result.exitCode ?? 1;
    if (exitCode !== 0) break; // later steps would need `if: always()`, which this action does not use
  }

  const commands = workflowCommands(log);
  const nodeCalls = readCalls(join(bin, 'node-calls.ndjson'));
  const bundle = join(actionPath(), 'action', 'dist', 'stripe-hooks.mjs');
  return {
    outputs: Object.fromEntries(Object.entries(action.outputs).map(([name, output]) => [name, substitute(output.value, context)])),
    exitCode,
    log: log.replace(/^::add-mask::.*\n/gm, ''),
    raw: log,
    outputText,
    masks: commands.filter((command) => command.name === 'add-mask').map((command) => command.value),
    commands,
    cliCalls: nodeCalls.filter(([script]) => script === bundle).map(([, ...argv]) => argv),
    nodeCalls,
    npxCalls: readCalls(join(bin, 'npx-calls.ndjson')),
    summary: readFileSync(runnerFiles.GITHUB_STEP_SUMMARY, 'utf8'),
    workspace,
  };
}
