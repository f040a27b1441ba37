/**
 * Which Stripe CLI build fits this machine: the npm platform package, the
 * release file names (as Stripe's goreleaser configs and `@stripe/cli`'s
 * platforms.json spell them), and whether a file's header says it can run here.
 * The header check exists because `spawn` cannot be trusted to say so: on ENOEXEC
 * libuv's execvp falls back to /bin/sh and runs the bytes as a shell script.
 */
import { open } from 'node:fs/promises';

export interface Platform {
  os: NodeJS.Platform;
  arch: string;
}

export const DEFAULT_CLI_VERSION = '1.52.0';

export function currentPlatform(): Platform {
  return { os: process.platform, arch: process.arch };
}

const SUPPORTED = new Set(['linux-x64', 'linux-arm64', 'darwin-x64', 'darwin-arm64', 'win32-x64']);

export function isSupported(platform: Platform): boolean {
  return SUPPORTED.has(`${platform.os}-${platform.arch}`);
}

export function binaryName(platform: Platform): string {
  return platform.os === 'win32' ? 'stripe.exe' : 'stripe';
}

/** The npm package that carries the binary at `bin/<binaryName>`. */
export function npmPackage(platform: Platform): string {
  return `@stripe/cli-${platform.os}-${platform.arch}`;
}

const RELEASE_OS: Record<string, string> = { linux: 'linux', darwin: 'mac-os', win32: 'windows' };
const CHECKSUM_OS: Record<string, string> = { linux: 'linux', darwin: 'mac', win32: 'windows' };
const RELEASE_ARCH: Record<string, string> = { x64: 'x86_64', arm64: 'arm64' };

export interface ReleaseAssets {
  archive: string;
  checksums: string;
  /** Windows releases are zip files, the others gzipped tarballs. */
  format: 'zip' | 'tar.gz';
}

/** GitHub release asset names, e.g. stripe_1.52.0_linux_x86_64.tar.gz + stripe-linux-checksums.txt, stripe_1.52.0_windows_x86_64.zip. */
export function releaseAssets(version: string, platform: Platform): ReleaseAssets {
  const os = RELEASE_OS[platform.os] ?? platform.os;
  const arch = RELEASE_ARCH[platform.arch] ?? platform.arch;
  const format = releaseFormat(platform);
  return { archive: `stripe_${version}_${os}_${arch}.${format}`, checksums: `stripe-${CHECKSUM_OS[platform.os] ?? platform.os}-checksums.txt`, format };
}

function releaseFormat(platform: Platform): ReleaseAssets['format'] {
  return platform.os === 'win32' ? 'zip' : 'tar.gz';
}

/** How messages name the release archive: `release tarball …`, `release zip …`. */
export function releaseArchiveKind(platform: Platform): 'tarball' | 'zip' {
  return releaseFormat(platform) === 'zip' ? 'zip' : 'tarball';
}

/** What a file's first bytes say it is. */
export type ExecutableFormat =
  | { kind: 'script' }
  | { kind: 'native'; os: 'linux' | 'darwin' | 'win32'; arch: string | undefined }
  | { kind: 'unknown' };

const ELF_MACHINES: Record<number, string> = { 0x03: 'ia32', 0x28: 'arm', 0x3e: 'x64', 0xb7: 'arm64', 0xf3: 'riscv64' };
const MACHO_CPUS: Record<number, string> = { 0x7: 'ia32', 0x01000007: 'x64', 0xc: 'arm', 0x0100000c: 'arm64' };
const PE_MACHINES: Record<number, string> = { 0x14c: 'ia32', 0x8664: 'x64', 0xaa64: 'arm64' };

export function executableFormat(head: Buffer): ExecutableFormat {
  if (head.length >= 2 && head[0] === 0x23 && head[1] === 0x21) return { kind: 'script' }; // "#!"
  if (head.length >= 20 && head.readUInt32BE(0) === 0x7f454c46) {
    const machine = head[5] === 2 ? head.readUInt16BE(18) : head.readUInt16LE(18);
    return { kind: 'native', os: 'linux', arch: ELF_MACHINES[machine] ?? `machine 0x${machine.toString(16)}` };
  }
  if (head.length >= 8) {
    const magic = head.readUInt32LE(0);
    if (magic === 0xfeedfacf || magic === 0xfeedface) {
      const cpu = head.readUInt32LE(4);
      return { kind: 'native', os: 'darwin', arch: MACHO_CPUS[cpu] ?? `cpu 0x${cpu.toString(16)}` };
    }
    // Universal binary: several architectures inside; whether ours is among them is left to the loader.
    if (head.readUInt32BE(0) === 0xcafebabe) return { kind: 'native', os: 'darwin', arch: undefined };
  }
  if (head.length >= 0x40 && head[0] === 0x4d && head[1] === 0x5a) {
    const pe = head.readUInt32LE(0x3c);
    const arch = pe + 6 <= head.length && head.readUInt32BE(pe) === 0x50450000 ? PE_MACHINES[head.readUInt16LE(pe + 4)] : undefined;
    return { kind: 'native', os: 'win32', arch };
  }
  return { kind: 'unknown' };
}

export async function readHead(path: string, bytes = 4096): Promise<Buffer> {
  const file = await open(path, 'r');
  try {
    const buffer = Buffer.alloc(bytes);
    const { bytesRead } = await file.read(buffer, 0, bytes, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await file.close();
  }
}

/** Architectures a host runs natively or through the OS's own translation layer. */
const RUNS_ON: Record<string, string[]> = {
  x64: ['x64', 'ia32'],
  arm64: ['arm64', 'arm'],
  'darwin-arm64': ['arm64', 'x64'], // Rosetta 2
};

/**
 * Why a file cannot run here, or undefined when its format fits (or the loader
 * must decide). Scripts are allowed: their interpreter is the one that runs.
 */
export function platformMismatch(format: ExecutableFormat, platform: Platform): string | undefined {
  if (format.kind === 'script') return platform.os === 'win32' ? 'it is a script, not a Windows program' : undefined;
  if (format.kind === 'unknown') return 'it is not a program (unrecognised file format)';
  const wanted = platform.os === 'win32' ? 'win32' : platform.os === 'darwin' ? 'darwin' : 'linux';
  const describe = (os: string, arch: string | undefined) => `${os}${arch ? `-${arch}` : ''}`;
  if (format.os !== wanted) return `it is built for ${describe(format.os, format.arch)}, this machine is ${platform.os}-${platform.arch}`;
  const runs = RUNS_ON[`${platform.os}-${platform.arch}`] ?? RUNS_ON[platform.arch] ?? [platform.arch];
  if (format.arch !== undefined && !runs.includes(format.arch)) {
    return `it is built for ${describe(format.os, format.arch)}, this machine is ${platform.os}-${platform.arch}`;
  }
  return undefined;
}
