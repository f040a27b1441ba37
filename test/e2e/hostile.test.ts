/**
 * Hostile input (#19) end to end: recordings whose types or ids carry terminal escapes, C1 and bidi controls, and
 * an app whose answers do, through every command that prints them, human and --json. The grammar refuses the
 * recordings (exit 2, file:line, the value sanitized); in no case does a raw control byte reach stdout or stderr.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { startApp, type App } from '../support/app.js';
import { runCli } from '../support/cli.js';
import { HOSTILE, RAW_CONTROL } from '../support/hostile-terminal.js';
import { replay, writeRecording } from './replay-support.js';

const secret = 'whsec_hostileE2eSecretForThisSuite0001';
const env = { STRIPE_WEBHOOK_SECRET: secret };
let apps: App[] = [];
afterEach(async () => {
  await Promise.all(apps.map((app) => app.close()));
  apps = [];
});
const hostileApp = async () => {
  const app = await startApp({ answer: () => ({ status: 400, body: `bad ${Object.values(HOSTILE).join(' ')}` }) });
  apps.push(app);
  return app;
};

const expectClean = (result: { stdout: string; stderr: string }) => {
  expect(result.stdout, 'stdout').not.toMatch(RAW_CONTROL);
  expect(result.stderr, 'stderr').not.toMatch(RAW_CONTROL);
};

// The third event's type or id, with a hostile tail.
const withHostile = (field: 'type' | 'id', tail: string) =>
  writeRecording((lines) =>
    lines.map((line, i) => {
      if (i !== 2) return line;
      const parsed = JSON.parse(line) as { event: string };
      const event = JSON.parse(parsed.event) as Record<string, string>;
      return `${JSON.stringify({ ...parsed, event: JSON.stringify({ ...event, [field]: `${event[field]}${tail}` }) })}\n`;
    }),
  );

const commands = {
  'replay --dry-run': (file: string) => ['replay', file, '--dry-run'],
  replay: (file: string) => ['replay', file, '--forward-to', 'http://127.0.0.1:9/webhook'],
  'trigger-flow --offline': (file: string) => ['trigger-flow', '--file', file, '--offline', '--forward-to', 'http://127.0.0.1:9/webhook'],
};

describe('a recording with escape sequences in a type or id', () => {
  const cases = Object.entries(HOSTILE).flatMap(([name, tail]) => (['type', 'id'] as const).map((field) => [`${name} in the ${field}`, field, tail] as const));

  it.each(Object.keys(commands))('%s refuses each, exit 2 naming file:line, nothing raw on the terminal (human and --json)', async (command) => {
    for (const [name, field, tail] of cases) {
      const recorded = withHostile(field, tail);
      const args = commands[command as keyof typeof commands](recorded.file);
      const human = await runCli(args, { box: recorded.box, env });
      expect(human.exitCode, `${name}: ${human.stderr}`).toBe(2);
      expect(human.stderr).toMatch(field === 'type' ? /^error rec\.ndjson:3: event evt_\w+ has the type "invoice\.finalized\\/ : /^error rec\.ndjson:3: "event" has the id "evt_\w+\\/);
      expect(human.stderr.trim().split('\n').length, name).toBeLessThanOrEqual(2);
      expectClean(human);
      const json = await runCli([...args, '--json'], { box: recorded.box, env });
      expect(json.exitCode).toBe(2);
      expect(JSON.parse(json.stdout)).toMatchObject({ error: { code: 'ERR_STRIPE_HOOKS_USAGE', exitCode: 2 } });
      expectClean(json);
    }
  });
});

describe("an app whose answers hold escape sequences", () => {
  it('replay: the report shows them escaped, human and --json', async () => {
    const app = await hostileApp();
    const recorded = writeRecording();
    for (const extra of [[], ['--json'], ['--verbose', '--continue-on-error']]) {
      const result = await replay(recorded, ['--forward-to', app.url(), ...extra], env);
      expect(result.exitCode, result.stderr).toBe(1);
      expect(result.stdout).toContain('x1b[2J');
      expectClean(result);
    }
  });

  it('trigger-flow --offline: likewise', async () => {
    const app = await hostileApp();
    for (const extra of [[], ['--json'], ['--audit', '--continue-on-error']]) {
      const result = await runCli(['trigger-flow', 'payment', '--offline', '--forward-to', app.url(), ...extra], { env });
      expect(result.exitCode, result.stderr).toBe(1);
      expect(result.stdout).toContain('x1b]0;title');
      expectClean(result);
    }
  });
});

describe('an app that echoes the signing secret', () => {
  it('trigger-flow --offline --secret whsec_test_secret: the secret appears nowhere, plain, --verbose and --json', async () => {
    const short = 'whsec_test_secret';
    const app = await startApp({ answer: (request) => ({ status: 400, body: `No signatures found matching the expected signature for payload; secret ${short}; header ${String(request.headers['stripe-signature'])}` }) });
    apps.push(app);
    for (const extra of [[], ['--verbose'], ['--json'], ['--audit', '--continue-on-error']]) {
      const result = await runCli(['trigger-flow', 'payment', '--offline', '--forward-to', app.url(), '--secret', short, ...extra]);
      expect(result.exitCode, result.stderr).toBe(1);
      expect(result.stdout + result.stderr).toContain('whsec_test_…');
      expect(result.stdout + result.stderr).not.toContain(short);
    }
  });
});
