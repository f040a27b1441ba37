/**
 * The two checks that hold the tree to docs/architecture.md (scripts/check-architecture.js, scripts/check-names.js):
 * each passes on the real tree, and fails, naming every violation, on a copy of it with violations planted.
 */
import { spawnSync } from 'node:child_process';
import { appendFileSync, cpSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../support/cli.js';

const ROOT = join(import.meta.dirname, '..', '..');
/** The commands whose handler.ts exports `run` (endpoints' has one per subcommand). */
const handler = (name: string) => join(ROOT, 'src', 'commands', name, 'handler.ts');
const COMMANDS = readdirSync(join(ROOT, 'src', 'commands')).filter((name) => existsSync(handler(name)) && /^export async function run\(/m.test(readFileSync(handler(name), 'utf8'))).length;

function check(script: 'check-architecture' | 'check-names', root = ROOT) {
  const { status, stdout, stderr } = spawnSync(process.execPath, [join(ROOT, 'scripts', `${script}.js`), '--root', root], { encoding: 'utf8' });
  return { status, stdout, problems: stderr.split('\n').filter(Boolean) };
}

/** A copy of src/ and docs/architecture.md, for a test to break. */
function copyOfTree(): string {
  const root = tempDir('stripe-hooks-checks-');
  cpSync(join(ROOT, 'src'), join(root, 'src'), { recursive: true });
  mkdirSync(join(root, 'docs'));
  cpSync(join(ROOT, 'docs', 'architecture.md'), join(root, 'docs', 'architecture.md'));
  return root;
}

const edit = (path: string, change: (text: string) => string) => writeFileSync(path, change(readFileSync(path, 'utf8')));

describe('scripts/check-architecture.js', () => {
  it('passes on the tree as it is', () => {
    const result = check('check-architecture');
    expect(result.problems).toEqual([]);
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/^check-architecture: \d+ paths in docs\/architecture\.md match src\/; \d+ modules keep the layer rule/);
  });

  it('fails on a folder the doc does not list, a row with no folder or no layer, and every break of the layer rule', () => {
    const root = copyOfTree();
    const src = join(root, 'src');
    mkdirSync(join(src, 'extras'));
    writeFileSync(join(src, 'extras', 'x.ts'), 'export const x = 1;\n');
    edit(join(root, 'docs', 'architecture.md'), (doc) =>
      doc.replace(/^\| `src\/doctor\/` \| core \|/m, '| `src/doctors/` | core |').replace(/^\| `src\/stats\/` \| core \|/m, '| `src/stats/` | kore |'),
    );
    // A core module that imports ui/ and prints; a ui module that reads a file, and one that loads I/O through a core module.
    appendFileSync(join(src, 'run', 'report.ts'), "\nimport { table } from '../ui/table.js';\nexport const printed = () => console.log(table(['a'], []));\n");
    appendFileSync(join(src, 'ui', 'table.ts'), "\nimport { readFileSync } from 'node:fs';\nexport const read = () => readFileSync('x');\n");
    appendFileSync(join(src, 'ui', 'status.ts'), "\nimport { findStripeCli } from '../stripe-cli/locate.js';\nexport const find = findStripeCli;\n");
    appendFileSync(join(src, 'lib', 'shell.ts'), "\nimport chalk from 'chalk';\nexport const red = chalk.red;\n");
    appendFileSync(join(src, 'run', 'plan.ts'), "\nexport type Face = typeof import('../api/live.js');\n");

    const result = check('check-architecture', root);
    expect(result.status).toBe(1);
    const expected = [
      /^docs\/architecture\.md lists src\/doctors\/, which is not in the tree$/,
      /^src\/doctor\/ is not in docs\/architecture\.md's layout table/,
      /^src\/extras\/ is not in docs\/architecture\.md's layout table/,
      /^docs\/architecture\.md: src\/stats\/ has layer "kore"; the layers are entry, command, ui, library, core, example$/,
      /^src\/run\/report\.ts:\d+: core module imports src\/ui\/table\.ts \(ui\); core may import core$/,
      /^src\/run\/report\.ts:\d+: core module uses console\.log/,
      /^src\/ui\/table\.ts:\d+: ui module imports node:fs \(I\/O\)/,
      /^src\/ui\/status\.ts:\d+: ui module loads I\/O through src\/stripe-cli\/locate\.ts → .*node:fs/,
      /^src\/lib\/shell\.ts:\d+: core module imports chalk, which only ui modules may$/,
      /^src\/run\/plan\.ts:\d+: core module imports src\/api\/live\.ts \(library\)/,
      /^check-architecture: \d+ problems/,
    ];
    for (const line of expected) expect(result.problems, String(line)).toContainEqual(expect.stringMatching(line));
    expect(result.problems).toHaveLength(expected.length);
  });
});

describe('scripts/check-names.js', () => {
  it('passes on the tree as it is, and lists every exported name with its files', () => {
    const result = check('check-names');
    expect(result.problems).toEqual([]);
    expect(result.status).toBe(0);
    const listed = spawnSync(process.execPath, [join(ROOT, 'scripts', 'check-names.js'), '--list'], { encoding: 'utf8' }).stdout;
    expect(listed).toMatch(/^startListener\tsrc\/api\/live\.ts:\d+ src\/index\.ts:\d+$/m);
    expect(listed).toMatch(new RegExp(`^run\\t(src/commands/[a-z-]+/handler\\.ts:\\d+ ?){${COMMANDS}}$`, 'm'));
  });

  it('fails on a name exported from two files: a second definition, a re-export, an src/index.ts function that is no lazy wrapper', () => {
    const root = copyOfTree();
    const src = join(root, 'src');
    appendFileSync(join(src, 'installer', 'consent.ts'), '\nexport const shown = (text: string) => text;\n');
    appendFileSync(join(src, 'relay', 'routing.ts'), "\nexport { classify } from '../delivery/engine.js';\n");
    edit(join(src, 'index.ts'), (text) => text.replace("return (await import('./api/replay.js')).replay(options);", 'void options;\n  throw new Error();'));
    appendFileSync(join(src, 'commands', 'options.ts'), '\nexport const run = 1;\n');

    const result = check('check-names', root);
    expect(result.status).toBe(1);
    const expected = [
      /^shown is exported from 2 files: src\/installer\/consent\.ts:\d+, src\/lib\/sanitize\.ts:\d+$/,
      // The handlers' `run` is one convention, and one more file is one too many.
      new RegExp(`^run is exported from ${COMMANDS + 1} files: .*src/commands/options\\.ts:\\d+`),
      /^replay is exported from 2 files: src\/api\/replay\.ts:\d+, src\/index\.ts:\d+$/,
      /^classify is exported from 2 files: src\/delivery\/engine\.ts:\d+, src\/relay\/routing\.ts:\d+ \(re-export\)$/,
      /^check-names: 4 problems/,
    ];
    for (const line of expected) expect(result.problems, String(line)).toContainEqual(expect.stringMatching(line));
    expect(result.problems).toHaveLength(expected.length);
  });
});
