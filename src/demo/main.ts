/**
 * The example app on its own (`node dist/demo/app.js`, built from this file): its port from PORT (4242), its
 * secret from STRIPE_WEBHOOK_SECRET. A file apart from app.ts, so that importing the app (as `demo` does, or a
 * bundle holding both) never starts a second server.
 */
import { startWebhookApp } from './app.js';

const secret = process.env.STRIPE_WEBHOOK_SECRET;
const port = Number(process.env.PORT ?? 4242);
if (secret) {
  startWebhookApp({ secret, port, log: console.log }).then(
    (app) => console.log(`listening at ${app.url}`),
    (error: Error) => {
      console.error(`cannot listen on port ${port}: ${error.message}`);
      process.exitCode = 1;
    },
  );
} else {
  console.error('set STRIPE_WEBHOOK_SECRET to the endpoint\'s signing secret (whsec_…)');
  process.exitCode = 1;
}
