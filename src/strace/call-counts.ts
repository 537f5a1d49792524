/**
 * Counts of a trace by syscall name, by (syscall, errno), by signal and by `[pid N]` prefix, and the rows
 * of a `strace -c` table. The maps grow with distinct keys, never with lines: past a cap, a new key folds
 * into an "(other)" bucket, so memory stays flat whatever the trace length.
 */

import type { CountRowEvent } from './events.js';
import { syscallKind } from './syscall-kinds.js';
import type { ErrnoStat } from './types.js';

export const MAX_SYSCALL_NAMES = 512;
const MAX_ERROR_KEYS = 512;
const MAX_SIGNALS = 128;
/** Distinct `[pid N]` prefixes counted (the facts reducer caps pids the same). */
export const MAX_PIDS = 4096;
/** The bucket that keys past a cap fold into. */
export const OTHER = '(other)';

/** What the trace showed of one syscall name. */
export interface SyscallAcc {
  /** Its kind bits (syscall-kinds.ts), looked up once per name, not per line. */
  kind: number;
  count: number;
  errors: number;
  totalMs: number;
  maxMs: number;
  /** Some call of it had a `-T` duration. */
  timed: boolean;
}

/** A recently counted name: its accumulator and its counter under the prefix it last came with. */
interface RecentName {
  name: string;
  acc: SyscallAcc;
  prefix: number | null | undefined;
  perPrefix: { n: number } | undefined;
}

/** One row of a `strace -c` table, summed when a name repeats (`-f -c` of several runs). */
export interface TableRow {
  calls: number;
  errors: number;
  seconds: number;
}

/** The counters of one trace; the facts reducer owns one. */
export class CallCounts {
  readonly syscalls = new Map<string, SyscallAcc>();
  /** Insertion-ordered (syscall, errno) stats, keyed `name\0errno`, plus OTHER. */
  readonly errors = new Map<string, ErrnoStat>();
  readonly signals = new Map<string, number>();
  /** prefix pid (null: no `[pid N]`) -> syscall name -> count. */
  readonly byPrefix = new Map<number | null, Map<string, { n: number }>>();
  readonly table = new Map<string, TableRow>();

  // syscall -> errno -> stat: nested maps, no key string built per failing call.
  private readonly errorsByName = new Map<string, Map<string, ErrnoStat>>();
  private errorKeys = 0;
  // Consecutive lines mostly carry the same prefix: remember the last lookup.
  private lastPrefix: number | null = null;
  private lastPrefixCounts: Map<string, { n: number }> | undefined = undefined;
  // The few names of a trace come back line after line, each time as the same string (the parsers
  // intern them): a small direct-mapped table keyed by length and end characters finds a name's
  // counters by identity, without hashing the string into the two maps on every line.
  private readonly recent: (RecentName | undefined)[] = new Array(256);

  /** Counts one call of `name` under its `[pid N]` prefix (null: none); returns the name's accumulator. */
  countCall(name: string, prefix: number | null): SyscallAcc {
    const len = name.length;
    const key = (len * 31 + name.charCodeAt(0) * 7 + name.charCodeAt(len - 1)) & 255;
    const r = this.recent[key];
    // The common case inline, the lookups of a new name or prefix apart (on every line, small is what V8 inlines).
    if (r === undefined || r.name !== name || r.perPrefix === undefined || r.prefix !== prefix) return this.countNew(key, name, prefix);
    r.acc.count++;
    r.perPrefix.n++;
    return r.acc;
  }

  private countNew(key: number, name: string, prefix: number | null): SyscallAcc {
    let r = this.recent[key];
    if (r === undefined || r.name !== name) {
      r = { name, acc: this.syscall(name), prefix: undefined, perPrefix: undefined };
      this.recent[key] = r;
    }
    r.acc.count++;
    if (r.perPrefix !== undefined && r.prefix === prefix) r.perPrefix.n++;
    else {
      r.prefix = prefix;
      r.perPrefix = this.countPrefix(prefix, name);
    }
    return r.acc;
  }

  /** The accumulator of a syscall name (OTHER's past MAX_SYSCALL_NAMES names). */
  syscall(name: string): SyscallAcc {
    let acc = this.syscalls.get(name);
    if (acc === undefined) {
      const key = this.syscalls.size >= MAX_SYSCALL_NAMES ? OTHER : name;
      acc = this.syscalls.get(key);
      if (acc === undefined) {
        acc = { kind: syscallKind(name), count: 0, errors: 0, totalMs: 0, maxMs: 0, timed: false };
        this.syscalls.set(key, acc);
      }
    }
    return acc;
  }

  /** Counts one call of `name` under its `[pid N]` prefix; returns its counter (undefined past a cap). */
  private countPrefix(prefix: number | null, name: string): { n: number } | undefined {
    let byName = prefix === this.lastPrefix && this.lastPrefixCounts !== undefined ? this.lastPrefixCounts : this.byPrefix.get(prefix);
    if (byName === undefined && this.byPrefix.size < MAX_PIDS) {
      byName = new Map();
      this.byPrefix.set(prefix, byName);
    }
    this.lastPrefix = prefix;
    this.lastPrefixCounts = byName;
    if (byName === undefined) return undefined;
    let c = byName.get(name);
    if (c !== undefined) c.n++;
    else if (byName.size < MAX_SYSCALL_NAMES) {
      c = { n: 1 };
      byName.set(name, c);
    }
    return c;
  }

  /** Counts one failure of `name` with `errno`. */
  error(name: string, errno: string): void {
    let byErrno = this.errorsByName.get(name);
    if (byErrno === undefined) {
      byErrno = new Map();
      this.errorsByName.set(name, byErrno);
    }
    const e = byErrno.get(errno);
    if (e !== undefined) {
      e.count++;
    } else if (this.errorKeys < MAX_ERROR_KEYS) {
      this.errorKeys++;
      const stat = { syscall: name, errno, count: 1 };
      byErrno.set(errno, stat);
      this.errors.set(`${name}\u0000${errno}`, stat);
    } else {
      const o = this.errors.get(OTHER);
      if (o !== undefined) o.count++;
      else this.errors.set(OTHER, { syscall: OTHER, errno: OTHER, count: 1 });
    }
  }

  /** Counts one delivered signal. */
  signal(signal: string): void {
    const n = this.signals.get(signal);
    if (n !== undefined) this.signals.set(signal, n + 1);
    else if (this.signals.size < MAX_SIGNALS) this.signals.set(signal, 1);
  }

  /** Adds a row of a `strace -c` table. */
  tableRow(ev: CountRowEvent): void {
    const t = this.table.get(ev.name);
    if (t !== undefined) {
      t.calls += ev.calls;
      t.errors += ev.errors;
      t.seconds += ev.seconds;
    } else if (this.table.size < MAX_SYSCALL_NAMES) {
      this.table.set(ev.name, { calls: ev.calls, errors: ev.errors, seconds: ev.seconds });
    }
  }
}
