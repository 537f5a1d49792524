import type { BotErrorCode } from '../errors.js';
import { parseStatusSnapshot, serializeStatusSnapshot } from './status-snapshot.js';
import type { SampleOutcome, StatusSnapshot, WatchProcess, WatchSample, WindowView } from './types.js';

/**
 * The samples of one host, bounded by age and count, in a compact form: process rows live in two typed
 * arrays (ten int32 and two float64 columns, 56 bytes a row) instead of one object per process per
 * sample (~200 bytes), and repeated strings (wchan, syscall, worker names) are stored once. The
 * engine reads a decoded copy (`view()`), built per evaluation and dropped after it.
 */
export interface HostWindow {
  readonly host: string;
  /** Samples held. */
  readonly length: number;
  /** Appends a sample (oldest first), then drops what is older than the window or beyond the count. */
  push(sample: WatchSample): void;
  /** The samples, decoded, oldest first. */
  view(): WindowView;
  /** The newest sample, decoded; null when empty. */
  latest(): WatchSample | null;
  /** Bytes held by the row arrays (capacity included); the sample records and strings come on top. */
  rowBytes(): number;
  /** JSON-safe form for the state file. */
  toJSON(): SerializedHostWindow;
}

export interface HostWindowOptions {
  windowMs: number;
  maxSamples: number;
}

/** The state file's form of a window (see toJSON). */
export interface SerializedHostWindow {
  host: string;
  strings: string[];
  /** `[t, durationMs, outcome, uptimeS, clkTck, startFileId, rows, errorCode, errorMessage, status]` */
  samples: unknown[][];
  ints: number[];
  floats: number[];
}

const INTS = 10; // pid ppid state rssKb fds wchan syscall worker listen flags
const FLOATS = 2; // startTicks cpuTicks
const INITIAL_ROWS = 64;
const OUTCOMES: readonly SampleOutcome[] = ['ok', 'unreachable', 'failed'];
const MASTER = 1;
const ORPHAN = 2;

interface SampleRecord {
  t: number;
  durationMs: number;
  outcome: SampleOutcome;
  error: { code: BotErrorCode; message: string } | null;
  uptimeS: number | null;
  clkTck: number;
  startFile: number;
  /** Absolute index of the sample's first row, and how many. */
  row: number;
  rows: number;
  status: StatusSnapshot | null;
}

/** Creates an empty window for `host`. */
export function createHostWindow(host: string, opts: HostWindowOptions): HostWindow {
  return makeWindow(host, opts, null);
}

/** Rebuilds a window from its state-file form; throws a TypeError on anything that does not add up. */
export function restoreHostWindow(data: SerializedHostWindow, opts: HostWindowOptions): HostWindow {
  return makeWindow(data.host, opts, data);
}

