/**
 * Which signing secret offline deliveries are signed with: --secret, else the
 * STRIPE_WEBHOOK_SECRET of --dotenv, else the environment's; with none, a fresh
 * one (written to --dotenv when given, so the app can load it). Any non-empty value
 * is taken: the app verifies with whatever secret it was configured with, and test
 * suites use ones like `whsec_test_secret`; `stripeShaped` says whether to warn.
 * Thin events may have a secret of their own, looked for the same way under their own
 * names (--thin-secret, STRIPE_WEBHOOK_SECRET_THIN, as `listen --dotenv` writes a thin
 * session's); with none they are signed with the run's secret. It is never generated.
 */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { getEnvValue, writeEnvValue } from '../lib/env-file.js';
import { maskSecret } from '../lib/redact.js';
import { isStripeWebhookSecret, refuseApiKey, SECRET_ENV, thinSecretName } from '../lib/secrets.js';
import type { SigningSecret } from '../run/diagnose.js';
import { UsageError } from '../errors.js';
import { generateWebhookSecret } from './random.js';


export interface SecretSources {
  flag?: string;
  dotenv?: string;
  env: NodeJS.ProcessEnv;
  cwd: string;
}

/** The names a secret is looked for under: its flag, and its variable (in --dotenv, then the environment). */
interface SecretNames {
  flag: '--secret' | '--thin-secret';
  env: string;
}

const RUN_SECRET: SecretNames = { flag: '--secret', env: SECRET_ENV };
const THIN_SECRET: SecretNames = { flag: '--thin-secret', env: thinSecretName(SECRET_ENV) };

export type SecretChoice =
  | { value: string; source: string; generated: false; stripeShaped: boolean }
  | { value: string; source: string; generated: true; writtenTo?: string };

const given = (value: string, source: string): SecretChoice => {
  refuseApiKey(value, source);
  return { value, source, generated: false, stripeShaped: isStripeWebhookSecret(value) };
};

/** The choice as a hint may name it (masked); `thin`: thin events' own secret, given with --thin-secret. */
export function signingSecret(choice: SecretChoice, thin = false): SigningSecret {
  const masked = maskSecret(choice.value);
  if (!choice.generated) return { masked, kind: 'given', source: choice.source, ...(thin && { flag: THIN_SECRET.flag }) };
  return { masked, kind: 'generated', source: choice.writtenTo ? `written to ${choice.writtenTo}` : 'shown above' };
}

/** The secret the user gave, or undefined when none is given anywhere; an empty --secret is a usage error. */
export async function givenSecret(sources: SecretSources, names: SecretNames = RUN_SECRET): Promise<SecretChoice | undefined> {
  if (sources.flag !== undefined) {
    const value = sources.flag.trim();
    if (value === '') throw new UsageError(`${names.flag} is empty`, { hint: `give the secret your app verifies ${names === THIN_SECRET ? 'thin events ' : ''}with, or set ${names.env} instead` });
    return given(value, names.flag);
  }
  if (sources.dotenv !== undefined) {
    const fromFile = getEnvValue(await readEnvFile(resolve(sources.cwd, sources.dotenv), sources.dotenv), names.env)?.trim();
    if (fromFile) return given(fromFile, `${names.env} in ${sources.dotenv}`);
  }
  const fromEnv = sources.env[names.env]?.trim();
  if (fromEnv) return given(fromEnv, names.env);
  return undefined;
}

/**
 * The secrets an offline run (trigger-flow --offline, trigger --offline, replay) signs with, in two steps: given
 * ones are read and checked now, so a bad one is exit 2 before anything else; a fresh run secret is generated (and
 * written to --dotenv) only when `settle()` is called, which --dry-run never does. `thin`: thin events' own secret
 * (`thinFlag`, the value of --thin-secret, or STRIPE_WEBHOOK_SECRET_THIN), when one is given.
 */
export async function pendingSecret(sources: SecretSources & { thinFlag?: string }): Promise<{ thin?: SecretChoice; settle(): Promise<SecretChoice> }> {
  const { thinFlag, ...run } = sources;
  const given = await givenSecret(run);
  const thin = await givenSecret({ ...run, flag: thinFlag }, THIN_SECRET);
  return { ...(thin && { thin }), settle: async () => given ?? (await generateSecret(run)) };
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
