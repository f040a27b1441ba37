/**
 * A small, strict reader for the gzipped tar archives the Stripe CLI ships in
 * (npm tarballs, GitHub release tarballs). Strict on purpose: the whole archive
 * is read and every entry checked before anything is written, so an archive
 * with one bad entry installs nothing. Refused: names that are absolute or climb
 * out with `..`, every link (symbolic or hard) and device files. Links are refused
 * outright rather than checked one by one: a chain of links that each look
 * harmless (`a -> .`, then `a/b -> ..`) can still end outside the target, and the
 * Stripe CLI's archives contain none. Understands ustar, GNU long names and pax
 * path records.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { createGunzip } from 'node:zlib';
import { EnvironmentError } from '../errors.js';

export interface TarEntry {
  /** Normalised relative path, `/`-separated. */
  name: string;
  type: 'file' | 'directory';
  mode: number;
  data: Buffer;
}

const BLOCK = 512;
/** The whole archive, unpacked: the Stripe CLI's is ~32 MiB (its binary), so this leaves room to grow, not to bomb. */
export const MAX_UNPACKED = 256 * 1024 * 1024;

export function unsafeArchive(message: string): EnvironmentError {
  return new EnvironmentError(`unsafe or corrupt archive: ${message}`, {
    hint: 'nothing was installed; check the download source (--download-base) or the registry',
  });
}

function text(block: Buffer, start: number, length: number): string {
  const field = block.subarray(start, start + length);
  const end = field.indexOf(0);
  return field.subarray(0, end === -1 ? length : end).toString('utf8');
}

function octal(block: Buffer, start: number, length: number): number {
  // GNU base-256 for big numbers: high bit of the first byte set.
  if ((block[start]! & 0x80) !== 0) {
    let value = block[start]! & 0x7f;
    for (let i = 1; i < length; i++) value = value * 256 + block[start + i]!;
    return value;
  }
  const digits = text(block, start, length).trim();
  if (digits === '') return 0;
  if (!/^[0-7]+$/.test(digits)) throw unsafeArchive('malformed number in a header');
  return parseInt(digits, 8);
}

function checksumOk(block: Buffer): boolean {
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 0x20 : block[i]!;
  return sum === octal(block, 148, 8);
}

/** `len key=value\n` records of a pax extended header. */
function paxRecords(data: Buffer): Record<string, string> {
  const records: Record<string, string> = {};
  let at = 0;
  while (at < data.length) {
    const space = data.indexOf(0x20, at);
    const length = Number(data.subarray(at, space).toString());
    if (space === -1 || !Number.isInteger(length) || length <= 0) throw unsafeArchive('malformed pax header');
    const record = data.subarray(space + 1, at + length - 1).toString('utf8');
    const equals = record.indexOf('=');
    records[record.slice(0, equals)] = record.slice(equals + 1);
    at += length;
  }
  return records;
}

/** The entry's path made relative and checked: nothing absolute, nothing climbing out. */
export function safeEntryName(raw: string): string | undefined {
  if (raw.includes('\0') || raw.includes('\\') || raw.startsWith('/') || /^[A-Za-z]:/.test(raw)) return undefined;
  const parts = raw.split('/').filter((part) => part !== '' && part !== '.');
  if (parts.length === 0) return '';
  if (parts.includes('..')) return undefined;
  return parts.join('/');
}

