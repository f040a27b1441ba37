/** `demo`: no options of its own. The handler is src/commands/demo.ts, loaded only when it runs. */
import { Command } from '@commander-js/extra-typings';
import { examples, type Start } from './common.js';

export const demoCommand = (start: Start) =>
  new Command('demo')
    .description('offline payment flow and handler audit against a built-in example app (no account needed)')
    .addHelpText('after', examples('stripe-hooks demo', 'stripe-hooks demo --json'))
    .action(() => start('demo', () => import('../commands/demo.js').then((m) => m.run)));
