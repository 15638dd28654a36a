/**
 * Extracts a function zip as Lambda does before the first invocation. Written against the ZIP
 * format (APPNOTE: end of central directory, central and local headers; stored and deflated
 * entries) with node:zlib, so the runtime needs no unzip tool and no dependency.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, isAbsolute, join, normalize, sep } from 'node:path';
import { inflateRawSync } from 'node:zlib';
import { LocalLambdaError } from './errors.ts';

const END_OF_CENTRAL_DIRECTORY = 0x06054b50;
const CENTRAL_HEADER = 0x02014b50;
const LOCAL_HEADER = 0x04034b50;
const STORED = 0;
const DEFLATED = 8;
// The end record is 22 bytes plus a comment of at most 65,535.
const END_SEARCH_BYTES = 22 + 0xffff;

export interface ZipEntry {
  path: string;
  data: Buffer;
}

/** Every file of the archive (directories are implied by the paths), contents checked against their CRC. */
export function readZipEntries(archive: Buffer, name = 'archive'): ZipEntry[] {
  const fail = (message: string) => new LocalLambdaError('local-lambda.bad-zip', `${name}: ${message}`);
  const end = findEndOfCentralDirectory(archive);
  if (end < 0) throw fail('not a zip file (no end of central directory)');
  const count = archive.readUInt16LE(end + 10);
  let offset = archive.readUInt32LE(end + 16);
  if (offset === 0xffffffff || count === 0xffff) throw fail('ZIP64 archives are not supported');
  const entries: ZipEntry[] = [];
  for (let index = 0; index < count; index++) {
    if (archive.readUInt32LE(offset) !== CENTRAL_HEADER) throw fail(`bad central header ${index}`);
    const method = archive.readUInt16LE(offset + 10);
    const crc = archive.readUInt32LE(offset + 16);
    const compressedSize = archive.readUInt32LE(offset + 20);
    const size = archive.readUInt32LE(offset + 24);
    const nameLength = archive.readUInt16LE(offset + 28);
    const extraLength = archive.readUInt16LE(offset + 30);
    const commentLength = archive.readUInt16LE(offset + 32);
    const localOffset = archive.readUInt32LE(offset + 42);
    const path = archive.toString('utf8', offset + 46, offset + 46 + nameLength);
    offset += 46 + nameLength + extraLength + commentLength;
    if (path.endsWith('/')) continue;
    if (archive.readUInt32LE(localOffset) !== LOCAL_HEADER) throw fail(`bad local header for ${path}`);
    const dataStart =
      localOffset + 30 + archive.readUInt16LE(localOffset + 26) + archive.readUInt16LE(localOffset + 28);
    const raw = archive.subarray(dataStart, dataStart + compressedSize);
    if (method !== STORED && method !== DEFLATED) throw fail(`${path}: compression method ${method}`);
    const data = method === STORED ? Buffer.from(raw) : inflateRawSync(raw);
    if (data.length !== size || crc32(data) !== crc) throw fail(`${path}: contents do not match the CRC`);
    entries.push({ path, data });
  }
  return entries;
}

/** Writes the archive's files under `target`; refuses entries that would land outside it. */
export async function extractZip(zipFile: string, target: string): Promise<string[]> {
  const entries = readZipEntries(await readFile(zipFile), zipFile);
  for (const entry of entries) {
    const relative = normalize(entry.path);
    if (isAbsolute(relative) || relative === '..' || relative.startsWith(`..${sep}`))
      throw new LocalLambdaError('local-lambda.bad-zip', `${zipFile}: entry ${entry.path} leaves the folder`);
    const destination = join(target, relative);
    await mkdir(dirname(destination), { recursive: true });
    await writeFile(destination, entry.data);
  }
  return entries.map((entry) => entry.path);
}

function findEndOfCentralDirectory(archive: Buffer): number {
  const lowest = Math.max(0, archive.length - END_SEARCH_BYTES);
  for (let offset = archive.length - 22; offset >= lowest; offset--) {
    if (archive.readUInt32LE(offset) === END_OF_CENTRAL_DIRECTORY) return offset;
  }
  return -1;
}

// zlib.crc32 arrived in Node 20.15; development supports 20.12.
const CRC_TABLE = Array.from({ length: 256 }, (_, byte) => {
  let value = byte;
  for (let bit = 0; bit < 8; bit++) value = value & 1 ? 0xedb88320 ^ (value >>> 1) : value >>> 1;
  return value >>> 0;
});

export function crc32(data: Buffer): number {
  let crc = 0xffffffff;
  for (const byte of data) crc = (CRC_TABLE[(crc ^ byte) & 0xff] ?? 0) ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}
