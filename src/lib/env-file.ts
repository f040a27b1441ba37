/**
 * Writes one KEY=value into a dotenv file without disturbing anything else:
 * every other line and comment stays byte for byte, an existing key is replaced
 * in place (never duplicated), a new file is created 0600, and the write is
 * atomic (temp file in the same directory + rename) so a crash never leaves a
 * half-written file.
 */
import { randomBytes } from 'node:crypto';
import { constants, promises as fs } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { EnvironmentError, UsageError } from '../errors.js';

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

export function validateEnvKey(key: string): void {
  if (!NAME.test(key)) {
    throw new UsageError(`--env-key "${key}" is not a valid variable name`, { hint: 'use letters, digits and _, e.g. STRIPE_WEBHOOK_SECRET' });
  }
}

/** Pure: returns the new file text with `key` set to `value`. */
/** Refuses early (exit 3) when the file's directory is missing or read-only; `note` adds to the hint. */
export async function assertWritableDirectory(file: string, note?: string): Promise<void> {
  try {
    await fs.access(dirname(file), constants.W_OK);
  } catch (error) {
    throw new EnvironmentError(`cannot write ${file}: its directory is missing or read-only`, {
      hint: `create the directory first${note ? `; ${note}` : ''}`,
      cause: error,
    });
  }
}

export function setEnvValue(text: string, key: string, value: string): string {
  const assignment = `${key}=${value}`;
  const pattern = new RegExp(`^(\\s*(?:export\\s+)?)${key}\\s*=.*$`);
  const lines = text.split('\n');
  let found = false;
  const updated: string[] = [];
  for (const line of lines) {
    const match = pattern.exec(line.replace(/\r$/, ''));
    if (!match) {
      updated.push(line);
    } else if (!found) {
      found = true;
      updated.push(match[1] + assignment + (line.endsWith('\r') ? '\r' : ''));
    } // later duplicates of the key are dropped: a second definition would shadow ours
  }
  if (found) return updated.join('\n');
  const body = text === '' || text.endsWith('\n') ? text : text + '\n';
  return `${body}${assignment}\n`;
}

/** Reads a value from dotenv text (unquoted, single- or double-quoted). */
export function getEnvValue(text: string, key: string): string | undefined {
  const pattern = new RegExp(`^\\s*(?:export\\s+)?${key}\\s*=\\s*(.*?)\\s*$`);
  for (const line of text.split(/\r?\n/)) {
    const match = pattern.exec(line);
    if (match) return match[1]!.replace(/^(['"])(.*)\1$/, '$2');
  }
  return undefined;
}

export async function writeEnvValue(path: string, key: string, value: string): Promise<{ created: boolean }> {
  validateEnvKey(key);
  let existing = '';
  let mode = 0o600;
  let created = true;
  try {
    existing = await fs.readFile(path, 'utf8');
    mode = (await fs.stat(path)).mode & 0o777;
    created = false;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw fileError(path, error);
  }
  const temp = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    await fs.writeFile(temp, setEnvValue(existing, key, value), { mode, flag: 'wx' });
    await fs.chmod(temp, mode); // the umask may have narrowed it
    await fs.rename(temp, path);
  } catch (error) {
    await fs.rm(temp, { force: true });
    throw fileError(path, error);
  }
  return { created };
}

function fileError(path: string, error: unknown): EnvironmentError {
  const code = (error as NodeJS.ErrnoException).code ?? 'error';
  return new EnvironmentError(`cannot write ${path} (${code})`, {
    hint: 'check the directory exists and is writable',
    cause: error,
  });
}
