/**
 * `stripe-hooks setup`: find the Stripe CLI (installing it, with consent, when
 * missing) and report what is usable. Exit 0 when a working CLI is there, 3 not.
 */
import { isCI, type Context } from '../../context.js';
import type { SetupCommandOptions } from './definition.js';
import { setupReport } from '../../doctor/report.js';
import { EnvironmentError, UsageError } from '../../errors.js';
import { cacheRoot, parseCliVersion } from '../../installer/cache.js';
import { installCommand, installDecision } from '../../installer/consent.js';
import { installStripeCli, type Installed } from '../../installer/install.js';
import { currentPlatform, DEFAULT_CLI_VERSION, releaseArchiveKind } from '../../installer/platform.js';
import { parseDownloadBase } from '../../installer/release.js';
import { brokenCliError } from '../../stripe-cli/broken.js';
import { findStripeCli, locateInput, type LocateResult } from '../../stripe-cli/locate.js';
import { confirm } from '../../ui/prompt.js';
import { renderSetupReport } from '../../ui/setup.js';

function parseOptions(options: SetupCommandOptions) {
  const version = options.cliVersion === undefined ? DEFAULT_CLI_VERSION : parseCliVersion(options.cliVersion);
  if (options.downloadBase !== undefined && !options.fromRelease) {
    throw new UsageError('--download-base applies only to --from-release', { hint: 'add --from-release, or drop --download-base' });
  }
  const downloadBase = options.fromRelease ? parseDownloadBase(options.downloadBase) : undefined;
  return { version, downloadBase };
}

/** Asks, or decides from the flags, whether to install; throws the "run this command" error when not. */
async function consentToInstall(ctx: Context, options: SetupCommandOptions, version: string, located: LocateResult): Promise<void> {
  const command = installCommand({ cliVersion: options.cliVersion, fromRelease: options.fromRelease, downloadBase: options.downloadBase });
  const decision = installDecision({ yes: Boolean(options.yes), force: Boolean(options.force), ci: isCI(ctx.env), canPrompt: ctx.canPrompt });
  if (decision === 'install') return;
  const where = cacheRoot(ctx.env);
  if (decision === 'ask') {
    const from = options.fromRelease ? 'its GitHub release' : 'the npm registry';
    if (await confirm(`The Stripe CLI was not found. Install version ${version} from ${from} into ${where}?`, true)) return;
  }
  if (!ctx.json) renderSetupReport(ctx.out, setupReport(located, undefined, ctx.apiKey, ctx));
  throw new EnvironmentError(decision === 'ask' ? 'Stripe CLI not installed (declined)' : 'Stripe CLI not found', {
    hint: `run \`${command}\` to install it into ${where}, or pass --stripe-bin`,
  });
}

export async function run(options: SetupCommandOptions, ctx: Context): Promise<void> {
  const { version, downloadBase } = parseOptions(options);
  const located = await findStripeCli(locateInput(ctx, version));
  // A binary the user named is final: report what is wrong with it rather than install another.
  if (located.explicit && !located.found) throw brokenCliError(located.broken[0]!);

  let installed: Installed | undefined;
  if (!located.found || options.force) {
    await consentToInstall(ctx, options, version, located);
    const from = options.fromRelease ? 'release' : 'npm';
    const platform = currentPlatform();
    const what = `Stripe CLI ${version} from ${from === 'npm' ? 'the npm registry' : `its release ${releaseArchiveKind(platform)}`}`;
    const spinner = await ctx.out.spinner(`Installing ${what}…`);
    if (!ctx.out.interactive) ctx.out.note(`Installing ${what} into ${cacheRoot(ctx.env)}…`);
    try {
      installed = await installStripeCli(
        { version, platform, env: ctx.env, cwd: ctx.cwd, signal: ctx.signal, downloadBase, onProgress: (text) => spinner.update(text) },
        from,
      );
      spinner.succeed(`Installed Stripe CLI ${version}`);
    } catch (error) {
      spinner.fail(`Could not install Stripe CLI ${version}`);
      throw error;
    }
  }
  renderSetupReport(ctx.out, setupReport(located, installed, ctx.apiKey, ctx));
}