/** Parses a (decompressed) tar archive into checked entries; throws on the first unsafe or malformed one. */
export function readTar(archive: Buffer): TarEntry[] {
  const entries: TarEntry[] = [];
  // A file named twice would land as whichever copy came last (on macOS's case-insensitive disks, `Stripe` and
  // `stripe` too): refused, as zip.ts refuses it, so what is installed is never a matter of entry order.
  const files = new Set<string>();
  let pending: { path?: string } = {};
  let at = 0;
  let ended = false;
  while (at + BLOCK <= archive.length) {
    const header = archive.subarray(at, at + BLOCK);
    if (header.every((byte) => byte === 0)) {
      ended = true; // end-of-archive marker
      break;
    }
    if (!checksumOk(header)) throw unsafeArchive('header checksum mismatch');
    const size = octal(header, 124, 12);
    const type = String.fromCharCode(header[156]!);
    const dataStart = at + BLOCK;
    if (dataStart + size > archive.length) throw unsafeArchive('truncated archive');
    const data = archive.subarray(dataStart, dataStart + size);
    at = dataStart + Math.ceil(size / BLOCK) * BLOCK;

    if (type === 'x') pending = { ...pending, ...paxRecords(data) };
    else if (type === 'L') pending.path = text(data, 0, data.length);
    else if (type === 'K') continue; // a GNU long link name: the link itself is refused below
    else if (type === 'g') continue; // global pax header: nothing we use
    else {
      const prefix = header.subarray(257, 263).toString() === 'ustar\0' ? text(header, 345, 155) : '';
      const raw = pending.path ?? (prefix ? `${prefix}/${text(header, 0, 100)}` : text(header, 0, 100));
      pending = {};
      const name = safeEntryName(raw);
      if (name === undefined) throw unsafeArchive(`entry "${raw}" would be written outside the target directory`);
      const mode = octal(header, 100, 8) & 0o755; // no setuid/setgid/sticky, no group/world write
      if (name === '' && type !== '5') throw unsafeArchive('an entry without a name');
      if (type === '0' || type === '\0' || type === '7') {
        if (files.has(name.toLowerCase())) throw unsafeArchive(`entry "${name}" appears more than once`);
        files.add(name.toLowerCase());
        entries.push({ name, type: 'file', mode, data });
      } else if (type === '5') {
        if (name !== '') entries.push({ name, type: 'directory', mode, data: Buffer.alloc(0) });
      } else if (type === '1' || type === '2') {
        throw unsafeArchive(`${type === '1' ? 'hard' : 'symbolic'} link "${name}" refused (a Stripe CLI archive has no links)`);
      } else {
        throw unsafeArchive(`entry "${name}" has unsupported type "${type}" (devices and fifos are refused)`);
      }
    }
  }
  if (!ended) throw unsafeArchive('truncated archive (no end-of-archive marker)');
  return entries;
}

/**
 * Inflates chunk by chunk, keeping a running count, and stops at the first chunk that would pass `maxBytes`: a
 * gzip bomb costs at most the cap in memory, never what it would inflate to. `inflated` sees the count.
 */
function gunzipArchive(compressed: Buffer, maxBytes: number, inflated?: (bytes: number) => void): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const gunzip = createGunzip();
    const chunks: Buffer[] = [];
    let size = 0;
    gunzip.on('data', (chunk: Buffer) => {
      if (size + chunk.length > maxBytes) {
        gunzip.destroy();
        return reject(unsafeArchive(`cannot decompress: it unpacks to more than ${Math.round(maxBytes / 2 ** 20)} MiB`));
      }
      size += chunk.length;
      inflated?.(size);
      chunks.push(chunk);
    });
    gunzip.on('end', () => resolve(Buffer.concat(chunks, size)));
    gunzip.on('error', (error) => reject(unsafeArchive(`cannot decompress (${error.message})`)));
    gunzip.end(compressed);
  });
}

/** Checks every entry of a .tar.gz, then writes them under `target` (which should be new and empty). */
export async function extractTarGz(compressed: Buffer, target: string, options: { maxBytes?: number; inflated?: (bytes: number) => void } = {}): Promise<TarEntry[]> {
  const entries = readTar(await gunzipArchive(compressed, options.maxBytes ?? MAX_UNPACKED, options.inflated));
  for (const entry of entries) {
    const path = join(target, ...entry.name.split('/'));
    if (entry.type === 'directory') await mkdir(path, { recursive: true, mode: entry.mode | 0o700 });
    else if (entry.type === 'file') {
      await mkdir(dirname(path), { recursive: true });
      await writeFile(path, entry.data, { mode: entry.mode });
    }
  }
  return entries;
}
