/**
 * `stripe-hooks setup`: find the Stripe CLI (installing it, with consent, when
 * missing) and report what is usable. Exit 0 when a working CLI is there, 3 not.
 */
import { isCI, type Context } from '../context.js';
import { EnvironmentError, UsageError } from '../errors.js';
import { cacheRoot, parseCliVersion } from '../installer/cache.js';
import { installStripeCli, type Installed } from '../installer/install.js';
import { parseDownloadBase } from '../installer/release.js';
import { brokenCliError, describeBroken, locateInput, locateStripeCli, type LocateResult } from '../stripe-cli/locate.js';
import { currentPlatform, DEFAULT_CLI_VERSION } from '../installer/platform.js';
import { apiKeyFacts, loginFacts, nodeFacts, type SetupReport } from '../doctor/facts.js';
import { installCommand, installDecision } from '../installer/consent.js';
import { table } from '../ui/table.js';

interface SetupOptions {
  yes?: boolean;
  cliVersion?: string;
  fromRelease?: boolean;
  downloadBase?: string;
  force?: boolean;
}

const FOUND_AT: Record<string, string> = {
  '--stripe-bin': 'given by --stripe-bin',
  STRIPE_HOOKS_STRIPE_BIN: 'given by STRIPE_HOOKS_STRIPE_BIN',
  PATH: 'found on PATH',
  node_modules: "found in the project's node_modules",
  cache: "found in stripe-hooks' cache",
};

function buildReport(ctx: Context, located: LocateResult, installed: Installed | undefined): SetupReport {
  const stripeCli = installed ? { path: installed.path, version: installed.version, source: 'installed' as const } : (located.found ?? null);
  return {
    ok: stripeCli !== null,
    stripeCli,
    installed: installed
      ? { from: installed.from, description: installed.description, integrity: installed.integrity ?? null, sha256: installed.sha256 ?? null }
      : null,
    skipped: located.broken,
    apiKey: apiKeyFacts(ctx.apiKey, ctx.env),
    login: loginFacts(ctx.env),
    node: nodeFacts(),
  };
}

function render(ctx: Context, report: SetupReport): void {
  if (ctx.json) return ctx.out.data(report);
  const { c } = ctx.out;
  const good = (text: string) => c.green(text);
  const bad = (text: string) => c.red(text);
  const caution = (text: string) => c.yellow(text);
  for (const broken of report.skipped) ctx.out.warn(`skipped ${describeBroken(broken)}`);
  const cli = report.stripeCli;
  const { apiKey, login, node } = report;
  const keyDetail = !apiKey.present
    ? 'set STRIPE_API_KEY or pass --api-key (offline mode needs none)'
    : apiKey.recognised
      ? `${apiKey.mode} mode, ${apiKey.kind} key (from ${apiKey.from})`
      : `from ${apiKey.from}, but not a secret (sk_…) or restricted (rk_…) key`;
  const rows = [
    cli
      ? ['Stripe CLI', good('ok'), `${cli.version}  ${cli.path}  (${report.installed ? `installed just now from ${report.installed.description}` : FOUND_AT[cli.source]})`]
      : ['Stripe CLI', bad('missing'), report.skipped.length ? 'none that works (see the warnings above)' : 'not found'],
    ['API key', apiKey.present ? (apiKey.recognised ? (apiKey.mode === 'live' ? caution('live') : good('ok')) : bad('invalid')) : caution('not set'), keyDetail],
    ['stripe login', login.loggedIn ? good('yes') : caution('no'), login.loggedIn ? login.configPath : `no account in ${login.configPath}`],
    ['Node.js', node.supported ? good('ok') : bad('too old'), `${node.version} (stripe-hooks needs ${node.required})`],
  ];
  ctx.out.line(table(['check', 'status', 'detail'], rows));
}

function parseOptions(options: SetupOptions) {
  const version = options.cliVersion === undefined ? DEFAULT_CLI_VERSION : parseCliVersion(options.cliVersion);
  if (options.downloadBase !== undefined && !options.fromRelease) {
    throw new UsageError('--download-base applies only to --from-release', { hint: 'add --from-release, or drop --download-base' });
  }
  const downloadBase = options.fromRelease ? parseDownloadBase(options.downloadBase) : undefined;
  return { version, downloadBase };
}

/** Asks, or decides from the flags, whether to install; throws the "run this command" error when not. */
async function consentToInstall(ctx: Context, options: SetupOptions, version: string, located: LocateResult): Promise<void> {
  const command = installCommand({ cliVersion: options.cliVersion, fromRelease: options.fromRelease, downloadBase: options.downloadBase });
  const decision = installDecision({ yes: Boolean(options.yes), force: Boolean(options.force), ci: isCI(ctx.env), canPrompt: ctx.canPrompt });
  if (decision === 'install') return;
  const where = cacheRoot(ctx.env);
  if (decision === 'ask') {
    const { confirm } = await import('../ui/prompt.js');
    const from = options.fromRelease ? 'its GitHub release' : 'the npm registry';
    if (await confirm(`The Stripe CLI was not found. Install version ${version} from ${from} into ${where}?`, true)) return;
  }
  if (!ctx.json) render(ctx, buildReport(ctx, located, undefined));
  throw new EnvironmentError(decision === 'ask' ? 'Stripe CLI not installed (declined)' : 'Stripe CLI not found', {
    hint: `run \`${command}\` to install it into ${where}, or pass --stripe-bin`,
  });
}

export async function run(_args: string[], raw: Record<string, unknown>, ctx: Context): Promise<void> {
  const options = raw as SetupOptions;
  const { version, downloadBase } = parseOptions(options);
  const located = await locateStripeCli(locateInput(ctx, version));
  // A binary the user named is final: report what is wrong with it rather than install another.
  if (located.explicit && !located.found) throw brokenCliError(located.broken[0]!);

  let installed: Installed | undefined;
  if (!located.found || options.force) {
    await consentToInstall(ctx, options, version, located);
    const from = options.fromRelease ? 'release' : 'npm';
    const what = `Stripe CLI ${version} from ${from === 'npm' ? 'the npm registry' : 'its release tarball'}`;
    const spinner = await ctx.out.spinner(`Installing ${what}…`);
    if (!ctx.out.interactive) ctx.out.note(`Installing ${what} into ${cacheRoot(ctx.env)}…`);
    try {
      installed = await installStripeCli(
        { version, platform: currentPlatform(), env: ctx.env, cwd: ctx.cwd, signal: ctx.signal, downloadBase, onProgress: (text) => spinner.update(text) },
        from,
      );
      spinner.succeed(`Installed Stripe CLI ${version}`);
    } catch (error) {
      spinner.fail(`Could not install Stripe CLI ${version}`);
      throw error;
    }
  }
  render(ctx, buildReport(ctx, located, installed));
}
