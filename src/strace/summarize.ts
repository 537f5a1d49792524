/**
 * strace output -> StraceSummary, streaming. The one way down: lines (or byte ranges of chunks) ->
 * parser (from the bytes for syscall lines and the extra lines of a -f trace, else the string parser)
 * -> the facts reducer -> at the end, the summary's tables and then the verdict, made once and never
 * changed. Memory does not grow with the trace's length.
 */

import { createSyscallScratch, type StraceErrorReason, type StraceEvent } from './events.js';
import { createTraceReducer } from './facts.js';
import { resolveRequestLine, type PidFacts, type RequestRead } from './pid-facts.js';
import { parseStraceLineReusing } from './parse-line.js';
import { parseOtherLineBytes } from './parse-bytes-other.js';
import { parseStraceLineBytes } from './parse-line-bytes.js';
import { redactSecrets } from './redact.js';
import { chunkBuffer, createByteLineSplitter } from './split-byte-lines.js';
import { buildSummaryBody } from './summary-body.js';
import type { StraceSummary, SummarizeOptions } from './types.js';
import { decideVerdict } from './verdict/decide.js';

/** Same default as LineSplitter: a longer line is cut there and counted. */
const DEFAULT_MAX_LINE_LENGTH = 64 * 1024;

/** Extras that are not part of the JSON contract: for display (unparsed samples) and for tests. */
export interface StraceSummaryDetails {
  /** The first unparsed lines (5 unless SummarizerOptions.maxUnparsedSamples says more), secrets redacted, for showing next to the count. */
  unparsedSamples: string[];
  /** Lines the line splitter cut because they were too long (chunk APIs only). */
  overlongLines: number;
  /** Where `syscalls` came from: trace lines, a `strace -c` table, or nothing. */
  countSource: 'trace' | 'table' | 'none';
  /** Syscall counts by `[pid N]` prefix as written in the trace (`-` = no prefix). */
  countsByPrefix: Record<string, Record<string, number>>;
  /** strace's own error messages (attach failures), secrets redacted. */
  straceErrors: { reason: StraceErrorReason; message: string }[];
  /** First and last timestamp seen (ms; `-tt` ones are ms since midnight), null without timestamps. */
  firstTimeMs: number | null;
  lastTimeMs: number | null;
}

export interface StraceSummarizer {
  /** Feeds one line (no terminator). */
  push(line: string): void;
  /**
   * Ends the trace and returns its summary. `final` carries what is only known at the end (the live
   * evidence taken after the trace, the host's own duration): it overrides the creation options for
   * this summary (neither object is changed). The first call makes the summary; later calls return it.
   */
  finish(final?: SummarizeOptions): StraceSummary;
  /** Extras beside the contract; complete after finish(). */
  details(): StraceSummaryDetails;
  /** Records lines the caller's line splitter cut (shown in details). */
  addOverlongLines(count: number): void;
}

/** The summary's options plus what only the display needs. */
export interface SummarizerOptions extends SummarizeOptions {
  /** Unparsed lines kept for details().unparsedSamples (default 5; `--show-unparsed` asks for more). */
  maxUnparsedSamples?: number;
}

/** The summariser plus the byte entry points used by the chunk APIs below. */
interface ByteStraceSummarizer extends StraceSummarizer {
  /** Feeds the line in `buf[start, end)` (no terminator, no trailing CR). */
  pushBytes(buf: Buffer, start: number, end: number): void;
  /** The chunk whose lines pushBytes() is about to get (ranges of it stay valid until endChunk()). */
  beginChunk(chunk: Buffer): void;
  /** The chunk is done: what was kept as a reference into it is read now. */
  endChunk(): void;
}

/** Creates a streaming summariser: push lines, then finish(). Memory does not grow with trace length. */
export function createStraceSummarizer(opts: SummarizerOptions = {}): StraceSummarizer {
  return createByteStraceSummarizer(opts);
}

