/** `setup`: its options and help. The handler is src/commands/setup.ts, loaded only when it runs. */
import { Command } from '@commander-js/extra-typings';
import { examples, type Start } from './common.js';

const definition = () =>
  new Command('setup')
    .description('find the Stripe CLI (or install it, verified) and report what is usable')
    .option('-y, --yes', 'install without asking when the Stripe CLI is missing (implied by CI=true)')
    .option('--cli-version <version>', 'Stripe CLI version to install (default: 1.52.0, the version stripe-hooks is tested with)')
    .option('--from-release', 'install from the GitHub release tarball (sha256-checked) instead of npm')
    .option('--download-base <url>', 'base URL of release downloads, for mirrors (with --from-release)')
    .option('--force', 'install into the cache even when a Stripe CLI is already found')
    .addHelpText('after', examples('stripe-hooks setup', 'stripe-hooks setup --yes --json', 'stripe-hooks setup --from-release --cli-version 1.52.0'));

export type SetupOptions = ReturnType<ReturnType<typeof definition>['opts']>;

export const setupCommand = (start: Start) =>
  definition().action((options) => start('setup', () => import('../commands/setup.js').then((m) => m.run), options));
