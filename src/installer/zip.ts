/**
 * The Stripe CLI's Windows release is a .zip: read with yauzl (central directory first, streamed inflate, entry
 * sizes enforced), under the guards archive.ts applies to tar. Every entry is checked before a byte is inflated,
 * so an archive with one bad entry installs nothing: names that are absolute or climb out with `..` (or use `\`),
 * links (Unix symlinks, Windows reparse points), devices, encrypted or oddly compressed entries, the same name twice
 * (Windows names ignore case), more entries or more declared bytes than a Stripe CLI archive could need. Then only
 * the one file asked for is inflated and written: its declared size is what yauzl lets through (a zip bomb whose
 * entry says less than it inflates to stops at that count), and its CRC-32 must match.
 */
import { createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { crc32 } from 'node:zlib';
import yauzl from 'yauzl';
import { MAX_UNPACKED, safeEntryName, unsafeArchive } from './archive.js';

export interface ZipEntry {
  /** Normalised relative path, `/`-separated. */
  name: string;
  type: 'file' | 'directory';
  /** As the central directory declares it (yauzl holds the inflated data to it). */
  size: number;
}

export interface ZipLimits {
  /** All entries' declared sizes together. */
  maxBytes?: number;
  /** One entry's declared size: the Stripe CLI's binary is ~32 MiB. */
  maxEntryBytes?: number;
  /** A release archive holds the binary and a few text files. */
  maxEntries?: number;
}

const MAX_ENTRY = 128 * 1024 * 1024;
const MAX_ENTRIES = 1000;

const S_IFMT = 0o170000;
const S_IFREG = 0o100000;
const S_IFDIR = 0o040000;
const S_IFLNK = 0o120000;
/** MS-DOS attributes (the low 16 bits, whatever the host): a directory, and an NTFS reparse point (symlink, junction). */
const DOS_DIRECTORY = 0x10;
const DOS_REPARSE_POINT = 0x400;
/** "Version made by" hosts whose high 16 attribute bits are a Unix st_mode: Unix, and OS X. */
const UNIX_HOSTS = new Set([3, 19]);
const STORED = 0;
const DEFLATED = 8;

/** The entry's type, or why it is refused, from its name and external attributes. */
function entryType(entry: yauzl.Entry, name: string): ZipEntry['type'] {
  const attributes = entry.externalFileAttributes >>> 0;
  const mode = UNIX_HOSTS.has(entry.versionMadeBy >> 8) ? attributes >>> 16 : 0;
  const format = mode & S_IFMT;
  if (format === S_IFLNK || (attributes & DOS_REPARSE_POINT) !== 0) {
    throw unsafeArchive(`symbolic link "${name}" refused (a Stripe CLI archive has no links)`);
  }
  if (format !== 0 && format !== S_IFREG && format !== S_IFDIR) {
    throw unsafeArchive(`entry "${name}" has unsupported type (devices, fifos and sockets are refused)`);
  }
  const directory = entry.fileNameRaw.at(-1) === 0x2f || format === S_IFDIR || (mode === 0 && (attributes & DOS_DIRECTORY) !== 0);
  return directory ? 'directory' : 'file';
}

/** Checks one central-directory entry; returns it normalised. */
function checkEntry(entry: yauzl.Entry, maxEntryBytes: number): ZipEntry {
  // Decoded as yauzl would (CP437 or UTF-8, or the Unicode path extra field), then checked by the rule tar's names meet.
  const raw = yauzl.getFileNameLowLevel(entry.generalPurposeBitFlag, entry.fileNameRaw, entry.extraFields, false);
  const name = safeEntryName(raw);
  if (name === undefined) throw unsafeArchive(`entry "${raw}" would be written outside the target directory`);
  if (name === '') throw unsafeArchive('an entry without a name');
  const type = entryType(entry, name);
  if (entry.isEncrypted()) throw unsafeArchive(`entry "${name}" is encrypted`);
  if (entry.compressionMethod !== STORED && entry.compressionMethod !== DEFLATED) {
    throw unsafeArchive(`entry "${name}" uses compression method ${entry.compressionMethod} (only stored and deflated are read)`);
  }
  if (entry.uncompressedSize > maxEntryBytes) {
    throw unsafeArchive(`entry "${name}" would unpack to ${entry.uncompressedSize} bytes, more than ${Math.round(maxEntryBytes / 2 ** 20)} MiB`);
  }
  return { name, type, size: type === 'file' ? entry.uncompressedSize : 0 };
}

/** Streams the entry to `path`, counting and checksumming as it goes; yauzl stops it past its declared size. */
async function writeEntry(zip: yauzl.ZipFile, entry: yauzl.Entry, path: string, name: string): Promise<void> {
  let sum = 0;
  let bytes = 0;
  const check = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      bytes += chunk.length;
      // yauzl already refuses more than declared; counted here too, so the bound holds whatever its options.
      if (bytes > entry.uncompressedSize) return done(unsafeArchive(`entry "${name}" inflates to more than its declared ${entry.uncompressedSize} bytes`));
      sum = crc32(chunk, sum);
      done(null, chunk);
    },
  });
  try {
    await pipeline(await zip.openReadStreamPromise(entry), check, createWriteStream(path, { mode: 0o755 }));
    if (sum >>> 0 !== entry.crc32 >>> 0) throw unsafeArchive(`entry "${name}" fails its CRC-32 check`);
  } catch (error) {
    await rm(path, { force: true }); // what was written of it is not the file the archive promised
    throw corrupt(error);
  }
}

