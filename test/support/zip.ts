/**
 * Builds .zip archives for tests byte by byte (PKWARE's APPNOTE: local headers, central directory, end record),
 * including the hostile ones a zip tool refuses to write: `../` and absolute names, symlinks, device entries,
 * sizes and CRCs that lie, the same name twice.
 */
import { crc32, deflateRawSync } from 'node:zlib';

export interface ZipTestEntry {
  name: string;
  data?: Buffer | string;
  /** Unix st_mode (type and permissions), stored as a Unix host's external attributes; default a 0644 file. */
  mode?: number;
  /** Stored as a Windows host's external attributes instead (0x10 directory, 0x400 reparse point). */
  dosAttributes?: number;
  /** Default deflate (8); 0 stores. */
  method?: number;
  /** What the headers say the entry inflates to (default: the truth). */
  declaredSize?: number;
  crc?: number;
  /** General purpose flags (0x1 marks an entry encrypted); UTF-8 names (0x800) always. */
  flags?: number;
}

export const S_IFLNK = 0o120000;
export const S_IFREG = 0o100000;
export const S_IFDIR = 0o040000;

function u16(value: number): Buffer {
  const buffer = Buffer.alloc(2);
  buffer.writeUInt16LE(value);
  return buffer;
}

function u32(value: number): Buffer {
  const buffer = Buffer.alloc(4);
  buffer.writeUInt32LE(value >>> 0);
  return buffer;
}

export function buildZip(entries: ZipTestEntry[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const entry of entries) {
    const data = Buffer.from(entry.data ?? '');
    const method = entry.method ?? 8;
    const packed = method === 8 ? deflateRawSync(data) : data;
    const name = Buffer.from(entry.name, 'utf8');
    const crc = entry.crc ?? crc32(data);
    const size = entry.declaredSize ?? data.length;
    const flags = 0x800 | (entry.flags ?? 0);
    const common = [u16(20), u16(flags), u16(method), u16(0), u16(0x5a21), u32(crc), u32(packed.length), u32(size), u16(name.length), u16(0)];
    const local = Buffer.concat([u32(0x04034b50), ...common, name, packed]);
    const unix = entry.dosAttributes === undefined;
    const attributes = unix ? ((entry.mode ?? S_IFREG | 0o644) << 16) >>> 0 : entry.dosAttributes!;
    const madeBy = unix ? (3 << 8) | 20 : 20;
    centrals.push(Buffer.concat([u32(0x02014b50), u16(madeBy), ...common, u16(0), u16(0), u16(0), u32(attributes), u32(offset), name]));
    locals.push(local);
    offset += local.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.concat([u32(0x06054b50), u16(0), u16(0), u16(entries.length), u16(entries.length), u32(directory.length), u32(offset), u16(0)]);
  return Buffer.concat([...locals, directory, end]);
}
