/**
 * Small stand-ins for the Stripe CLI and for broken binaries, written into temp
 * dirs: a script that answers `version`, a non-executable file, files whose
 * headers say "another platform", a program that fails.
 */
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { standInStripe } from './tar.js';

export function writeFile(path: string, content: string | Buffer, mode = 0o755): string {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, content);
  chmodSync(path, mode);
  return path;
}

/** A working stand-in that reports `version`. */
export function writeStandIn(path: string, version: string): string {
  return writeFile(path, standInStripe(version));
}

/** First bytes of programs built for other machines (each followed by filler). */
export const FOREIGN_HEADERS = {
  'linux-arm64 ELF': Buffer.concat([
    Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0xb7, 0x00]),
    Buffer.alloc(200, 0x41),
  ]),
  'darwin-arm64 Mach-O': Buffer.concat([Buffer.from([0xcf, 0xfa, 0xed, 0xfe, 0x0c, 0x00, 0x00, 0x01]), Buffer.alloc(200, 0x41)]),
  'win32-x64 PE': (() => {
    const pe = Buffer.alloc(256, 0);
    pe.write('MZ', 0);
    pe.writeUInt32LE(0x80, 0x3c);
    pe.write('PE\0\0', 0x80, 'latin1');
    pe.writeUInt16LE(0x8664, 0x84);
    return pe;
  })(),
  // Run by /bin/sh (what execvp does with a file the kernel cannot load), this would create `pwned`.
  garbage: Buffer.from('not a program at all\n`touch pwned`\n'),
};