/** yauzl's and zlib's errors say what is wrong with the archive; ours already are the right error. */
function corrupt(error: unknown): Error {
  if (error instanceof Error && error.message.startsWith('unsafe or corrupt archive')) return error;
  return unsafeArchive(`cannot read the zip (${error instanceof Error ? error.message : String(error)})`);
}

/**
 * Checks every entry of a zip archive, then writes the one file named `wanted` (a normalised top-level name such as
 * `stripe.exe`) to `<target>/<wanted>`. Returns every entry; the caller says what a missing `wanted` means.
 */
export async function extractZipFile(archive: Buffer, wanted: string, target: string, limits: ZipLimits = {}): Promise<ZipEntry[]> {
  const { maxBytes = MAX_UNPACKED, maxEntryBytes = MAX_ENTRY, maxEntries = MAX_ENTRIES } = limits;
  let zip: yauzl.ZipFile;
  try {
    // decodeStrings off: names are decoded and checked above, so a bad one gets the message tar's would.
    zip = await yauzl.fromBufferPromise(archive, { decodeStrings: false, validateEntrySizes: true });
  } catch (error) {
    throw corrupt(error);
  }
  if (zip.entryCount > maxEntries) throw unsafeArchive(`${zip.entryCount} entries, more than the ${maxEntries} a Stripe CLI archive could hold`);
  const entries: ZipEntry[] = [];
  const seen = new Set<string>();
  let total = 0;
  let found: yauzl.Entry | undefined;
  try {
    for await (const entry of zip.eachEntry()) {
      const checked = checkEntry(entry, maxEntryBytes);
      const key = checked.name.toLowerCase(); // one file on Windows, whichever of the two would land last
      if (seen.has(key)) throw unsafeArchive(`entry "${checked.name}" appears more than once`);
      seen.add(key);
      total += checked.size;
      if (total > maxBytes) throw unsafeArchive(`it would unpack to more than ${Math.round(maxBytes / 2 ** 20)} MiB`);
      if (checked.type === 'file' && checked.name === wanted) found = entry;
      entries.push(checked);
    }
  } catch (error) {
    throw corrupt(error);
  }
  if (found) await writeEntry(zip, found, join(target, wanted), wanted);
  return entries;
}
