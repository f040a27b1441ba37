/**
 * Which signing secret offline deliveries are signed with: --secret, else the
 * STRIPE_WEBHOOK_SECRET of --dotenv, else the environment's; with none, a fresh
 * one (written to --dotenv when given, so the app can load it). Any non-empty value
 * is taken: the app verifies with whatever secret it was configured with, and test
 * suites use ones like `whsec_test_secret`; `stripeShaped` says whether to warn.
 */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { getEnvValue, writeEnvValue } from '../lib/env-file.js';
import { maskSecret } from '../lib/redact.js';
import { isStripeWebhookSecret, refuseApiKey, SECRET_ENV } from '../lib/secrets.js';
import type { SigningSecret } from '../run/diagnose.js';
import { UsageError } from '../errors.js';
import { generateWebhookSecret } from './random.js';


export interface SecretSources {
  flag?: string;
  dotenv?: string;
  env: NodeJS.ProcessEnv;
  cwd: string;
}

export type SecretChoice =
  | { value: string; source: string; generated: false; stripeShaped: boolean }
  | { value: string; source: string; generated: true; writtenTo?: string };

const given = (value: string, source: string): SecretChoice => {
  refuseApiKey(value, source);
  return { value, source, generated: false, stripeShaped: isStripeWebhookSecret(value) };
};

/** The choice as a hint may name it (masked). */
export function signingSecret(choice: SecretChoice): SigningSecret {
  const masked = maskSecret(choice.value);
  if (!choice.generated) return { masked, kind: 'given', source: choice.source };
  return { masked, kind: 'generated', source: choice.writtenTo ? `written to ${choice.writtenTo}` : 'shown above' };
}

/** The secret the user gave, or undefined when none is given anywhere; an empty --secret is a usage error. */
export async function givenSecret(sources: SecretSources): Promise<SecretChoice | undefined> {
  if (sources.flag !== undefined) {
    const value = sources.flag.trim();
    if (value === '') throw new UsageError('--secret is empty', { hint: `give the secret your app verifies with, or set ${SECRET_ENV} instead` });
    return given(value, '--secret');
  }
  if (sources.dotenv !== undefined) {
    const fromFile = getEnvValue(await readEnvFile(resolve(sources.cwd, sources.dotenv), sources.dotenv), SECRET_ENV)?.trim();
    if (fromFile) return given(fromFile, `${SECRET_ENV} in ${sources.dotenv}`);
  }
  const fromEnv = sources.env[SECRET_ENV]?.trim();
  if (fromEnv) return given(fromEnv, SECRET_ENV);
  return undefined;
}

/**
 * The secret an offline run (trigger-flow --offline, replay) signs with, in two steps: a given one is read and
 * checked now, so a bad one is exit 2 before anything else; a fresh one is generated (and written to --dotenv)
 * only when `settle()` is called, which --dry-run never does.
 */
export async function pendingSecret(sources: SecretSources): Promise<{ settle(): Promise<SecretChoice> }> {
  const given = await givenSecret(sources);
  return { settle: async () => given ?? (await generateSecret(sources)) };
}

/** A fresh secret, kept in --dotenv when one was named. */
async function generateSecret(sources: SecretSources): Promise<SecretChoice> {
  const value = generateWebhookSecret();
  if (sources.dotenv === undefined) return { value, source: 'generated', generated: true };
  await writeEnvValue(resolve(sources.cwd, sources.dotenv), SECRET_ENV, value);
  return { value, source: 'generated', generated: true, writtenTo: sources.dotenv };
}

/** The file's text; a file that does not exist yet reads as empty (a secret will be generated into it). */
async function readEnvFile(path: string, shown: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return '';
    throw new UsageError(`cannot read --dotenv ${shown} (${code ?? String(error)})`, { hint: 'pass a readable dotenv file, or a path where one may be created' });
  }
}
