/** `endpoints`'s options, arguments and help; its handler (./handler.ts) gets the option type inferred here. */
import { Command } from '@commander-js/extra-typings';
import { docsPages, examples, type OptionsOf, type Start } from '../options.js';

// The handler loads when the command runs, not before: it brings the Stripe SDK and the prompts, which `--help` never needs.
const loadEndpoints = () => import('./handler.js');

const listDefinition = () =>
  new Command('list')
    .description('list webhook endpoints')
    .option('--live', 'allow a live-mode key')
    .addHelpText('after', examples('stripe-hooks endpoints list', 'stripe-hooks endpoints list --json'))
    .addHelpText('after', docsPages('endpoints.md'));

const deleteDefinition = () =>
  new Command('delete')
    .description('delete a webhook endpoint by id or URL')
    .argument('[id]', 'endpoint id (we_…)')
    .option('--url <url>', 'delete the endpoint with this URL')
    .option('-y, --yes', 'do not ask for confirmation (required without a terminal)')
    .option('--live', 'allow a live-mode key')
    .addHelpText('after', examples('stripe-hooks endpoints delete we_123', 'stripe-hooks endpoints delete --url https://app.example.com/webhook --yes'))
    .addHelpText('after', docsPages('endpoints.md'));

export type EndpointsListCommandOptions = OptionsOf<typeof listDefinition>;
export type EndpointsDeleteCommandOptions = OptionsOf<typeof deleteDefinition>;

export const endpointsCommand = (start: Start) =>
  new Command('endpoints')
    .description('list or delete webhook endpoints')
    .addHelpText('after', examples('stripe-hooks endpoints list', 'stripe-hooks endpoints delete we_123', 'stripe-hooks endpoints delete --url https://app.example.com/webhook --yes --json'))
    .addHelpText('after', docsPages('endpoints.md', 'register-endpoint.md'))
    .addCommand(listDefinition().action((options) => start('endpoints list', () => loadEndpoints().then((m) => m.runList), options)))
    .addCommand(deleteDefinition().action((id, options) => start('endpoints delete', () => loadEndpoints().then((m) => m.runDelete), id, options)));
