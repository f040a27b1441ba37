// Hostile input on the terminal (#19): recordings and flow files whose types, ids and descriptions carry terminal
// escapes, C1 and bidi controls, and an app whose answers do, through every command that prints them, plain and
// --json. Criterion: the expected exit code (2 for a refused file), and no raw control byte on stdout or stderr.
// Plus the figure for a pathological `--only` glob over a 64-character type (issue target: under 50 ms).
import { writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { benchSource, pool, remove, runCli } from './lib.js';

const SECRET = 'whsec_terminalHostileReliability0001';

const event = (i, patch = {}) => ({ id: `evt_hostile${i}`, object: 'event', type: 'invoice.paid', api_version: '2025-01-27.acacia', created: 1_764_000_000 + i, livemode: false, data: { object: { id: `in_${i}`, object: 'invoice' } }, ...patch });

/** An app whose every answer is a 400 carrying `text`. */
async function hostileApp(text) {
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => res.writeHead(400, { 'content-type': 'text/plain' }).end(`bad ${text}`));
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${server.address().port}/webhook`, close: () => new Promise((resolve) => server.close(resolve)) };
}

export async function terminalHostile(support) {
  const { HOSTILE, RAW_CONTROL } = support.terminal;
  const { recordingLine } = await import(benchSource('record/format'));
  const { matchesGlob } = await import(benchSource('lib/glob'));
  const app = await hostileApp(Object.values(HOSTILE).join(' '));
  const boxes = [];
  const box = (files) => {
    const made = support.sandbox();
    boxes.push(made);
    for (const [name, text] of Object.entries(files)) writeFileSync(join(made.cwd, name), text);
    return made;
  };
  const recording = (events) => events.map((body) => recordingLine({ receivedAt: Date.UTC(2026, 0, 1), body: JSON.stringify(body), headers: {}, answer: { status: 200, ms: 1 } })).join('');

  // [label, args, files, expected exit]
  const trials = [];
  const forward = ['--forward-to', app.url];
  for (const [name, text] of Object.entries(HOSTILE)) {
    for (const field of ['type', 'id']) {
      const files = { 'rec.ndjson': recording([event(1), event(2, { [field]: `${event(2)[field]}${text}` })]) };
      trials.push([`${name} in a recorded ${field}: replay --dry-run`, ['replay', 'rec.ndjson', '--dry-run'], files, 2]);
      trials.push([`${name} in a recorded ${field}: replay`, ['replay', 'rec.ndjson', ...forward], files, 2]);
      trials.push([`${name} in a recorded ${field}: trigger-flow --offline`, ['trigger-flow', '--file', 'rec.ndjson', '--offline', ...forward], files, 2]);
    }
    const step = { 'flow.json': JSON.stringify({ steps: ['invoice.created', `invoice.paid${text}`] }) };
    trials.push([`${name} in a flow step`, ['trigger-flow', '--file', 'flow.json', '--offline', '--dry-run'], step, 2]);
    const described = { 'flow.json': JSON.stringify({ description: `a flow ${text}`, steps: ['invoice.created', 'invoice.paid'] }) };
    trials.push([`${name} in a flow description: --list`, ['trigger-flow', '--file', 'flow.json', '--list'], described, 0]);
    trials.push([`${name} in a flow description: --dry-run`, ['trigger-flow', '--file', 'flow.json', '--dry-run'], described, 0]);
  }
  const clean = { 'rec.ndjson': recording([event(1), event(2)]) };
  trials.push(['hostile app answers: replay', ['replay', 'rec.ndjson', ...forward, '--continue-on-error', '--verbose'], clean, 1]);
  trials.push(['hostile app answers: trigger-flow --offline --audit', ['trigger-flow', 'payment', '--offline', ...forward, '--audit', '--continue-on-error', '--verbose'], {}, 1]);

  const failures = [];
  try {
    const runs = trials.flatMap(([label, args, files, code]) => [false, true].map((json) => async () => {
      const result = await runCli([...args, ...(json ? ['--json'] : [])], { box: box(files), env: { STRIPE_WEBHOOK_SECRET: SECRET } });
      const what = `${json ? '--json ' : ''}${label}`;
      if (result.exitCode !== code) failures.push(`${what}: exit ${result.exitCode}, expected ${code}: ${JSON.stringify(result.stderr.slice(0, 200))}`);
      for (const stream of ['stdout', 'stderr']) if (RAW_CONTROL.test(result[stream])) failures.push(`${what}: a raw control character on ${stream}`);
      if (/\n\s+at /.test(result.stderr)) failures.push(`${what}: a stack trace`);
    }));
    await pool(2, runs);

    // The glob figure: the worst of 20 matches of a pathological glob over a 64-character type.
    const glob = `${'*a'.repeat(20)}*b`;
    const type = 'a'.repeat(64);
    let worst = 0;
    for (let i = 0; i < 20; i++) {
      const started = performance.now();
      if (matchesGlob(glob, type)) failures.push('the pathological glob matched');
      worst = Math.max(worst, performance.now() - started);
    }
    if (worst >= 50) failures.push(`a pathological glob over a 64-character type took ${worst.toFixed(2)} ms (target < 50 ms)`);
    return {
      name: 'terminal-hostile input',
      trials: runs.length + 1,
      failures,
      figures: [`${trials.length} cases, each plain and --json`, `pathological glob over a 64-char type: ${worst.toFixed(3)} ms worst of 20`],
    };
  } finally {
    await app.close();
    remove(...boxes.flatMap((made) => [made.home, made.cwd]));
  }
}
