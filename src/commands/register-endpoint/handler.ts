/** `register-endpoint`: create, update or leave alone one webhook endpoint, idempotently. */
import { resolve } from 'node:path';
import type { Context } from '../../context.js';
import type { RegisterEndpointCommandOptions } from './definition.js';
import { openEndpointsApi, registerWebhookEndpoint, type RegisterResult } from '../../endpoints/stripe-calls.js';
import { desiredEndpoint } from '../../endpoints/desired.js';
import { assertHttpsForLive } from '../../endpoints/url.js';
import { assertWritableDirectory, validateEnvKey, writeEnvValue } from '../../lib/env-file.js';
import { SDK_API_VERSION } from '../../lib/sdk-api-version.js';
import { apiKeyPrompt } from '../../ui/api-key-prompt.js';
import { renderRegistration } from '../../ui/register-endpoint.js';

export async function run(options: RegisterEndpointCommandOptions, ctx: Context): Promise<void> {
  const { envKey } = options;
  // Everything checkable is checked before the key is asked for and before any request.
  const desired = await desiredEndpoint(options, SDK_API_VERSION, ctx.cwd);
  const envFile = options.dotenv === undefined ? undefined : resolve(ctx.cwd, options.dotenv);
  if (envFile) {
    validateEnvKey(envKey);
    await assertWritableDirectory(envFile, 'nothing was sent to Stripe');
  }
  const api = await openEndpointsApi(ctx, { live: options.live, ask: apiKeyPrompt(ctx.canPrompt) });
  assertHttpsForLive(desired.url, api.liveKey);

  const spinner = await ctx.out.spinner(`${options.dryRun ? 'checking' : 'registering'} ${desired.url}`);
  let result: RegisterResult;
  try {
    result = await registerWebhookEndpoint(api, desired, { dryRun: options.dryRun });
  } finally {
    spinner.stop();
  }
  for (const warning of result.warnings) ctx.out.warn(warning);

  // The secret exists only in this answer: show it (the user asked for it), and save it when told to.
  let savedTo: string | undefined;
  let saveError: unknown;
  if (result.secret) {
    ctx.out.allow(result.secret);
    if (envFile) {
      try {
        await writeEnvValue(envFile, envKey, result.secret);
        savedTo = `${options.dotenv} as ${envKey}`;
      } catch (error) {
        saveError = error; // reported after the secret is printed, so it is not lost
      }
    }
  } else if (envFile && !options.dryRun) {
    ctx.out.note(`${options.dotenv} left as it is: Stripe returns the signing secret only when it creates an endpoint`);
  }
  renderRegistration(ctx.out, result, savedTo);
  if (saveError) throw saveError;
}
