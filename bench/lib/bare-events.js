// Shared by the bare loops: the events they send (the flow's own, fresh ids each, pretty-printed as the CLI
// sends them) and Stripe's headers with a fresh signature, so the receiver does the same work as for the CLI.
import { createHmac, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';

const templates = JSON.parse(readFileSync(0, 'utf8')).events;

export function nextBody(n) {
  return JSON.stringify({ ...templates[n % templates.length], id: 'evt_' + randomBytes(12).toString('hex') }, null, 2);
}

export function headersFor(body, secret) {
  const t = Math.floor(Date.now() / 1000);
  const signature = createHmac('sha256', secret).update(t + '.' + body).digest('hex');
  return {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': String(Buffer.byteLength(body)),
    Accept: '*/*; q=0.5, application/xml',
    'Cache-Control': 'no-cache',
    'User-Agent': 'Stripe/1.0 (+https://stripe.com/docs/webhooks)',
    'Stripe-Signature': 't=' + t + ',v1=' + signature,
  };
}
