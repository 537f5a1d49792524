import type { BotErrorCode } from '../errors.js';
import { ColumnStore } from './column-store.js';
import { compactStatus, expandStatus, readSavedStatus, remapStatus, serializeStatus, type CompactStatus, type StringTable } from './compact-status.js';
import type { SampleOutcome, WatchProcess, WatchSample, WindowView } from './types.js';

/**
 * The samples of one host, bounded by age and count, in a compact form: one process reading is one
 * record of 7 int32 and 2 float64 columns (44 bytes) instead of an object (~200 bytes), a sample is
 * 5 + 3 more, repeated strings (wchan, syscall, worker names, start file) are stored once, and a
 * status sample is a few typed arrays. The engine reads a decoded copy (`view()`), built per
 * evaluation and dropped after it.
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
  /** Bytes of the typed arrays (capacity included); status samples and strings come on top. */
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
  strings: (string | null)[];
  /** `[t, durationMs, outcome, uptimeS, clkTck, startFileId, rows, errorCode, errorMessage, status]` */
  samples: unknown[][];
  ints: number[];
  floats: number[];
}

// Row columns. int32: pid ppid rssKb fds state|flags<<8 wchan|syscall<<16 worker|listen<<16 (string ids + 1, 0 = null)
const R_INTS = 7;
// float64: startTicks cpuTicks
const R_FLOATS = 2;
// Sample columns. int32: durationMs outcome clkTck startFile rows; float64: t uptimeS (NaN = null) firstRow
const S_INTS = 5;
const S_FLOATS = 3;
const OUTCOMES: readonly SampleOutcome[] = ['ok', 'unreachable', 'failed'];
const MASTER = 1;
const ORPHAN = 2;
const MAX_STRINGS = 4096;

/** Creates an empty window for `host`. */
export function createHostWindow(host: string, opts: HostWindowOptions): HostWindow {
  return makeWindow(host, opts, null);
}

/** Rebuilds a window from its state-file form; throws a TypeError on anything that does not add up. */
export function restoreHostWindow(data: SerializedHostWindow, opts: HostWindowOptions): HostWindow {
  return makeWindow(data.host, opts, data);
}

