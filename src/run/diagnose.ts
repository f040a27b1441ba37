/**
 * What a failed delivery most likely means and what to do next, chosen from its failure class and status, never
 * from its message text: the hint `trigger-flow` and `replay` end with, the audit's fixes, and (later) `listen`'s.
 * Never prints.
 */
import { maskSecret } from '../lib/redact.js';
import { SECRET_ENV } from '../lib/secrets.js';
import { targetFor, type Routing } from '../relay/routing.js';
import { isThinEventType } from '../flows/thin.js';
import { matchesGlob } from '../lib/glob.js';
import type { StepFailure } from './report.js';

/** The secret the deliveries were signed with, as a hint may name it. */
export interface SigningSecret {
  /** The secret masked (lib/redact.ts maskSecret): never the value itself. */
  masked: string;
  /** `listen`: the `stripe listen` session's; `given`: the user's; `generated`: made for this run. */
  kind: 'listen' | 'given' | 'generated';
  /** Where it came from, as the user would name it: `--secret`, `STRIPE_WEBHOOK_SECRET`, `STRIPE_WEBHOOK_SECRET in .env`, … */
  source: string;
  /** The flag that gives another one: `--secret` unless said (`--thin-secret` for thin events' own). */
  flag?: string;
}

export interface DeliveryContext {
  /** The secret every delivery was correctly signed with. */
  secret?: SigningSecret;
  /** Where the delivery went, and the option that chose it (`--forward-to`, or `--route` for a routed event). */
  target?: { url: string; flag: string };
}

/** An answer that is about the request, not the app's state: a wrong secret (400/401/403) or a wrong path (404/405). */
export function deliveryHint(answer: { failure?: StepFailure; status: number | null }, context: DeliveryContext = {}): string | undefined {
  const { failure, status } = answer;
  if (failure === 'refused') return `start the app, or point ${context.target?.flag ?? '--forward-to'} at it`;
  if (failure !== 'status' || status === null) return undefined;
  if ((status === 400 || status === 401 || status === 403) && context.secret) return secretHint(status, context.secret);
  if (status === 404 || status === 405) {
    const { url, flag } = context.target ?? { url: undefined, flag: '--forward-to' };
    return `the app has no webhook handler ${url ? `at ${url}` : 'there'} (it answered ${status}): check the path in ${flag}`;
  }
  return undefined;
}

/** A correctly signed event refused as if the signature were wrong: name the secret, where it came from, and how to line the app up with it. */
export function secretHint(status: number, secret: SigningSecret): string {
  const refused = `the app answered ${status} to events signed with`;
  switch (secret.kind) {
    case 'listen':
      return `${refused} the \`stripe listen\` session's secret ${secret.masked}: if the app verifies with another, run \`stripe-hooks listen --dotenv .env\` and restart the app, or give the app that secret`;
    case 'generated':
      return `${refused} ${secret.masked}, generated for this run (${secret.source}): the app may not know the generated secret yet; give it ${SECRET_ENV} and run again, or pass the one it uses with --secret`;
    default:
      return `${refused} ${secret.masked} (from ${secret.source}): if the app verifies with another secret, give it this one, or pass the one it uses with ${secret.flag ?? '--secret'}`;
  }
}

/** The `stripe listen` session's secret, as a hint names it. */
export const listenSecret = (secret: string): SigningSecret => ({ masked: maskSecret(secret), kind: 'listen', source: 'the stripe listen session' });

/** Where a live run sends an event of each type: a --route's URL, else --thin-to for a thin one, else --forward-to. */
export function liveTargets(routing: Routing): (event: string) => DeliveryContext['target'] {
  return (event) => {
    const thin = isThinEventType(event);
    const url = targetFor(routing, event, false, thin);
    const routed = routing.routes.some((route) => matchesGlob(route.glob, event));
    return { url, flag: routed ? '--route' : thin && routing.thinTo !== undefined ? '--thin-to' : '--forward-to' };
  };
}
