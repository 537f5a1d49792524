// A small PNG reader for tests (no dependency): checks the signature, every chunk's CRC, that IHDR
// comes first and IEND last, and inflates the IDAT stream to exactly the size IHDR promises. That is a
// decode: a PNG that passes has the pixels it claims.
import { inflateSync } from 'node:zlib';

export const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

export interface PngInfo {
  width: number;
  height: number;
  bitDepth: number;
  /** 0 gray, 2 RGB, 3 palette, 4 gray+alpha, 6 RGBA. */
  colorType: number;
  chunks: string[];
  /** Bytes of the inflated image data (rows with their filter byte). */
  rawBytes: number;
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(bytes: Buffer): number {
  let c = 0xffffffff;
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

const CHANNELS: Record<number, number> = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 };

/** Decodes the structure of a PNG; throws an Error saying what is wrong. */
export function readPng(png: Buffer): PngInfo {
  if (png.length < 8 || !png.subarray(0, 8).equals(PNG_SIGNATURE)) throw new Error('not a PNG: bad signature');
  const chunks: string[] = [];
  const idat: Buffer[] = [];
  let header: Omit<PngInfo, 'chunks' | 'rawBytes'> | null = null;
  let at = 8;
  while (at < png.length) {
    if (at + 12 > png.length) throw new Error(`chunk at ${at} is cut short`);
    const length = png.readUInt32BE(at);
    const type = png.toString('latin1', at + 4, at + 8);
    const end = at + 12 + length;
    if (end > png.length) throw new Error(`${type} chunk is cut short`);
    const crc = png.readUInt32BE(at + 8 + length);
    if (crc32(png.subarray(at + 4, at + 8 + length)) !== crc) throw new Error(`${type} chunk has a bad CRC`);
    const data = png.subarray(at + 8, at + 8 + length);
    if (chunks.length === 0 && type !== 'IHDR') throw new Error('the first chunk is not IHDR');
    if (type === 'IHDR') header = { width: data.readUInt32BE(0), height: data.readUInt32BE(4), bitDepth: data[8]!, colorType: data[9]! };
    if (type === 'IDAT') idat.push(Buffer.from(data));
    chunks.push(type);
    at = end;
  }
  if (header === null || chunks.at(-1) !== 'IEND') throw new Error('no IHDR or no IEND');
  if (!(header.colorType in CHANNELS)) throw new Error(`unknown colour type ${header.colorType}`);
  const raw = inflateSync(Buffer.concat(idat));
  const rowBytes = 1 + Math.ceil((header.width * CHANNELS[header.colorType]! * header.bitDepth) / 8);
  if (raw.length !== rowBytes * header.height) throw new Error(`image data is ${raw.length} bytes, IHDR says ${rowBytes * header.height}`);
  return { ...header, chunks, rawBytes: raw.length };
}
