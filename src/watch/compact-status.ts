import type { BotErrorCode } from '../errors.js';
import type { StatusSnapshot, StatusTrigger } from './types.js';

/** A window's string table: ids from 1, 0 for null. */
export interface StringTable {
  intern(s: string | null): number;
  str(id: number): string | null;
}

/**
 * A status sample as the window holds it: per process one row of 7 float64 (pid, worker, listen,
 * memory, connections, total_request, busy; NaN for null, strings as ids of the window's table),
 * per exit row 3 (worker, status, count; a status Workerman printed as text is -id).
 */
export interface CompactStatus {
  t: number;
  trigger: StatusTrigger;
  startedAt: number;
  rows: Float64Array;
  exits: Float64Array;
  error: { code: BotErrorCode; message: string } | null;
}

const P = 7;
const X = 3;
const num = (v: number | null): number => (v === null ? Number.NaN : v);
const orNull = (v: number): number | null => (Number.isNaN(v) ? null : v);

/** Packs a snapshot, interning its strings. */
export function compactStatus(s: StatusSnapshot, table: StringTable): CompactStatus {
  const rows = new Float64Array(s.processes.length * P);
  s.processes.forEach((p, i) => rows.set([p.pid, table.intern(p.worker), table.intern(p.listen), num(p.memoryBytes), num(p.connections), num(p.totalRequest), p.isBusy ? 1 : 0], i * P));
  const exits = new Float64Array(s.exits.length * X);
  s.exits.forEach((e, i) => exits.set([table.intern(e.worker), typeof e.status === 'number' ? e.status : -table.intern(e.status), e.count], i * X));
  return { t: s.t, trigger: s.trigger, startedAt: table.intern(s.startedAt), rows, exits, error: s.error };
}

/** Unpacks a snapshot (new objects: the caller may keep or change them). */
export function expandStatus(c: CompactStatus, table: StringTable): StatusSnapshot {
  const processes: StatusSnapshot['processes'] = [];
  for (let o = 0; o < c.rows.length; o += P) {
    const r = c.rows;
    processes.push({ pid: r[o]!, worker: table.str(r[o + 1]!) ?? '', listen: table.str(r[o + 2]!), memoryBytes: orNull(r[o + 3]!), connections: orNull(r[o + 4]!), totalRequest: orNull(r[o + 5]!), isBusy: r[o + 6] === 1 });
  }
  const exits: StatusSnapshot['exits'] = [];
  for (let o = 0; o < c.exits.length; o += X) {
    const status = c.exits[o + 1]!;
    exits.push({ worker: table.str(c.exits[o]!) ?? '', status: status < 0 ? (table.str(-status) ?? '') : status, count: c.exits[o + 2]! });
  }
  return { t: c.t, trigger: c.trigger, startedAt: table.str(c.startedAt), processes, exits, error: c.error === null ? null : { ...c.error } };
}

/** Re-maps the string ids of a packed snapshot (the window rebuilt its table). */
export function remapStatus(c: CompactStatus, re: (id: number) => number): void {
  c.startedAt = re(c.startedAt);
  for (let o = 0; o < c.rows.length; o += P) {
    c.rows[o + 1] = re(c.rows[o + 1]!);
    c.rows[o + 2] = re(c.rows[o + 2]!);
  }
  for (let o = 0; o < c.exits.length; o += X) {
    c.exits[o] = re(c.exits[o]!);
    if (c.exits[o + 1]! < 0) c.exits[o + 1] = -re(-c.exits[o + 1]!);
  }
}

/**
 * The state file's form: `{ t, g: trigger, a: startedAt, p: [[pid, worker, listen, mem, conn, req, busy]], x: [[worker, status, count]], e }`
 * with strings as ids of the file's table (`save`), null for NaN.
 */
export function serializeStatus(c: CompactStatus, table: StringTable, save: (s: string | null) => number): Record<string, unknown> {
  const s = expandStatus(c, table);
  return {
    t: s.t,
    g: s.trigger,
    a: s.startedAt,
    p: s.processes.map((p) => [p.pid, save(p.worker), save(p.listen), p.memoryBytes, p.connections, p.totalRequest, p.isBusy ? 1 : 0]),
    x: s.exits.map((e) => [save(e.worker), typeof e.status === 'number' ? e.status : `${e.status}`, e.count]),
    e: s.error,
  };
}

const TRIGGERS: ReadonlySet<string> = new Set(['cadence', 'stuck', 'cpu-pinned', 'new-pid', 'saturation']);

/** Reads a snapshot written by serializeStatus; throws a TypeError on anything else. */
export function readSavedStatus(raw: unknown, str: (id: number) => string | null): StatusSnapshot {
  const bad = (): never => {
    throw new TypeError('status snapshot');
  };
  const o = raw as Record<string, unknown>;
  if (typeof o !== 'object' || o === null || typeof o.t !== 'number' || typeof o.g !== 'string' || !TRIGGERS.has(o.g) || !Array.isArray(o.p) || !Array.isArray(o.x)) bad();
  const name = (id: unknown): string => (typeof id === 'number' ? (str(id) ?? bad()) : bad());
  const n = (v: unknown): number | null => (v === null ? null : typeof v === 'number' ? v : bad());
  const e = o.e as { code?: unknown; message?: unknown } | null | undefined;
  return {
    t: o.t as number,
    trigger: o.g as StatusTrigger,
    startedAt: typeof o.a === 'string' ? o.a : null,
    processes: (o.p as unknown[][]).map((p) => ({
      pid: n(p[0]) ?? bad(),
      worker: name(p[1]),
      listen: p[2] === 0 ? null : name(p[2]),
      memoryBytes: n(p[3]),
      connections: n(p[4]),
      totalRequest: n(p[5]),
      isBusy: p[6] === 1,
    })),
    exits: (o.x as unknown[][]).map((x) => ({ worker: name(x[0]), status: typeof x[1] === 'number' || typeof x[1] === 'string' ? x[1] : bad(), count: n(x[2]) ?? bad() })),
    error: e === null || e === undefined ? null : { code: String(e.code) as BotErrorCode, message: String(e.message ?? '') },
  };
}
