/**
 * A stand-in for GitHub release downloads (or a mirror of them) on 127.0.0.1:
 * `<url>v<version>/<file>`, serving the archive and checksums file a test built.
 * Pass `url` as `--download-base`.
 */
import { createHash } from 'node:crypto';
import { startStaticServer, type StaticServer } from './static-server.js';

export function sha256(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

/** A `sha256sum`-style checksums file, the format goreleaser writes. */
export function checksumsFile(files: Record<string, Buffer>): string {
  return Object.entries(files).map(([name, data]) => `${sha256(data)}  ${name}\n`).join('');
}

export async function startReleaseServer(version: string, files: Record<string, Buffer | string>): Promise<StaticServer> {
  const server = await startStaticServer();
  for (const [name, body] of Object.entries(files)) server.files.set(`/v${version}/${name}`, body);
  return server;
}
