/** `setup`'s options, arguments and help; its handler (./handler.ts) gets the option type inferred here. */
import { Command } from '@commander-js/extra-typings';
import { docsPages, examples, type OptionsOf, type Start } from '../options.js';

const setupDefinition = () =>
  new Command('setup')
    .description('find the Stripe CLI (or install it, verified) and report what is usable')
    .option('-y, --yes', 'install without asking when the Stripe CLI is missing (implied by CI=true)')
    .option('--cli-version <version>', 'Stripe CLI version to install (default: 1.52.0, the version stripe-hooks is tested with)')
    .option('--from-release', 'install from the GitHub release archive (sha256-checked; .tar.gz, or .zip on Windows) instead of npm')
    .option('--download-base <url>', 'https base URL of release downloads, for mirrors (with --from-release; plain http only on loopback)')
    .option('--force', 'install into the cache even when a Stripe CLI is already found (implies --yes)')
    .addHelpText('after', examples('stripe-hooks setup', 'stripe-hooks setup --yes --json', 'stripe-hooks setup --from-release --cli-version 1.52.0'))
    .addHelpText('after', docsPages('setup.md'));

export type SetupCommandOptions = OptionsOf<typeof setupDefinition>;

// The handler loads when the command runs, not before: it brings the installer and its archive readers, which `--help` never needs.
export const setupCommand = (start: Start) =>
  setupDefinition().action((options) => start('setup', () => import('./handler.js').then((m) => m.run), options));
