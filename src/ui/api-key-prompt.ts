import { secret } from './prompt.js';

/** The masked question for a missing API key, handed to core only where we may ask (a terminal, not CI). */
export function apiKeyPrompt(canPrompt: boolean): (() => Promise<string>) | undefined {
  return canPrompt ? () => secret('Stripe API key (sk_test_… or rk_test_…)') : undefined;
}