function makeWindow(host: string, opts: HostWindowOptions, data: SerializedHostWindow | null): HostWindow {
  const rows = new ColumnStore(R_INTS, R_FLOATS, 256);
  const samples = new ColumnStore(S_INTS, S_FLOATS, 64);
  // Few samples carry a status or an error: kept by absolute sample index.
  const statuses = new Map<number, CompactStatus>();
  const errors = new Map<number, { code: BotErrorCode; message: string }>();
  let strings: (string | null)[] = [];
  let ids = new Map<string, number>();

  const intern = (s: string | null): number => {
    if (s === null) return 0;
    let id = ids.get(s);
    if (id === undefined) {
      id = strings.length + 1;
      strings.push(s);
      ids.set(s, id);
    }
    return id;
  };
  const str = (id: number): string | null => (id === 0 ? null : (strings[id - 1] ?? null));
  const table: StringTable = { intern, str };
  const lo = (v: number): number => v & 0xffff;
  const hi = (v: number): number => (v >>> 16) & 0xffff;

  // Strings of dropped samples (a renamed worker, an old start file) go once the table is large.
  const reintern = (): void => {
    const old = strings;
    strings = [];
    ids = new Map();
    const re = (id: number): number => intern(id === 0 ? null : (old[id - 1] ?? null));
    for (let r = rows.first; r < rows.next; r++) {
      for (const c of [5, 6]) rows.setInt(r, c, re(lo(rows.int(r, c))) | (re(hi(rows.int(r, c))) << 16));
    }
    for (let s = samples.first; s < samples.next; s++) samples.setInt(s, 3, re(samples.int(s, 3)));
    for (const status of statuses.values()) remapStatus(status, re);
  };

  const append = (sample: WatchSample): void => {
    if (strings.length > MAX_STRINGS) reintern();
    const firstRow = rows.next;
    for (const p of sample.processes) {
      const r = rows.append();
      rows.setInt(r, 0, p.pid);
      rows.setInt(r, 1, p.ppid);
      rows.setInt(r, 2, Math.round(p.rssBytes / 1024));
      rows.setInt(r, 3, p.fds ?? -1);
      rows.setInt(r, 4, stateFlags(p));
      rows.setInt(r, 5, intern(p.wchan) | (intern(p.syscall) << 16));
      rows.setInt(r, 6, intern(p.worker) | (intern(p.listen) << 16));
      rows.setFloat(r, 0, p.startTicks);
      rows.setFloat(r, 1, p.cpuTicks);
    }
    const s = samples.append();
    samples.setInt(s, 0, sample.durationMs);
    samples.setInt(s, 1, OUTCOMES.indexOf(sample.outcome));
    samples.setInt(s, 2, sample.clkTck);
    samples.setInt(s, 3, intern(sample.startFile));
    samples.setInt(s, 4, sample.processes.length);
    samples.setFloat(s, 0, sample.t);
    samples.setFloat(s, 1, sample.uptimeS ?? Number.NaN);
    samples.setFloat(s, 2, firstRow);
    if (sample.status !== null) statuses.set(s, compactStatus(sample.status, table));
    if (sample.error !== null) errors.set(s, { code: sample.error.code, message: sample.error.message });
  };

  const evict = (newestT: number): void => {
    let s = samples.first;
    while (s < samples.next && (samples.next - s > opts.maxSamples || samples.float(s, 0) < newestT - opts.windowMs)) {
      statuses.delete(s);
      errors.delete(s);
      s += 1;
    }
    if (s === samples.first) return;
    samples.dropBefore(s);
    rows.dropBefore(s < samples.next ? samples.float(s, 2) : rows.next);
  };

  const decode = (s: number): WatchSample => {
    const processes: WatchProcess[] = [];
    const firstRow = samples.float(s, 2);
    for (let r = firstRow; r < firstRow + samples.int(s, 4); r++) {
      const sf = rows.int(r, 4);
      const ws = rows.int(r, 5);
      const wl = rows.int(r, 6);
      processes.push({
        pid: rows.int(r, 0),
        ppid: rows.int(r, 1),
        startTicks: rows.float(r, 0),
        state: String.fromCharCode(sf & 0xff),
        cpuTicks: rows.float(r, 1),
        rssBytes: rows.int(r, 2) * 1024,
        fds: rows.int(r, 3) < 0 ? null : rows.int(r, 3),
        wchan: str(lo(ws)),
        syscall: str(hi(ws)),
        role: (sf >> 8) & MASTER ? 'master' : 'worker',
        worker: str(lo(wl)),
        listen: str(hi(wl)),
        isOrphan: ((sf >> 8) & ORPHAN) !== 0,
      });
    }
    const uptime = samples.float(s, 1);
    const status = statuses.get(s);
    return {
      host,
      t: samples.float(s, 0),
      durationMs: samples.int(s, 0),
      outcome: OUTCOMES[samples.int(s, 1)] ?? 'failed',
      error: errors.get(s) ?? null,
      uptimeS: Number.isNaN(uptime) ? null : uptime,
      clkTck: samples.int(s, 2),
      startFile: str(samples.int(s, 3)),
      processes,
      status: status === undefined ? null : expandStatus(status, table),
    };
  };

  const push = (sample: WatchSample): void => {
    const n = samples.next;
    if (n > samples.first && sample.t < samples.float(n - 1, 0)) throw new RangeError(`window of ${host}: samples must come in time order`);
    append(sample);
    evict(sample.t);
  };

  if (data !== null) {
    // Restoring goes through decode-then-push of the saved form, so every check push makes applies.
    for (const sample of readSerialized(host, data)) push(sample);
  }

  return {
    host,
    get length() {
      return samples.next - samples.first;
    },
    push,
    view() {
      const out: WatchSample[] = [];
      for (let s = samples.first; s < samples.next; s++) out.push(decode(s));
      return { host, samples: out };
    },
    latest: () => (samples.next > samples.first ? decode(samples.next - 1) : null),
    rowBytes: () => rows.bytes() + samples.bytes(),
    toJSON() {
      // Rows are written decoded per sample (the row arrays' ids are internal), status samples as tuples.
      const out: SerializedHostWindow = { host, strings: [], samples: [], ints: [], floats: [] };
      const saved = new Map<string, number>();
      const save = (v: string | null): number => {
        if (v === null) return 0;
        let id = saved.get(v);
        if (id === undefined) {
          out.strings.push(v);
          id = out.strings.length;
          saved.set(v, id);
        }
        return id;
      };
      for (let s = samples.first; s < samples.next; s++) {
        const d = decode(s);
        for (const p of d.processes) {
          out.ints.push(p.pid, p.ppid, Math.round(p.rssBytes / 1024), p.fds ?? -1, stateFlags(p), save(p.wchan) | (save(p.syscall) << 16), save(p.worker) | (save(p.listen) << 16));
          out.floats.push(p.startTicks, p.cpuTicks);
        }
        const status = statuses.get(s);
        out.samples.push([d.t, d.durationMs, OUTCOMES.indexOf(d.outcome), d.uptimeS, d.clkTck, save(d.startFile), d.processes.length, d.error?.code ?? null, d.error?.message ?? null, status === undefined ? null : serializeStatus(status, table, save)]);
      }
      return out;
    },
  };
}

