/**
 * Builds .tar.gz archives for tests, including the malicious ones a real tar
 * refuses to write (`../` names, absolute names, symlinks pointing out, hard
 * links), plus the stand-in Stripe CLI scripts that go inside them.
 */
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { STRIPE_BIN } from './cli.js';

export interface TestEntry {
  name: string;
  data?: Buffer | string;
  mode?: number;
  type?: 'file' | 'directory' | 'symlink' | 'hardlink';
  linkTarget?: string;
}

function field(block: Buffer, value: string, offset: number, length: number): void {
  block.write(value.slice(0, length), offset, length, 'utf8');
}

function number(block: Buffer, value: number, offset: number, length: number): void {
  field(block, value.toString(8).padStart(length - 1, '0') + '\0', offset, length);
}

const TYPE_FLAG = { file: '0', hardlink: '1', symlink: '2', directory: '5' } as const;

function header(name: string, size: number, mode: number, type: string, linkTarget = ''): Buffer {
  const block = Buffer.alloc(512);
  field(block, name, 0, 100);
  number(block, mode, 100, 8);
  number(block, 0, 108, 8);
  number(block, 0, 116, 8);
  number(block, size, 124, 12);
  number(block, 1_700_000_000, 136, 12);
  block.fill(0x20, 148, 156);
  field(block, type, 156, 1);
  field(block, linkTarget, 157, 100);
  field(block, 'ustar\u000000', 257, 8);
  let sum = 0;
  for (const byte of block) sum += byte;
  field(block, sum.toString(8).padStart(6, '0') + '\0 ', 148, 8);
  return block;
}

function pad(data: Buffer): Buffer[] {
  const rest = data.length % 512;
  return rest === 0 ? [data] : [data, Buffer.alloc(512 - rest)];
}

/** A ustar archive; names longer than 100 bytes get a pax `path` record, as Go's and GNU tar's writers do. */
export function buildTar(entries: TestEntry[]): Buffer {
  const blocks: Buffer[] = [];
  for (const entry of entries) {
    const type = entry.type ?? 'file';
    const data = Buffer.from(entry.data ?? '');
    let name = entry.name;
    if (Buffer.byteLength(name) > 100) {
      const record = (length: number) => `${length} path=${entry.name}\n`;
      let length = record(0).length;
      while (record(length).length !== length) length = record(length).length;
      const pax = Buffer.from(record(length));
      blocks.push(header('PaxHeader/long', pax.length, 0o644, 'x'), ...pad(pax));
      name = name.slice(0, 100);
    }
    const size = type === 'file' ? data.length : 0;
    blocks.push(header(name, size, entry.mode ?? (type === 'directory' ? 0o755 : 0o644), TYPE_FLAG[type], entry.linkTarget));
    if (size) blocks.push(...pad(data));
  }
  blocks.push(Buffer.alloc(1024));
  return Buffer.concat(blocks);
}

export function buildTarGz(entries: TestEntry[]): Buffer {
  return gzipSync(buildTar(entries), { level: 1 });
}

/** A shell script that answers `version` the way the Stripe CLI does (and fails anything else). */
export function standInStripe(version: string): string {
  return `#!/bin/sh\nif [ "$1" = version ]; then echo "stripe version ${version}"; echo "Checking for new versions..." >&2; exit 0; fi\nexit 1\n`;
}

/** An npm platform package tarball (package/package.json + package/bin/stripe). */
export function npmPackageTarball(name: string, version: string, binary: Buffer | string): Buffer {
  return buildTarGz([
    { name: 'package/package.json', data: JSON.stringify({ name, version, os: ['linux'], cpu: ['x64'], files: ['bin/stripe'] }) },
    { name: 'package/bin/stripe', data: binary, mode: 0o755 },
  ]);
}

/** The real Stripe CLI binary (v1.52.0) from the @stripe/cli devDependency. */
export function realStripeBinary(): Buffer {
  return readFileSync(STRIPE_BIN);
}
