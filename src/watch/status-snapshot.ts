import type { BotError, BotErrorCode } from '../errors.js';
import { oneLine } from '../errors.js';
import type { WorkermanStatus } from '../workerman/types.js';
import type { StatusSnapshot, StatusTrigger } from './types.js';

/** Returns the columns of a parsed status that the window keeps (memory, connections, requests, busy, exits). */
export function toStatusSnapshot(status: WorkermanStatus, t: number, trigger: StatusTrigger): StatusSnapshot {
  return {
    t,
    trigger,
    startedAt: status.startedAt,
    processes: status.processes.map((p) => ({
      pid: p.pid,
      worker: p.workerName,
      listen: p.listen,
      memoryBytes: p.memoryBytes,
      connections: p.connections,
      totalRequest: p.totalRequest,
      isBusy: p.status === 'busy',
    })),
    exits: status.workers.map((w) => ({ worker: w.name, status: w.exitStatus, count: w.exitCount })),
    error: null,
  };
}

/** Returns the snapshot of a status run that gave no table (not running, timed out, refused). */
export function failedStatusSnapshot(error: BotError, t: number, trigger: StatusTrigger): StatusSnapshot {
  return { t, trigger, startedAt: null, processes: [], exits: [], error: { code: error.code, message: oneLine(error.message, 300) } };
}

/**
 * A status snapshot in the state file: tuples, with worker names and listen addresses as ids of the
 * window's string table: `{ t, g: trigger, a: startedAt, p: [[pid, worker, listen, mem, conn, req, busy]], x: [[worker, status, count]], e }`.
 */
export function serializeStatusSnapshot(s: StatusSnapshot, intern: (s: string | null) => number): Record<string, unknown> {
  return {
    t: s.t,
    g: s.trigger,
    a: s.startedAt,
    p: s.processes.map((p) => [p.pid, intern(p.worker), intern(p.listen), p.memoryBytes, p.connections, p.totalRequest, p.isBusy ? 1 : 0]),
    x: s.exits.map((e) => [intern(e.worker), e.status, e.count]),
    e: s.error,
  };
}

/** Reads a snapshot written by serializeStatusSnapshot; throws a TypeError on anything else. */
export function parseStatusSnapshot(raw: unknown, table: readonly string[]): StatusSnapshot {
  const bad = (): never => {
    throw new TypeError('status snapshot');
  };
  const o = raw as Record<string, unknown>;
  if (typeof o !== 'object' || o === null || typeof o.t !== 'number' || typeof o.g !== 'string' || !Array.isArray(o.p) || !Array.isArray(o.x)) bad();
  const name = (id: unknown): string => (typeof id === 'number' && table[id] !== undefined ? table[id]! : bad());
  const num = (v: unknown): number | null => (v === null ? null : typeof v === 'number' ? v : bad());
  const e = o.e as { code?: unknown; message?: unknown } | null;
  return {
    t: o.t as number,
    trigger: o.g as StatusSnapshot['trigger'],
    startedAt: typeof o.a === 'string' ? o.a : null,
    processes: (o.p as unknown[][]).map((p) => ({
      pid: num(p[0]) ?? bad(),
      worker: name(p[1]),
      listen: p[2] === -1 ? null : name(p[2]),
      memoryBytes: num(p[3]),
      connections: num(p[4]),
      totalRequest: num(p[5]),
      isBusy: p[6] === 1,
    })),
    exits: (o.x as unknown[][]).map((x) => ({ worker: name(x[0]), status: typeof x[1] === 'number' || typeof x[1] === 'string' ? x[1] : bad(), count: num(x[2]) ?? bad() })),
    error: e === null || e === undefined ? null : { code: String(e.code) as BotErrorCode, message: String(e.message ?? '') },
  };
}
