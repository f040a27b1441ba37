// A Stripe webhook endpoint the way Stripe asks for one: verify the signature over the raw body, answer 2xx
// as soon as the event is verified and new, handle each event once however often it is delivered.
import express from 'express';
import Stripe from 'stripe';
import { createShop } from './shop.js';

/**
 * @param {{ secret: string, shop?: ReturnType<typeof createShop>, stripe?: Stripe }} options
 *   `secret`: the endpoint's signing secret (whsec_…); `shop`: where events take effect.
 */
export function createApp({ secret, shop = createShop(), stripe = new Stripe(process.env.STRIPE_API_KEY || 'sk_test_verification_needs_no_key') }) {
  if (!secret) throw new Error('createApp: a signing secret (whsec_…) is required');
  const app = express();
  app.locals.shop = shop;

  app.get('/', (_req, res) => {
    res.json({ ok: true });
  });

  // express.raw keeps the exact bytes Stripe signed: a parsed and re-serialised body never verifies.
  app.post('/webhook', express.raw({ type: 'application/json' }), (req, res) => {
    let event;
    try {
      event = stripe.webhooks.constructEvent(req.body, req.get('stripe-signature') ?? '', secret);
    } catch (error) {
      // 400, not 500: Stripe retries a 5xx for days, and a forged or stale event will never verify.
      res.status(400).json({ error: `Webhook signature verification failed: ${error.message}` });
      return;
    }
    // Stripe delivers at least once: a repeat of a known event id is acknowledged and not handled again.
    if (!shop.claim(event.id)) {
      res.json({ received: true, duplicate: true });
      return;
    }
    res.json({ received: true });
    shop.handleLater(event);
  });

  return app;
}
