// `npm start`: the app on PORT (default 4242), verifying with STRIPE_WEBHOOK_SECRET.
import { createApp } from './app.js';

const secret = process.env.STRIPE_WEBHOOK_SECRET;
if (!secret) {
  console.error('set STRIPE_WEBHOOK_SECRET to the signing secret (whsec_…) Stripe signs your events with');
  process.exit(1);
}
const port = Number(process.env.PORT || 4242);
const server = createApp({ secret }).listen(port, (error) => {
  if (error) throw error;
  console.log(`listening on http://localhost:${port}/webhook`);
});
process.on('SIGTERM', () => server.close());
