/** `demo`'s help (it has no options of its own); the handler is ./handler.ts. */
import { Command } from '@commander-js/extra-typings';
import { docsPages, examples, type Start } from '../options.js';

// The handler loads when the command runs, not before: it brings the example app, with the Stripe SDK it verifies with, and undici, which `--help` never needs.
export const demoCommand = (start: Start) =>
  new Command('demo')
    .description('offline payment flow and handler audit against a built-in example app (no account needed)')
    .addHelpText('after', examples('stripe-hooks demo', 'stripe-hooks demo --verbose', 'stripe-hooks demo --json'))
    .addHelpText('after', docsPages('demo.md'))
    .action(() => start('demo', () => import('./handler.js').then((m) => m.run)));