function createByteStraceSummarizer(opts: SummarizerOptions): ByteStraceSummarizer {
  // A socket read with data records a request (RequestRead): the reducer returns its pid's facts, and
  // this, which holds the line, says where the data is. Nothing is stored per line (a store of the line
  // into this long-lived closure would cost a write barrier each). A range of the current chunk is kept
  // as a reference and read only if still needed when the chunk ends; a range of a buffer the splitter
  // or the glue reuses is read at once; a string is kept.
  let chunk: Buffer | null = null;
  const holding: PidFacts[] = [];
  function keepRequestBytes(f: PidFacts, buf: Buffer, start: number, end: number): void {
    const r = f.requestRead;
    if (r === null) return;
    r.srcStart = start;
    r.srcEnd = end;
    // Only when the slot does not point at this buffer yet (once per chunk and pid): the common read
    // stores two numbers, and the per-line code stays small enough for V8 to keep the parser inlined.
    if (r.src !== buf) pointAt(f, r, buf);
  }
  /** Points `r` at `buf`: held until the chunk ends, or read at once from a buffer that will be reused. */
  function pointAt(f: PidFacts, r: RequestRead, buf: Buffer): void {
    r.src = buf;
    if (buf !== chunk) resolveRequestLine(r);
    else holding.push(f);
  }
  function keepRequestLine(f: PidFacts, line: string): void {
    const r = f.requestRead;
    if (r === null) return;
    r.src = line;
    r.srcStart = 0;
    r.srcEnd = line.length;
  }
  const { maxUnparsedSamples, ...summarizeOpts } = opts;
  const reducer = createTraceReducer(opts.pids, maxUnparsedSamples === undefined ? {} : { maxUnparsedSamples });
  // One reusable event object for syscall lines: the hot loop allocates nothing per line for it.
  const scratch = createSyscallScratch();
  const parse = (line: string): StraceEvent | undefined => parseStraceLineReusing(line, scratch);
  /** The head of a syscall line that strace cut with its own message; the next line may continue it. */
  let splitHead: string | null = null;
  let overlongLines = 0;
  let finished: StraceSummary | null = null;

  /** Reduces one event; returns the facts of the pid whose request it read, if it was such a read. */
  function take(ev: StraceEvent | undefined): PidFacts | null {
    if (ev === undefined) return null;
    if (ev.kind === 'split') splitHead = ev.head;
    return reducer.onEvent(ev);
  }

  /** Parses and reduces one string line. */
  function takeLine(line: string): void {
    const readBy = take(parse(line));
    if (readBy !== null) keepRequestLine(readBy, line);
  }

  function push(line: string): void {
    if (splitHead !== null) {
      const head = splitHead;
      splitHead = null;
      const ev = parse(line);
      if (ev !== undefined && ev.kind === 'continuation') {
        takeLine(head + line);
        return;
      }
      // No continuation: the call was in progress when strace printed its message. (The line is parsed
      // again after it, because both parses share the scratch event.)
      takeLine(`${head} <detached ...>`);
      takeLine(line);
      return;
    }
    takeLine(line);
  }

  function pushBytes(buf: Buffer, start: number, end: number): void {
    // The common syscall line is read from the bytes; everything else goes through the string parser,
    // exactly as push() would.
    if (splitHead !== null) {
      if (end > start && buf[start] === 44 /* , */) {
        pushContinuation(buf, start, end);
        return;
      }
    } else if (end > start) {
      const ev = parseStraceLineBytes(buf, start, end, scratch);
      if (ev !== null) {
        const readBy = reducer.onSyscall(ev);
        if (readBy !== null) keepRequestBytes(readBy, buf, start, end);
        return;
      }
      // The lines a fork or a signal brings (attach, signal, a syscall line cut by strace's message).
      const other = parseOtherLineBytes(buf, start, end);
      if (other !== null) {
        const readBy = take(other);
        if (readBy !== null) keepRequestBytes(readBy, buf, start, end);
        return;
      }
    }
    push(buf.toString('utf8', start, end));
  }

  // The head of a cut syscall line and the bytes of its continuation, glued (grown when needed).
  let glued = Buffer.allocUnsafe(1024);

  /**
   * `, child_tidptr=...) = 22098` after a line strace cut with its message: push() would parse
   * head + line; the same text is glued as bytes (the head's UTF-8, then the line's bytes, which decode
   * to head + line) and read by the byte parser, or by the string parser when it declines.
   */
  function pushContinuation(buf: Buffer, start: number, end: number): void {
    const head = splitHead as string;
    splitHead = null;
    const headBytes = Buffer.byteLength(head, 'utf8');
    const length = headBytes + (end - start);
    if (glued.length < length) glued = Buffer.allocUnsafe(Math.max(length, 2 * glued.length));
    glued.write(head, 0, 'utf8');
    buf.copy(glued, headBytes, start, end);
    const ev = parseStraceLineBytes(glued, 0, length, scratch);
    if (ev !== null) {
      const readBy = reducer.onSyscall(ev);
      if (readBy !== null) keepRequestBytes(readBy, glued, 0, length);
    } else takeLine(glued.toString('utf8', 0, length));
  }

  function finish(final?: SummarizeOptions): StraceSummary {
    if (finished !== null) return finished;
    if (splitHead !== null) {
      const head = splitHead;
      splitHead = null;
      takeLine(`${head} <detached ...>`);
    }
    endChunk();
    const options = final === undefined ? summarizeOpts : { ...summarizeOpts, ...final };
    const facts = reducer.facts();
    const body = buildSummaryBody(facts, options);
    finished = { ...body.summary, verdict: decideVerdict({ ...body, facts, opts: options }) };
    return finished;
  }

  function details(): StraceSummaryDetails {
    const facts = reducer.facts();
    const byPrefix: Record<string, Record<string, number>> = {};
    for (const [prefix, m] of facts.calls.byPrefix) {
      byPrefix[prefix === null ? '-' : String(prefix)] = Object.fromEntries([...m].map(([k, c]) => [k, c.n] as const).sort(([a], [b]) => a.localeCompare(b)));
    }
    return {
      // Not part of the summary, so the render boundary never sees them: redacted here.
      unparsedSamples: facts.unparsedSamples.map(redactSecrets),
      overlongLines,
      countSource: facts.countSource,
      countsByPrefix: byPrefix,
      straceErrors: facts.straceErrors.map(({ reason, message }) => ({ reason, message: redactSecrets(message) })),
      firstTimeMs: facts.firstTimeMs,
      lastTimeMs: facts.lastTimeMs,
    };
  }

  function beginChunk(buf: Buffer): void {
    chunk = buf;
  }

  function endChunk(): void {
    for (const f of holding) {
      const r = f.requestSlot;
      if (r === null || r.src !== chunk) continue;
      // Still the request being served: read its line now. Either way the chunk is let go.
      if (f.requestRead === r) resolveRequestLine(r);
      r.src = null;
    }
    holding.length = 0;
    chunk = null;
  }

  return {
    push,
    pushBytes,
    beginChunk,
    endChunk,
    finish,
    details,
    addOverlongLines(count: number) {
      overlongLines += count;
    },
  };
}

