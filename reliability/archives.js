// Hostile release archives offered to `setup --from-release` from a release server on 127.0.0.1:
// a tampered one (checksum mismatch) and ones whose entries or links escape the target directory.
// Each must be refused (exit 3) with nothing installed in the cache and nothing written outside it.
// A clean archive goes first, as a control: it installs, so a refusal below means something.
// A version other than the default, so the checksums file is consulted (the default's may be pinned).
import { existsSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { remove, runCli } from './lib.js';

const VERSION = '1.50.0';

/** [what, entries given the stand-in binary and an outside path, expected message, checksum of another archive?] */
function cases(stripe, outside) {
  return [
    ['a clean archive (control)', [stripe], undefined],
    ['a tampered archive', [stripe], /checksum mismatch/, true],
    ['a link chain a -> ., a/b -> ..', [stripe, { name: 'a', type: 'symlink', linkTarget: '.' }, { name: 'a/b', type: 'symlink', linkTarget: '..' }, { name: 'a/b/escaped', data: 'x' }], /link "a" refused/],
    ['a symlink pointing out', [stripe, { name: 'out', type: 'symlink', linkTarget: outside }, { name: 'out/escaped', data: 'x' }], /link "out" refused/],
    ['a hard link to a file outside', [stripe, { name: 'passwd', type: 'hardlink', linkTarget: '/etc/passwd' }], /link "passwd" refused/],
    ['a ../ entry', [stripe, { name: '../../escaped', data: 'x' }], /would be written outside the target directory/],
    ['an absolute entry', [stripe, { name: join(outside, 'escaped'), data: 'x' }], /outside the target directory|absolute/],
  ];
}

async function attempt(support, [what, entries, message, tampered], outside) {
  const box = support.sandbox({ PATH: support.tempDir('stripe-hooks-empty-path-') });
  const cache = join(box.home, '.cache', 'stripe-hooks', 'stripe-cli');
  const archive = support.buildTarGz(entries);
  const { archive: ARCHIVE, checksums: CHECKSUMS } = support.releaseAssets(VERSION, { os: 'linux', arch: 'x64' });
  const server = await support.startReleaseServer(VERSION, {
    [ARCHIVE]: archive,
    [CHECKSUMS]: support.checksumsFile({ [ARCHIVE]: tampered ? support.buildTarGz([]) : archive }),
  });
  try {
    const result = await runCli(['setup', '--json', '--from-release', '--cli-version', VERSION, '--download-base', server.url], { box });
    const installed = existsSync(cache) ? readdirSync(cache) : [];
    const escaped = [outside, join(box.home, '.cache'), box.home, dirname(box.home)].map((dir) => join(dir, 'escaped')).filter((path) => existsSync(path));
    if (message === undefined) return result.exitCode === 0 && installed.includes(VERSION) ? undefined : `${what}: the control did not install (exit ${result.exitCode}): ${result.stdout}${result.stderr}`;
    const error = JSON.parse(result.stdout || '{}').error;
    const problems = [
      result.exitCode !== 3 && `exit ${result.exitCode}, expected 3`,
      !message.test(error?.message ?? '') && `refused for another reason: ${error?.message ?? result.stdout}`,
      installed.length > 0 && `left in the cache: ${installed.join(', ')}`,
      escaped.length > 0 && `written outside: ${escaped.join(', ')}`,
    ].filter(Boolean);
    return problems.length ? `${what}: ${problems.join('; ')}` : undefined;
  } finally {
    await server.close();
    remove(box.home, box.cwd);
  }
}

export async function archives(support) {
  const stripe = { name: 'stripe', data: support.standInStripe(VERSION), mode: 0o755 };
  const outside = support.tempDir('stripe-hooks-outside-');
  const all = cases(stripe, outside);
  const control = [];
  const hostile = [];
  for (const one of all) (one[2] ? hostile : control).push(await attempt(support, one, outside));
  return {
    name: 'hostile archives',
    trials: all.length,
    failures: [...control, ...hostile].filter(Boolean),
    figures: [`${hostile.filter((f) => !f).length}/${hostile.length} refused with nothing installed`, `the clean control ${control[0] ? 'FAILED' : 'installed'}`],
  };
}
