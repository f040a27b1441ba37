/**
 * Fetches the official platform package `@stripe/cli-<os>-<arch>` through the
 * user's own npm, so whatever registry, mirror, proxy, CA or token they have
 * configured keeps working. npm checks the tarball against the registry's
 * `dist.integrity` as it downloads; we check it again on the file we unpack.
 */
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rename, rm, chmod } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EnvironmentError } from '../errors.js';
import { redact } from '../lib/redact.js';
import { binaryName, npmPackage } from './platform.js';
import type { InstallRequest, SourceInstall } from './install.js';
import { extractTarGz } from './archive.js';

const NPM_TIMEOUT_MS = 5 * 60_000;
const NETWORK = new Set(['ECONNREFUSED', 'ENOTFOUND', 'ETIMEDOUT', 'EAI_AGAIN', 'ECONNRESET', 'EHOSTUNREACH', 'ENETUNREACH']);

interface NpmError {
  code?: string;
  summary?: string;
}

function integrityError(spec: string, detail: string): EnvironmentError {
  return new EnvironmentError(`${spec} failed its integrity check (${detail}); nothing installed`, {
    hint: 'the registry served a tarball that does not match its dist.integrity: check your registry or mirror, or use --from-release',
  });
}

function npmFailure(spec: string, command: string, error: NpmError | undefined, exitCode: number | undefined): EnvironmentError {
  const code = error?.code ?? '';
  const summary = redact((error?.summary ?? '').split('\n')[0]!.slice(0, 200));
  if (code === 'E404') {
    return new EnvironmentError(`${spec} is not in the npm registry (${summary || 'not found'})`, {
      hint: 'choose a published version with --cli-version, or check `npm config get registry`',
    });
  }
  if (code === 'EINTEGRITY') return integrityError(spec, "npm: the tarball's hash differs from dist.integrity");
  if (NETWORK.has(code) || /^E(CONN|NOTFOUND|AI_)/.test(code)) {
    return new EnvironmentError(`cannot reach the npm registry (${code})`, {
      hint: 'check your network and npm registry/proxy settings, or use --from-release with a reachable --download-base',
    });
  }
  const what = [code, summary].filter(Boolean).join(': ') || `exit code ${exitCode ?? 'unknown'}`;
  return new EnvironmentError(`npm ${command} ${spec} failed (${what})`, { hint: 're-run with --verbose, or use --from-release' });
}

/** Runs `npm <args> --json` and returns its parsed answer; npm reports errors as `{ error }` JSON. */
async function npmJson(args: string[], spec: string, request: InstallRequest): Promise<unknown> {
  const { execa } = await import('execa');
  const env = { ...request.env };
  delete env.STRIPE_API_KEY; // npm has no business with it
  const result = await execa('npm', [...args, '--json'], {
    env,
    extendEnv: false,
    cwd: request.cwd,
    stdin: 'ignore',
    reject: false,
    timeout: NPM_TIMEOUT_MS,
    cancelSignal: request.signal,
    maxBuffer: 10_000_000,
  });
  if (result.isCanceled && request.signal?.aborted) throw request.signal.reason;
  if ((result as { code?: string }).code === 'ENOENT') {
    throw new EnvironmentError('npm was not found on PATH', { hint: 'install Node.js with npm, or use `stripe-hooks setup --from-release`' });
  }
  if (result.timedOut) throw new EnvironmentError(`npm ${args[0]} ${spec} did not finish within ${NPM_TIMEOUT_MS / 60_000} minutes`, { hint: 'check your network and npm registry settings' });
  let parsed: unknown;
  try {
    parsed = JSON.parse(result.stdout || 'null');
  } catch {
    parsed = undefined;
  }
  const error = (parsed as { error?: NpmError } | undefined)?.error;
  if (result.exitCode !== 0 || error) throw npmFailure(spec, args[0]!, error, result.exitCode);
  return parsed;
}

/** `algo-base64` entries of an SRI string, strongest first. */
function sriEntries(integrity: string): { algorithm: string; digest: string }[] {
  const rank = ['sha512', 'sha384', 'sha256', 'sha1'];
  return integrity
    .split(/\s+/)
    .map((entry) => /^(sha\d+)-([A-Za-z0-9+/=]+)/.exec(entry))
    .filter((match): match is RegExpExecArray => match !== null && rank.includes(match[1]!))
    .map((match) => ({ algorithm: match[1]!, digest: match[2]! }))
    .sort((a, b) => rank.indexOf(a.algorithm) - rank.indexOf(b.algorithm));
}

export function checkIntegrity(data: Buffer, integrity: string, spec: string): void {
  const [strongest] = sriEntries(integrity);
  if (!strongest) throw integrityError(spec, `the registry gives no usable dist.integrity ("${integrity}")`);
  const actual = createHash(strongest.algorithm).update(data).digest('base64');
  if (actual !== strongest.digest) throw integrityError(spec, `${strongest.algorithm} mismatch`);
}

export function npmSource(request: InstallRequest): SourceInstall {
  const spec = `${npmPackage(request.platform)}@${request.version}`;
  return {
    description: `npm package ${spec}`,
    async fill(staging) {
      request.onProgress?.(`Looking up ${spec}…`);
      const dist = (await npmJson(['view', spec, 'dist'], spec, request)) as { integrity?: string } | null;
      // npm view prints nothing when no version matches a range; a plain version 404s, but be sure.
      if (!dist?.integrity) throw npmFailure(spec, 'view', { code: 'E404', summary: 'no such version' }, 0);
      const downloads = await mkdtemp(join(tmpdir(), 'stripe-hooks-npm-'));
      try {
        request.onProgress?.(`Downloading ${spec}…`);
        const packed = (await npmJson(['pack', spec, '--pack-destination', downloads, '--ignore-scripts'], spec, request)) as { filename?: string }[];
        const filename = packed?.[0]?.filename;
        if (!filename) throw new EnvironmentError(`npm pack ${spec} did not report the file it wrote`, { hint: 're-run with --verbose' });
        const tarball = await readFile(join(downloads, filename));
        checkIntegrity(tarball, dist.integrity, spec);
        request.onProgress?.(`Unpacking ${spec}…`);
        const entries = await extractTarGz(tarball, join(staging, 'package-contents'));
        const inside = `package/bin/${binaryName(request.platform)}`;
        if (!entries.some((entry) => entry.type === 'file' && entry.name === inside)) {
          throw new EnvironmentError(`${spec} has no ${inside}`, { hint: 'choose another --cli-version, or use --from-release' });
        }
        const binary = join(staging, binaryName(request.platform));
        await rename(join(staging, 'package-contents', ...inside.split('/')), binary);
        await chmod(binary, 0o755);
        await rm(join(staging, 'package-contents'), { recursive: true, force: true });
        return { integrity: dist.integrity };
      } finally {
        await rm(downloads, { recursive: true, force: true });
      }
    },
  };
}
