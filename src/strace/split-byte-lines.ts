/**
 * Splits a byte (or text) chunk stream into lines without decoding it: each line is handed on as a
 * range of the chunk it arrived in. Same lines as transport/line-splitter.ts's LineSplitter: `\n` or
 * `\r\n`, a UTF-8 character split across chunks, and a line longer than `maxLineLength` characters cut
 * there and counted.
 */

const CH_LF = 10;
const CH_CR = 13;

/** Where the lines go. */
export interface ByteLineSink {
  /** A line as `buf[start, end)`, without its terminator; valid only during the call. */
  bytes(buf: Buffer, start: number, end: number): void;
  /** An overlong line, decoded and cut at maxLineLength characters. */
  text(line: string): void;
}

export interface ByteLineSplitter {
  push(chunk: Uint8Array | string): void;
  /** Hands on the last line when the stream did not end with a newline. */
  end(): void;
  /** How many lines were cut at maxLineLength. */
  overlongLines(): number;
}

/**
 * Creates a splitter feeding `sink`. `indexOf(10)` on the chunk is a native memchr; only a line that
 * spans chunks is copied (into a carry buffer), and no line is decoded unless it may be overlong.
 */
export function createByteLineSplitter(sink: ByteLineSink, maxLineLength: number): ByteLineSplitter {
  // A line of more than 3 bytes per UTF-16 unit of the limit is overlong whatever its characters,
  // so the carry never grows past this.
  const carryLimit = 3 * maxLineLength + 4;
  let carry = Buffer.allocUnsafe(Math.min(4096, carryLimit));
  let carryLen = 0;
  let skipping = false;
  let overlong = 0;

  function emit(buf: Buffer, start: number, end: number): void {
    if (end - start > maxLineLength) {
      // Bytes >= UTF-16 units: only a line this long can be over the limit in characters.
      let line = buf.toString('utf8', start, end);
      if (line.length > maxLineLength) {
        overlong++;
        line = line.slice(0, maxLineLength);
      }
      sink.text(line.endsWith('\r') ? line.slice(0, -1) : line);
      return;
    }
    sink.bytes(buf, start, end > start && buf[end - 1] === CH_CR ? end - 1 : end);
  }

  function append(buf: Buffer, start: number, end: number): void {
    const room = carryLimit - carryLen;
    const n = Math.min(end - start, room);
    if (carryLen + n > carry.length) {
      const bigger = Buffer.allocUnsafe(Math.min(carryLimit, Math.max(carry.length * 2, carryLen + n)));
      carry.copy(bigger, 0, 0, carryLen);
      carry = bigger;
    }
    buf.copy(carry, carryLen, start, start + n);
    carryLen += n;
    if (carryLen >= carryLimit) {
      // Certainly overlong: emit its first maxLineLength characters now and drop the rest of the line.
      emit(carry, 0, carryLen);
      carryLen = 0;
      skipping = true;
    }
  }

  return {
    push(chunk: Uint8Array | string): void {
      const buf = chunkBuffer(chunk);
      let pos = 0;
      if (carryLen > 0 || skipping) {
        const nl = buf.indexOf(CH_LF);
        if (nl < 0) {
          if (!skipping) append(buf, 0, buf.length);
          return;
        }
        if (skipping) skipping = false;
        else {
          append(buf, 0, nl);
          if (skipping) skipping = false; // the line hit the limit exactly at its end
          else emit(carry, 0, carryLen);
          carryLen = 0;
        }
        pos = nl + 1;
      }
      for (let nl = buf.indexOf(CH_LF, pos); nl >= 0; nl = buf.indexOf(CH_LF, pos)) {
        emit(buf, pos, nl);
        pos = nl + 1;
      }
      if (pos < buf.length) append(buf, pos, buf.length);
    },
    end(): void {
      if (carryLen > 0 && !skipping) emit(carry, 0, carryLen);
      carryLen = 0;
      skipping = false;
    },
    overlongLines: () => overlong,
  };
}

/** The chunk as a Buffer: itself when it is one, a view of its bytes, or a string's UTF-8. */
export function chunkBuffer(chunk: Uint8Array | string): Buffer {
  return typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
}
