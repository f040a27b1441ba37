/** `register-endpoint`: create, update or leave alone one webhook endpoint, idempotently. */
import { constants, promises as fs } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { Context } from '../context.js';
import { openEndpointsApi, registerEndpoint, type RegisterResult } from '../endpoints/api.js';
import { desiredEndpoint, type RegisterOptions } from '../endpoints/desired.js';
import { countEvents } from '../endpoints/plan.js';
import { assertHttpsForLive } from '../endpoints/url.js';
import { validateEnvKey, writeEnvValue } from '../lib/env-file.js';
import { EnvironmentError } from '../errors.js';
import { SDK_API_VERSION } from '../lib/api-version.js';
import { apiKeyPrompt } from '../ui/api-key-prompt.js';

interface Options extends RegisterOptions {
  envFile?: string;
  envKey?: string;
  dryRun?: boolean;
  live?: boolean;
}

export async function run(_args: string[], options: Record<string, unknown>, ctx: Context): Promise<void> {
  const opts = options as Options;
  const envKey = opts.envKey ?? 'STRIPE_WEBHOOK_SECRET';
  // Everything checkable is checked before the key is asked for and before any request.
  const desired = await desiredEndpoint(opts, SDK_API_VERSION, ctx.cwd);
  const envFile = opts.envFile === undefined ? undefined : resolve(ctx.cwd, opts.envFile);
  if (envFile) {
    validateEnvKey(envKey);
    await assertWritableDirectory(envFile);
  }
  const api = await openEndpointsApi(ctx, { live: opts.live, ask: apiKeyPrompt(ctx.canPrompt) });
  assertHttpsForLive(desired.url, api.liveKey);

  const spinner = await ctx.out.spinner(`${opts.dryRun ? 'checking' : 'registering'} ${desired.url}`);
  let result: RegisterResult;
  try {
    result = await registerEndpoint(api, desired, { dryRun: opts.dryRun });
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
        savedTo = `${opts.envFile} as ${envKey}`;
      } catch (error) {
        saveError = error; // reported after the secret is printed, so it is not lost
      }
    }
  } else if (envFile && !opts.dryRun) {
    ctx.out.note(`${opts.envFile} left as it is: Stripe returns the signing secret only when it creates an endpoint`);
  }
  render(ctx, result, savedTo);
  if (saveError) throw saveError;
}

function render(ctx: Context, result: RegisterResult, savedTo: string | undefined): void {
  if (ctx.json) {
    ctx.out.data({
      action: result.action,
      endpoint: result.endpoint,
      ...(result.secret && { secret: result.secret }),
      ...(result.dryRun && { dry_run: true }),
    });
    return;
  }
  const { endpoint } = result;
  const verb = result.dryRun && result.action !== 'unchanged' ? `would be ${result.action}` : result.action;
  ctx.out.line(`${verb}  ${endpoint.id ?? '(new endpoint)'}  ${endpoint.url}`);
  const field = (label: string, value: string) => ctx.out.line(`  ${label.padEnd(16)}${value}`);
  if (result.action === 'created') {
    field('events', countEvents(endpoint.enabled_events));
    field('api version', endpoint.api_version ?? "account's default");
    field('status', endpoint.status);
  }
  for (const change of result.changes) ctx.out.line(`  ${change}`);
  if (result.secret) field('signing secret', savedTo ? `written to ${savedTo}` : result.secret);
  if (result.dryRun) ctx.out.note('dry run: nothing was written');
}

async function assertWritableDirectory(file: string): Promise<void> {
  try {
    await fs.access(dirname(file), constants.W_OK);
  } catch (error) {
    throw new EnvironmentError(`cannot write ${file}: its directory is missing or read-only`, {
      hint: 'create the directory first; nothing was sent to Stripe',
      cause: error,
    });
  }
}