function stateFlags(p: WatchProcess): number {
  return (p.state.charCodeAt(0) || 63) | (((p.role === 'master' ? MASTER : 0) | (p.isOrphan ? ORPHAN : 0)) << 8);
}

/** Decodes the saved form into samples; throws a TypeError naming what does not add up. */
function readSerialized(host: string, d: SerializedHostWindow): WatchSample[] {
  const bad = (what: string): never => {
    throw new TypeError(`window of ${host}: ${what}`);
  };
  if (!Array.isArray(d.strings) || !d.strings.every((s) => typeof s === 'string')) bad('strings');
  if (!Array.isArray(d.samples) || !Array.isArray(d.ints) || !Array.isArray(d.floats)) bad('arrays');
  const total = d.samples.reduce((n, s) => n + (Array.isArray(s) && Number.isInteger(s[6]) && (s[6] as number) >= 0 ? (s[6] as number) : bad('sample rows')), 0);
  if (d.ints.length !== total * R_INTS || d.floats.length !== total * R_FLOATS) bad('row count');
  const str = (id: number): string | null => (id === 0 ? null : typeof d.strings[id - 1] === 'string' ? (d.strings[id - 1] as string) : bad('string id'));
  const out: WatchSample[] = [];
  let r = 0;
  for (const s of d.samples) {
    const [t, durationMs, outcome, uptimeS, clkTck, startFile, count, errorCode, errorMessage, status] = s;
    if (typeof t !== 'number' || typeof durationMs !== 'number' || typeof clkTck !== 'number' || typeof outcome !== 'number' || OUTCOMES[outcome] === undefined || typeof startFile !== 'number') bad('sample');
    const processes: WatchProcess[] = [];
    for (let k = 0; k < (count as number); k++, r++) {
      const v = (c: number): number => {
        const x = d.ints[r * R_INTS + c];
        return typeof x === 'number' && Number.isInteger(x) ? x : bad('row value');
      };
      const f = (c: number): number => {
        const x = d.floats[r * R_FLOATS + c];
        return typeof x === 'number' && Number.isFinite(x) ? x : bad('row value');
      };
      const sf = v(4);
      processes.push({
        pid: v(0),
        ppid: v(1),
        rssBytes: v(2) * 1024,
        fds: v(3) < 0 ? null : v(3),
        state: String.fromCharCode(sf & 0xff),
        role: (sf >> 8) & MASTER ? 'master' : 'worker',
        isOrphan: ((sf >> 8) & ORPHAN) !== 0,
        wchan: str(v(5) & 0xffff),
        syscall: str((v(5) >>> 16) & 0xffff),
        worker: str(v(6) & 0xffff),
        listen: str((v(6) >>> 16) & 0xffff),
        startTicks: f(0),
        cpuTicks: f(1),
      });
    }
    out.push({
      host,
      t: t as number,
      durationMs: durationMs as number,
      outcome: OUTCOMES[outcome as number]!,
      error: typeof errorCode === 'string' ? { code: errorCode as BotErrorCode, message: String(errorMessage ?? '') } : null,
      uptimeS: typeof uptimeS === 'number' ? uptimeS : null,
      clkTck: clkTck as number,
      startFile: str(startFile as number),
      processes,
      status: status === null || status === undefined ? null : readSavedStatus(status, str),
    });
  }
  return out;
}
