import { displayWidth, graphemes, graphemeWidth } from './display-width.js';

/**
 * How a table column gives way when the table is wider than the terminal. Steps of all columns run in
 * ascending order until the table fits: a `shrink` step cuts the column (with `…`) down to at most
 * `minWidth` characters, a `drop` step hides it. A column with neither never changes.
 */
export interface ColumnFit {
  /** `keep: 'ends'` cuts in the middle (an address keeps its scheme and port); default: the end is cut. */
  shrink?: { step: number; minWidth: number; keep?: 'start' | 'ends' };
  drop?: number;
}

/** What fitColumns decided: a width per column (null = dropped), and which columns were dropped or cut. */
export interface FittedColumns {
  widths: (number | null)[];
  dropped: number[];
  cut: number[];
  /** False when every step ran and the table is still wider than asked (the terminal will wrap it). */
  fits: boolean;
}

/**
 * Returns the column widths that make a table of `widths` (natural widths, `gap` spaces between
 * columns) fit `maxWidth`, giving way step by step as each column's `fits[i]` says; `maxWidth`
 * undefined (output piped to a file or a program) keeps every column whole. Columns sharing a shrink
 * step are cut together, the widest first, only as far as needed. The one place tables decide width.
 */
export function fitColumns(widths: readonly number[], fits: readonly ColumnFit[], maxWidth: number | undefined, gap = 2): FittedColumns {
  const out: (number | null)[] = [...widths];
  const total = (): number => {
    const shown = out.filter((w): w is number => w !== null);
    return shown.reduce((sum, w) => sum + w, 0) + gap * Math.max(0, shown.length - 1);
  };
  if (maxWidth === undefined || total() <= maxWidth) return { widths: out, dropped: [], cut: [], fits: true };
  const steps = [...new Set(fits.flatMap((f) => [f.shrink?.step, f.drop].filter((s): s is number => s !== undefined)))].sort((a, b) => a - b);
  const dropped = new Set<number>();
  const cut = new Set<number>();
  for (const step of steps) {
    const shrinking = fits.flatMap((f, i) => (f.shrink?.step === step && out[i] !== null ? [i] : []));
    // One character at a time from the widest: names keep as much as they can, evenly.
    while (total() > maxWidth) {
      let widest = -1;
      for (const i of shrinking) {
        const w = out[i] as number | null;
        if (w !== null && w > fits[i]!.shrink!.minWidth && (widest < 0 || w > (out[widest] as number))) widest = i;
      }
      if (widest < 0) break;
      out[widest] = (out[widest] as number) - 1;
      cut.add(widest);
    }
    if (total() <= maxWidth) break;
    fits.forEach((f, i) => {
      if (f.drop === step && out[i] !== null) {
        out[i] = null;
        dropped.add(i);
        cut.delete(i);
      }
    });
    if (total() <= maxWidth) break;
  }
  // A later drop may have freed more room than needed: give it back to the cut columns, narrowest first.
  for (;;) {
    let narrowest = -1;
    for (const i of cut) {
      const w = out[i] as number;
      if (w < widths[i]! && (narrowest < 0 || w < (out[narrowest] as number))) narrowest = i;
    }
    if (narrowest < 0 || total() >= maxWidth) break;
    out[narrowest] = (out[narrowest] as number) + 1;
    if (out[narrowest] === widths[narrowest]) cut.delete(narrowest);
  }
  return { widths: out, dropped: [...dropped].sort((a, b) => a - b), cut: [...cut].sort((a, b) => a - b), fits: total() <= maxWidth };
}

/**
 * Returns `text` cut to `width` terminal columns (see displayWidth) with `…` where it was cut: at the
 * end, or with `keep: 'ends'` in the middle (`http://1…0.1:18400`). Never splits a character: a wide
 * one that does not fit leaves its column blank.
 */
export function cutToWidth(text: string, width: number, keep: 'start' | 'ends' = 'start'): string {
  if (displayWidth(text) <= width) return text;
  if (width <= 1) return width === 1 ? '…' : '';
  const chars = graphemes(text);
  if (keep === 'start') return `${takeWidth(chars, width - 1)}…`;
  const tailWidth = Math.floor((width - 1) / 2);
  const tail = takeWidthFromEnd(chars, tailWidth);
  return `${takeWidth(chars, width - 1 - displayWidth(tail))}…${tail}`;
}

/** The longest start of `chars` at most `width` columns wide, joined. */
function takeWidth(chars: readonly string[], width: number): string {
  let used = 0;
  let out = '';
  for (const c of chars) {
    const w = graphemeWidth(c);
    if (used + w > width) break;
    used += w;
    out += c;
  }
  return out;
}

/** The longest end of `chars` at most `width` columns wide, joined. */
function takeWidthFromEnd(chars: readonly string[], width: number): string {
  let used = 0;
  let out = '';
  for (let i = chars.length - 1; i >= 0; i--) {
    const w = graphemeWidth(chars[i]!);
    if (used + w > width) break;
    used += w;
    out = chars[i]! + out;
  }
  return out;
}

/** The one line under a table that gave way: `(fit to 80 columns: SEND_FAIL, TIMERS hidden; WORKER cut)`, or null. */
export function describeFit(fitted: FittedColumns, headers: readonly string[], maxWidth: number): string | null {
  const names = (list: readonly number[]): string => list.map((i) => headers[i]).join(', ');
  const parts = [
    fitted.dropped.length > 0 ? `${names(fitted.dropped)} hidden` : null,
    fitted.cut.length > 0 ? `${names(fitted.cut)} cut` : null,
  ].filter((p): p is string => p !== null);
  if (parts.length === 0) return null;
  return `(fit to ${maxWidth} columns: ${parts.join('; ')})`;
}

/**
 * Returns prose cut into lines of at most `width` terminal columns at spaces, later lines indented by
 * `indent` spaces; a word longer than a line stays whole. `width` undefined: the text as one line.
 */
export function wrapWords(text: string, width: number | undefined, indent = 2): string[] {
  if (width === undefined || displayWidth(text) <= width) return [text];
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    const candidate = line === '' ? word : `${line} ${word}`;
    if (displayWidth(candidate) > width && line.trim() !== '') {
      lines.push(line);
      line = `${' '.repeat(indent)}${word}`;
    } else {
      line = candidate;
    }
  }
  if (line !== '') lines.push(line);
  return lines;
}

/**
 * Returns `parts` joined by `separator` on as few lines as fit `width` (a part is never split);
 * `width` undefined: one line. Example: header facts `started … | up … | load …`.
 */
export function joinWithin(parts: readonly string[], separator: string, width: number | undefined): string[] {
  if (width === undefined) return [parts.join(separator)];
  const lines: string[] = [];
  let line = '';
  for (const part of parts) {
    if (line !== '' && displayWidth(line) + displayWidth(separator) + displayWidth(part) > width) {
      lines.push(line);
      line = part;
    } else {
      line = line === '' ? part : `${line}${separator}${part}`;
    }
  }
  if (line !== '') lines.push(line);
  return lines;
}