function makeWindow(host: string, opts: HostWindowOptions, data: SerializedHostWindow | null): HostWindow {
  let strings: string[] = [];
  let ids = new Map<string, number>();
  let ints = new Int32Array(INITIAL_ROWS * INTS);
  let floats = new Float64Array(INITIAL_ROWS * FLOATS);
  let capacity = INITIAL_ROWS;
  let rowBase = 0; // absolute index of physical row 0
  let rowHead = 0; // first live row
  let rowEnd = 0;
  const samples: SampleRecord[] = [];

  const intern = (s: string | null): number => {
    if (s === null) return -1;
    let id = ids.get(s);
    if (id === undefined) {
      id = strings.length;
      strings.push(s);
      ids.set(s, id);
    }
    return id;
  };
  const str = (id: number): string | null => (id < 0 ? null : (strings[id] ?? null));

  const reserve = (n: number): void => {
    const live = rowEnd - rowHead;
    if (rowEnd - rowBase + n <= capacity) return;
    // Room at the front (evicted rows) is reused; otherwise grow, keeping at most 2x what is live.
    const want = Math.max(INITIAL_ROWS, (live + n) * 2);
    const next = live + n <= capacity / 2 && capacity <= want * 2 ? capacity : want;
    const from = rowHead - rowBase;
    if (next === capacity) {
      ints.copyWithin(0, from * INTS, (from + live) * INTS);
      floats.copyWithin(0, from * FLOATS, (from + live) * FLOATS);
    } else {
      const ni = new Int32Array(next * INTS);
      const nf = new Float64Array(next * FLOATS);
      ni.set(ints.subarray(from * INTS, (from + live) * INTS));
      nf.set(floats.subarray(from * FLOATS, (from + live) * FLOATS));
      ints = ni;
      floats = nf;
      capacity = next;
    }
    rowBase = rowHead;
    if (strings.length > 4096) reintern();
  };

  // Strings of evicted rows (a worker renamed, an old error) are dropped once the table gets large.
  const reintern = (): void => {
    const old = strings;
    strings = [];
    ids = new Map();
    const cols = [5, 6, 7, 8];
    for (let r = rowHead; r < rowEnd; r++) {
      const o = (r - rowBase) * INTS;
      for (const c of cols) ints[o + c] = intern(old[ints[o + c]!] ?? null);
    }
    for (const s of samples) s.startFile = intern(old[s.startFile] ?? null);
  };

  const evict = (newestT: number): void => {
    let drop = 0;
    while (drop < samples.length && (samples.length - drop > opts.maxSamples || samples[drop]!.t < newestT - opts.windowMs)) drop += 1;
    if (drop === 0) return;
    const gone = samples.splice(0, drop);
    const lastGone = gone.at(-1)!;
    rowHead = lastGone.row + lastGone.rows;
  };

  const append = (record: Omit<SampleRecord, 'row' | 'rows'>, processes: readonly WatchProcess[]): void => {
    reserve(processes.length);
    const row = rowEnd;
    for (const p of processes) {
      const o = (rowEnd - rowBase) * INTS;
      ints[o] = p.pid;
      ints[o + 1] = p.ppid;
      ints[o + 2] = p.state.charCodeAt(0) || 63;
      ints[o + 3] = Math.round(p.rssBytes / 1024);
      ints[o + 4] = p.fds ?? -1;
      ints[o + 5] = intern(p.wchan);
      ints[o + 6] = intern(p.syscall);
      ints[o + 7] = intern(p.worker);
      ints[o + 8] = intern(p.listen);
      ints[o + 9] = (p.role === 'master' ? MASTER : 0) | (p.isOrphan ? ORPHAN : 0);
      const f = (rowEnd - rowBase) * FLOATS;
      floats[f] = p.startTicks;
      floats[f + 1] = p.cpuTicks;
      rowEnd += 1;
    }
    samples.push({ ...record, row, rows: processes.length });
  };

  const decode = (s: SampleRecord): WatchSample => {
    const processes: WatchProcess[] = [];
    for (let r = s.row; r < s.row + s.rows; r++) {
      const o = (r - rowBase) * INTS;
      const f = (r - rowBase) * FLOATS;
      const flags = ints[o + 9]!;
      processes.push({
        pid: ints[o]!,
        ppid: ints[o + 1]!,
        startTicks: floats[f]!,
        state: String.fromCharCode(ints[o + 2]!),
        cpuTicks: floats[f + 1]!,
        rssBytes: ints[o + 3]! * 1024,
        fds: ints[o + 4]! < 0 ? null : ints[o + 4]!,
        wchan: str(ints[o + 5]!),
        syscall: str(ints[o + 6]!),
        role: flags & MASTER ? 'master' : 'worker',
        worker: str(ints[o + 7]!),
        listen: str(ints[o + 8]!),
        isOrphan: (flags & ORPHAN) !== 0,
      });
    }
    return {
      host,
      t: s.t,
      durationMs: s.durationMs,
      outcome: s.outcome,
      error: s.error,
      uptimeS: s.uptimeS,
      clkTck: s.clkTck,
      startFile: str(s.startFile),
      processes,
      status: s.status,
    };
  };

  if (data !== null) restore(data);

  function restore(d: SerializedHostWindow): void {
    const bad = (what: string): never => {
      throw new TypeError(`window of ${host}: ${what}`);
    };
    if (!Array.isArray(d.strings) || !d.strings.every((s) => typeof s === 'string')) bad('strings');
    if (!Array.isArray(d.samples) || !Array.isArray(d.ints) || !Array.isArray(d.floats)) bad('arrays');
    const total = d.samples.reduce((n, s) => n + (Array.isArray(s) && Number.isInteger(s[6]) ? (s[6] as number) : bad('sample rows')), 0);
    if (d.ints.length !== total * INTS || d.floats.length !== total * FLOATS) bad('row count');
    const table = d.strings;
    let r = 0;
    let lastT = -Infinity;
    for (const s of d.samples) {
      const [t, durationMs, outcome, uptimeS, clkTck, startFile, rows, errorCode, errorMessage, status] = s as unknown[];
      if (typeof t !== 'number' || t < lastT || typeof durationMs !== 'number' || typeof clkTck !== 'number' || typeof outcome !== 'number' || OUTCOMES[outcome] === undefined) bad('sample');
      lastT = t as number;
      const processes: WatchProcess[] = [];
      for (let k = 0; k < (rows as number); k++, r++) {
        const o = r * INTS;
        const v = (c: number): number => {
          const x = d.ints[o + c];
          return typeof x === 'number' && Number.isInteger(x) ? x : bad('row value');
        };
        const s2 = (c: number): string | null => (v(c) < 0 ? null : (table[v(c)] ?? bad('string id')));
        const fl = (c: number): number => {
          const x = d.floats[r * FLOATS + c];
          return typeof x === 'number' && Number.isFinite(x) ? x : bad('row value');
        };
        processes.push({
          pid: v(0),
          ppid: v(1),
          state: String.fromCharCode(v(2)),
          rssBytes: v(3) * 1024,
          fds: v(4) < 0 ? null : v(4),
          wchan: s2(5),
          syscall: s2(6),
          worker: s2(7),
          listen: s2(8),
          role: v(9) & MASTER ? 'master' : 'worker',
          isOrphan: (v(9) & ORPHAN) !== 0,
          startTicks: fl(0),
          cpuTicks: fl(1),
        });
      }
      const error = typeof errorCode === 'string' ? { code: errorCode as BotErrorCode, message: String(errorMessage ?? '') } : null;
      append(
        {
          t: t as number,
          durationMs: durationMs as number,
          outcome: OUTCOMES[outcome as number]!,
          error,
          uptimeS: typeof uptimeS === 'number' ? uptimeS : null,
          clkTck: clkTck as number,
          startFile: intern(typeof startFile === 'number' && startFile >= 0 ? (table[startFile] ?? bad('string id')) : null),
          status: status === null || status === undefined ? null : parseStatusSnapshot(status, table),
        },
        processes,
      );
    }
  }

  return {
    host,
    get length() {
      return samples.length;
    },
    push(sample) {
      const last = samples.at(-1);
      if (last !== undefined && sample.t < last.t) throw new RangeError(`window of ${host}: samples must come in time order`);
      append(
        {
          t: sample.t,
          durationMs: sample.durationMs,
          outcome: sample.outcome,
          error: sample.error,
          uptimeS: sample.uptimeS,
          clkTck: sample.clkTck,
          startFile: intern(sample.startFile),
          status: sample.status,
        },
        sample.processes,
      );
      evict(sample.t);
    },
    view: () => ({ host, samples: samples.map(decode) }),
    latest: () => {
      const last = samples.at(-1);
      return last === undefined ? null : decode(last);
    },
    rowBytes: () => ints.byteLength + floats.byteLength,
    toJSON() {
      const from = rowHead - rowBase;
      const live = rowEnd - rowHead;
      return {
        host,
        strings: [...strings],
        samples: samples.map((s) => [
          s.t,
          s.durationMs,
          OUTCOMES.indexOf(s.outcome),
          s.uptimeS,
          s.clkTck,
          s.startFile,
          s.rows,
          s.error?.code ?? null,
          s.error?.message ?? null,
          s.status === null ? null : serializeStatusSnapshot(s.status, intern),
        ]),
        ints: Array.from(ints.subarray(from * INTS, (from + live) * INTS)),
        floats: Array.from(floats.subarray(from * FLOATS, (from + live) * FLOATS)),
      };
    },
  };
}
