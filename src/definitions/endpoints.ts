/** `endpoints list` and `endpoints delete`. The handlers are src/commands/endpoints.ts, loaded only when one runs. */
import { Command } from '@commander-js/extra-typings';
import { examples, type Start } from './common.js';

const load = () => import('../commands/endpoints.js');

const listDefinition = () =>
  new Command('list')
    .description('list webhook endpoints')
    .option('--live', 'allow a live-mode key')
    .addHelpText('after', examples('stripe-hooks endpoints list', 'stripe-hooks endpoints list --json'));

const deleteDefinition = () =>
  new Command('delete')
    .description('delete a webhook endpoint by id or URL')
    .argument('[id]', 'endpoint id (we_…)')
    .option('--url <url>', 'delete the endpoint with this URL')
    .option('-y, --yes', 'do not ask for confirmation (required without a terminal)')
    .option('--live', 'allow a live-mode key')
    .addHelpText('after', examples('stripe-hooks endpoints delete we_123', 'stripe-hooks endpoints delete --url https://app.example.com/webhook --yes'));

export type EndpointsListOptions = ReturnType<ReturnType<typeof listDefinition>['opts']>;
export type EndpointsDeleteOptions = ReturnType<ReturnType<typeof deleteDefinition>['opts']>;

export const endpointsCommand = (start: Start) =>
  new Command('endpoints')
    .description('list or delete webhook endpoints')
    .addCommand(listDefinition().action((options) => start('endpoints list', () => load().then((m) => m.runList), options)))
    .addCommand(deleteDefinition().action((id, options) => start('endpoints delete', () => load().then((m) => m.runDelete), id, options)));
