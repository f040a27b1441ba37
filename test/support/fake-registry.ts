/**
 * A local npm registry on 127.0.0.1, enough for the real `npm view` and `npm pack`:
 * a packument per package at `/<name>` (scoped names are requested as
 * `@scope%2fname`) whose versions point their `dist.tarball` back at this server,
 * with `dist.integrity` / `dist.shasum` computed from the tarball the test built —
 * or, to prove tampering is caught, from other bytes. Point npm at it with
 * `npm_config_registry=<url>` and a temp `npm_config_cache`.
 */
import { createHash } from 'node:crypto';
import { startStaticServer, type StaticServer } from './static-server.js';

export interface PublishedVersion {
  name: string;
  version: string;
  tarball: Buffer;
  /** Advertise the integrity of these bytes instead of the tarball's (a tampered registry or mirror). */
  integrityOf?: Buffer;
}

export interface FakeRegistry extends StaticServer {
  /** Requests for tarballs only. */
  tarballRequests(): string[];
}

export function sri(data: Buffer): string {
  return `sha512-${createHash('sha512').update(data).digest('base64')}`;
}

export async function startFakeRegistry(published: PublishedVersion[]): Promise<FakeRegistry> {
  const server = await startStaticServer();
  const packuments = new Map<string, { name: string; 'dist-tags': Record<string, string>; versions: Record<string, unknown> }>();
  for (const entry of published) {
    const file = `/${entry.name}/-/${entry.name.split('/').pop()}-${entry.version}.tgz`;
    server.files.set(file, entry.tarball);
    const advertised = entry.integrityOf ?? entry.tarball;
    const packument = packuments.get(entry.name) ?? { name: entry.name, 'dist-tags': {}, versions: {} };
    packument['dist-tags'].latest = entry.version;
    packument.versions[entry.version] = {
      name: entry.name,
      version: entry.version,
      dist: {
        tarball: new URL(file.slice(1), server.url).href,
        integrity: sri(advertised),
        shasum: createHash('sha1').update(advertised).digest('hex'),
      },
    };
    packuments.set(entry.name, packument);
  }
  // The static server decodes paths, so `@stripe%2fcli-linux-x64` arrives as `/@stripe/cli-linux-x64`.
  for (const [name, packument] of packuments) server.files.set(`/${name}`, JSON.stringify(packument));
  return { ...server, tarballRequests: () => server.requests.filter((request) => request.endsWith('.tgz')) };
}

/**
 * The environment that points the real npm at the fake registry, with its own empty cache.
 * Retries off: npm retries a failed or corrupt download with 10 s-60 s back-off by default,
 * which would only make the failure tests slow (the outcome is the same).
 */
export function registryEnv(registry: { url: string }, cacheDir: string): NodeJS.ProcessEnv {
  return {
    npm_config_registry: registry.url,
    npm_config_cache: cacheDir,
    npm_config_fetch_retries: '0',
    npm_config_update_notifier: 'false',
    npm_config_audit: 'false',
    npm_config_fund: 'false',
  };
}
