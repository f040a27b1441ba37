// Hostile recordings: each file from a table goes through `replay --dry-run`, `replay --audit` and
// `trigger-flow --file … --offline`; each must be refused with exit 2, one `error FILE:LINE: …` line and no
// stack trace, or handled as docs/replay.md says (a deeply nested event is only refused by --audit). The
// lines over 16 MiB (64 MiB written out, 1 GiB sparse) must be refused in under 2 s with under 150 MB peak RSS
// (/usr/bin/time). Then `listen --record` on a planted path (symbolic links, another user's file, a hard link):
// exit 2 and the target unchanged. The app is the harness's verifying receiver on 127.0.0.1.
import { closeSync, existsSync, ftruncateSync, linkSync, openSync, readFileSync, symlinkSync, writeFileSync, writeSync, chownSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { bin, remove, stripeBin, testKey } from './lib.js';

const SECRET = 'whsec_reliabilityHostileRecordings0001';
const TIME = existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;
const TARGET = { ms: 2000, rssMb: 150 };

const event = (id, extra = '') => `{"id":"${id}","object":"event","type":"charge.succeeded","data":{"object":{"id":"ch_1"${extra}}}}`;
const line = (body) => `${JSON.stringify({ v: 1, receivedAt: '2026-12-01T10:00:00.000Z', event: body, headers: {}, answer: { status: 200, ms: 1 } })}\n`;
const HEAD = '{"v":1,"receivedAt":"2026-12-01T10:00:00.000Z","event":"';

/** A second line `size` bytes long, never built in memory: written in 1 MiB chunks, or left sparse (zeros). */
function hugeLine(path, size, sparse) {
  const fd = openSync(path, 'w');
  try {
    writeSync(fd, line(event('evt_first')) + HEAD);
    if (sparse) return ftruncateSync(fd, size);
    const chunk = Buffer.alloc(1 << 20, 'x');
    for (let written = HEAD.length; written < size; written += chunk.length) writeSync(fd, chunk);
    writeSync(fd, '"}\n');
  } finally {
    closeSync(fd);
  }
}

/** [file, how to write it, expected per command: a RegExp for a refusal's error line, 0 for handled, measured] */
const FILES = [
  ['line-64m.ndjson', (p) => hugeLine(p, 64 << 20, false), { all: /^error line-64m\.ndjson:2: the line is longer than 16 MiB/ }, true],
  ['line-1g.ndjson', (p) => hugeLine(p, 1 << 30, true), { all: /^error line-1g\.ndjson:2: the line is longer than 16 MiB/ }, true],
  ['nested.ndjson', (p) => writeFileSync(p, line(event('evt_deep', `,"x":${'['.repeat(200_000)}${']'.repeat(200_000)}`))), { all: 0, audit: /^error nested\.ndjson:1: the event nests deeper than 64 levels/ }],
  ['bad-utf8.ndjson', (p) => writeFileSync(p, Buffer.concat([Buffer.from(line(event('evt_1'))), Buffer.from(line(event('evt_2', ',"name":"caf_"'))).map((b) => (b === 0x5f ? 0xe9 : b))])), { all: /^error bad-utf8\.ndjson:2: the line is not valid UTF-8/ }],
  ['surrogate.ndjson', (p) => writeFileSync(p, line(event('evt_1')) + line(event('evt_2', ',"name":"LONE"').replace('LONE', '\ud800'))), { all: /^error surrogate\.ndjson:2: "event" holds a lone surrogate/ }],
];

const COMMANDS = {
  'dry-run': (file, url) => ['replay', file, '--forward-to', url, '--dry-run'],
  audit: (file, url) => ['replay', file, '--forward-to', url, '--audit'],
  'trigger-flow': (file, url) => ['trigger-flow', '--file', file, '--offline', '--forward-to', url],
};

/** The CLI under /usr/bin/time when there is one: exit code, output, wall time and peak RSS (MB). */
async function measured(box, args, env = {}) {
  const rssFile = join(box.home, 'rss');
  const command = [process.execPath, '--', bin, ...args];
  const started = performance.now();
  const result = await execa(TIME ?? command[0], TIME ? ['-o', rssFile, '-f', '%M', ...command] : command.slice(1), {
    cwd: box.cwd, env: { ...box.env, STRIPE_WEBHOOK_SECRET: SECRET, ...env }, extendEnv: false, reject: false, stdin: 'ignore',
  });
  const ms = performance.now() - started;
  const rssMb = TIME ? Number.parseInt(readFileSync(rssFile, 'utf8').trim().split('\n').at(-1), 10) / 1024 : undefined;
  return { ...result, ms, rssMb };
}

function judge(result, expected, what) {
  const first = result.stderr.trim().split('\n')[0] ?? '';
  if (/\n\s+at /.test(result.stderr)) return `${what}: a stack trace`;
  if (expected === 0) return result.exitCode === 0 ? undefined : `${what}: exit ${result.exitCode} (${first})`;
  if (result.exitCode !== 2) return `${what}: exit ${result.exitCode}, not 2 (${first})`;
  if (!expected.test(first)) return `${what}: "${first}"`;
  return undefined;
}

/** `listen --record` on planted paths: refused before anything starts (no Stripe traffic), the target unchanged. */
function recordCases(cwd) {
  const victim = join(cwd, 'victim.ndjson');
  const text = `${line(event('evt_victim'))}{"v":1,"recei`; // a torn last line an append would cut
  writeFileSync(victim, text, { mode: 0o600 });
  const cases = [
    ['symlink.ndjson', () => symlinkSync(victim, join(cwd, 'symlink.ndjson')), /is a symbolic link \(to .*victim\.ndjson\)/],
    ['dangling.ndjson', () => symlinkSync(join(cwd, 'nowhere.ndjson'), join(cwd, 'dangling.ndjson')), /is a symbolic link \(to .*nowhere\.ndjson, which does not exist\)/],
    ['hardlink.ndjson', () => linkSync(victim, join(cwd, 'hardlink.ndjson')), /has 2 hard links/],
  ];
  if (process.geteuid?.() === 0) {
    const other = join(cwd, 'other-user.ndjson');
    cases.push(['other-user.ndjson', () => (writeFileSync(other, text, { mode: 0o644 }), chownSync(other, 12345, 12345)), /belongs to another user \(uid 12345\)/]);
  }
  return { victim, text, cases };
}

export async function recordingsHostile(support) {
  const receiver = await support.startReceiver({ secret: SECRET });
  const box = support.sandbox();
  const failures = [];
  const worst = { ms: 0, rssMb: 0 };
  let trials = 0;
  try {
    for (const [file, write, expected, measure] of FILES) {
      write(join(box.cwd, file));
      for (const [name, args] of Object.entries(COMMANDS)) {
        trials++;
        const result = await measured(box, args(file, receiver.url));
        const failure = judge(result, expected[name] ?? expected.all, `${file} ${name}`);
        if (failure) failures.push(failure);
        if (!measure) continue;
        worst.ms = Math.max(worst.ms, result.ms);
        worst.rssMb = Math.max(worst.rssMb, result.rssMb ?? 0);
        if (result.ms > TARGET.ms || (result.rssMb ?? 0) > TARGET.rssMb) failures.push(`${file} ${name}: ${Math.round(result.ms)} ms, ${Math.round(result.rssMb)} MB peak RSS (target < ${TARGET.ms} ms, < ${TARGET.rssMb} MB)`);
      }
      remove(join(box.cwd, file));
    }
    const { victim, text, cases } = recordCases(box.cwd);
    for (const [file, plant, message] of cases) {
      trials++;
      plant();
      const env = { STRIPE_API_KEY: testKey, STRIPE_HOOKS_STRIPE_BIN: stripeBin, STRIPE_HOOKS_API_BASE: 'http://127.0.0.1:9' };
      const result = await measured(box, ['listen', '--forward-to', receiver.url, '--record', file], env);
      const failure = judge(result, message, `listen --record ${file}`) ?? (readFileSync(victim, 'utf8') === text ? undefined : `listen --record ${file}: the victim changed`);
      if (failure) failures.push(failure);
    }
  } finally {
    await receiver.close();
    remove(box.home, box.cwd);
  }
  if (receiver.deliveries.some((d) => d.event?.id?.startsWith('evt_') && !d.verified)) failures.push('an unverified delivery reached the app');
  return {
    name: 'hostile recordings',
    trials,
    failures,
    figures: [
      `lines over 16 MiB (64 MiB, 1 GiB sparse) refused in ≤ ${Math.round(worst.ms)} ms with ≤ ${TIME ? `${Math.round(worst.rssMb)} MB` : '? MB (no /usr/bin/time)'} peak RSS`,
      `${receiver.deliveries.length} deliveries (trigger-flow on the nested recording only)`,
    ],
  };
}