/** Summarises a stream (or list) of lines. */
export async function summarizeStrace(lines: AsyncIterable<string> | Iterable<string>, opts?: SummarizerOptions): Promise<StraceSummary> {
  const s = createStraceSummarizer(opts);
  for await (const line of lines) s.push(line);
  return s.finish();
}

/** Summarises a byte/text chunk stream (a file, a process pipe), splitting lines as they arrive. */
export async function summarizeStraceChunks(chunks: AsyncIterable<Uint8Array | string>, opts?: SummarizerOptions): Promise<StraceSummary> {
  return (await summarizeStraceChunksWithDetails(chunks, opts)).summary;
}

/** Like summarizeStraceChunks, plus the extras (unparsed samples, overlong lines) for display. */
export async function summarizeStraceChunksWithDetails(
  chunks: AsyncIterable<Uint8Array | string>,
  opts: SummarizerOptions & { maxLineLength?: number } = {},
): Promise<{ summary: StraceSummary; details: StraceSummaryDetails }> {
  const { maxLineLength = DEFAULT_MAX_LINE_LENGTH, ...summarizeOpts } = opts;
  const s = createByteStraceSummarizer(summarizeOpts);
  const lines = createByteLineSplitter({ bytes: s.pushBytes, text: s.push }, maxLineLength);
  for await (const chunk of chunks) {
    const buf = chunkBuffer(chunk);
    s.beginChunk(buf);
    lines.push(buf);
    s.endChunk();
  }
  lines.end();
  s.addOverlongLines(lines.overlongLines());
  const summary = s.finish();
  return { summary, details: s.details() };
}
