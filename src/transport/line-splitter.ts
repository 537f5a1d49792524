import { StringDecoder } from 'node:string_decoder';

/**
 * Splits a byte or text stream into lines, chunk by chunk, without holding more than one line.
 * Handles `\n` and `\r\n` (a `\r\n` split across chunks too), UTF-8 characters split across chunks,
 * and overlong lines: a line longer than `maxLineLength` is cut there, the rest of it dropped, and
 * `overlongLines` counts it.
 *
 * @example
 * const s = new LineSplitter();
 * s.push('epoll_wait(2, [], 32, 4004) = 0\r\nrecvf'); // ['epoll_wait(2, [], 32, 4004) = 0']
 * s.push('rom(7, ...) = 74\n');                       // ['recvfrom(7, ...) = 74']
 * s.end();                                              // []
 */
export class LineSplitter {
  private readonly decoder = new StringDecoder('utf8');
  private partial = '';
  private skipping = false;
  overlongLines = 0;

  constructor(private readonly maxLineLength = 64 * 1024) {}

  /** Returns the complete lines in `chunk` (plus what was pending), without terminators. */
  push(chunk: Uint8Array | string): string[] {
    const text = typeof chunk === 'string' ? chunk : this.decoder.write(chunk as Buffer);
    return this.take(text);
  }

  /** Returns the last line if the stream did not end with a newline. */
  end(): string[] {
    const rest = this.take(this.decoder.end());
    if (this.partial.length > 0 && !this.skipping) rest.push(stripCr(this.partial));
    this.partial = '';
    this.skipping = false;
    return rest;
  }

  private take(text: string): string[] {
    const out: string[] = [];
    let start = 0;
    // indexOf in a loop is much faster than String.split() with a regex for large chunks.
    for (let nl = text.indexOf('\n'); nl !== -1; nl = text.indexOf('\n', start)) {
      if (this.skipping) {
        this.skipping = false;
      } else {
        const line = this.partial.length > 0 ? this.partial + text.slice(start, nl) : text.slice(start, nl);
        out.push(stripCr(line.length > this.maxLineLength ? this.cut(line) : line));
      }
      this.partial = '';
      start = nl + 1;
    }
    if (start < text.length && !this.skipping) {
      this.partial += text.slice(start);
      if (this.partial.length > this.maxLineLength) {
        out.push(this.cut(this.partial));
        this.partial = '';
        this.skipping = true;
      }
    }
    return out;
  }

  private cut(line: string): string {
    this.overlongLines += 1;
    return line.slice(0, this.maxLineLength);
  }
}

function stripCr(line: string): string {
  return line.endsWith('\r') ? line.slice(0, -1) : line;
}

/** Yields the lines of a chunk stream (e.g. a file or a process pipe). */
export async function* splitLines(
  chunks: AsyncIterable<Uint8Array | string>,
  maxLineLength?: number,
): AsyncGenerator<string> {
  const splitter = new LineSplitter(maxLineLength);
  for await (const chunk of chunks) yield* splitter.push(chunk);
  yield* splitter.end();
}
