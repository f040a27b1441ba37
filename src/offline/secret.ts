/**
 * Which signing secret offline deliveries are signed with: --secret, else the
 * STRIPE_WEBHOOK_SECRET of --env-file, else the environment's; with none, a fresh
 * one (written to --env-file when given, so the app can load it).
 */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { getEnvValue, writeEnvValue } from '../lib/env-file.js';
import { UsageError } from '../errors.js';
import { generateWebhookSecret } from './random.js';
import { assertWebhookSecret } from './sign.js';

export const SECRET_ENV = 'STRIPE_WEBHOOK_SECRET';

export interface SecretSources {
  flag?: string;
  envFile?: string;
  env: NodeJS.ProcessEnv;
  cwd: string;
}

export type SecretChoice =
  | { value: string; source: string; generated: false }
  | { value: string; source: string; generated: true; writtenTo?: string };

/** The secret the user gave, validated (exit 2 when malformed), or undefined when none is given anywhere. */
export async function givenSecret(sources: SecretSources): Promise<SecretChoice | undefined> {
  if (sources.flag !== undefined) return { value: assertWebhookSecret(sources.flag.trim(), '--secret'), source: '--secret', generated: false };
  if (sources.envFile !== undefined) {
    const fromFile = getEnvValue(await readEnvFile(resolve(sources.cwd, sources.envFile), sources.envFile), SECRET_ENV);
    const source = `${SECRET_ENV} in ${sources.envFile}`;
    if (fromFile) return { value: assertWebhookSecret(fromFile, source), source, generated: false };
  }
  const fromEnv = sources.env[SECRET_ENV]?.trim();
  if (fromEnv) return { value: assertWebhookSecret(fromEnv, SECRET_ENV), source: SECRET_ENV, generated: false };
  return undefined;
}

/** A fresh secret, kept in --env-file when one was named. */
export async function generateSecret(sources: SecretSources): Promise<SecretChoice> {
  const value = generateWebhookSecret();
  if (sources.envFile === undefined) return { value, source: 'generated', generated: true };
  await writeEnvValue(resolve(sources.cwd, sources.envFile), SECRET_ENV, value);
  return { value, source: 'generated', generated: true, writtenTo: sources.envFile };
}

/** The file's text; a file that does not exist yet reads as empty (a secret will be generated into it). */
async function readEnvFile(path: string, shown: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return '';
    throw new UsageError(`cannot read --env-file ${shown} (${code ?? String(error)})`, { hint: 'pass a readable dotenv file, or a path where one may be created' });
  }
}
