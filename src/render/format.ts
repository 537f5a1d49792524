/**
 * The one set of number formatters for everything a person reads (terminal, Slack, the prose of findings,
 * verdicts and alerts). Each takes its value in the unit its parameter names. Output is fixed (no host
 * locale), so snapshots and messages are the same everywhere.
 *
 * Bytes are binary (1 KiB = 1024 B) and say so (`KiB`, `MiB`): every size shown comes from Linux or PHP,
 * which count in powers of two (`/proc` RSS in KiB, PHP's memory_get_usage() that Workerman prints as `M`,
 * the log caps in the config), so the numbers stay those the host shows, and the label is honest.
 *
 * This module imports nothing: domain modules that write sentences (verdict wording, findings, alerts)
 * use it too, and that must never make an import cycle.
 */

const BYTE_UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB'] as const;

/** `512 B`, `1.5 KiB`, `8.9 MiB`, `1.2 GiB`: a size in binary units, one decimal from KiB up. */
export function formatBytes(bytes: number): string {
  let value = bytes;
  let unit = 0;
  while (Math.abs(value) >= 1024 && unit < BYTE_UNITS.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return unit === 0 ? `${Math.round(value)} B` : `${value.toFixed(1)} ${BYTE_UNITS[unit]}`;
}

/** `1.23`: bytes as a number of MiB with `digits` decimals, for a column or axis whose title names the unit. */
export function formatMiB(bytes: number, digits = 2): string {
  return (bytes / 1_048_576).toFixed(digits);
}

/** `1,234,567`: a count with thousands separators. */
export function formatCount(n: number): string {
  return String(Math.round(n)).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** `1 call`, `3 calls`, `1,204 processes`: a count and its noun, plural unless the count is 1. */
export function plural(n: number, word: string, words = `${word}s`): string {
  return `${formatCount(n)} ${n === 1 ? word : words}`;
}

/** `0.123`, `12.3`, `123`: milliseconds as a bare number for a column titled `ms` (`-` when unknown). */
export function formatMsValue(ms: number | null): string {
  if (ms === null) return '-';
  if (ms >= 100) return ms.toFixed(0);
  if (ms >= 1) return ms.toFixed(1);
  return ms.toFixed(3);
}

/** `99.52`, `0.04`, `0.00`: a percentage as a bare number with two decimals for a column titled `%`, as `strace -c` prints its `% time` (`-` when unknown). */
export function formatPercentValue(pct: number | null): string {
  return pct === null ? '-' : pct.toFixed(2);
}

/** `0.043 ms`, `2.4 ms`, `12 ms`, `1.5 s`: a short time with its unit (a syscall's wait, CPU time, a host's answer). */
export function formatMs(ms: number): string {
  if (ms >= 1000) return `${(ms / 1000).toFixed(1)} s`;
  if (ms >= 10) return `${Math.round(ms)} ms`;
  if (ms >= 1) return `${ms.toFixed(1)} ms`;
  // Below a millisecond two significant digits: a syscall's 0.043 ms is not "0.0 ms".
  return `${Number(ms.toPrecision(2))} ms`;
}

/** `2.5`, `5`: milliseconds as seconds, at most one decimal, for a sentence that names the unit (`for 5 s`). */
export function formatMsAsSeconds(ms: number): string {
  return (ms / 1000).toFixed(1).replace(/\.0$/, '');
}

/**
 * `45 s`, `3 min`, `1 h 20 min`, `6 h`, `2 days 9 h`: a span of time for sentences (how long an alert is
 * open, a chart's window). Seconds below 90 s, minutes below an hour, then hours (and minutes), then days
 * (and hours).
 */
export function formatDuration(ms: number): string {
  const s = Math.round(Math.max(0, ms) / 1000);
  if (s < 90) return `${s} s`;
  const min = Math.round(s / 60);
  if (min < 60) return `${min} min`;
  const h = Math.floor(min / 60);
  if (h < 24) return min % 60 === 0 ? `${h} h` : `${h} h ${min % 60} min`;
  const hours = Math.round(min / 60);
  const days = Math.floor(hours / 24);
  const rest = hours % 24;
  return `${days} ${days === 1 ? 'day' : 'days'}${rest === 0 ? '' : ` ${rest} h`}`;
}
