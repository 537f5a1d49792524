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
 * Returns `text` cut to `width` characters (code points) with `…` where it was cut: at the end, or
 * with `keep: 'ends'` in the middle (`http://1…0.1:18400`).
 */
export function cutToWidth(text: string, width: number, keep: 'start' | 'ends' = 'start'): string {
  const chars = [...text];
  if (chars.length <= width) return text;
  if (width <= 1) return width === 1 ? '…' : '';
  if (keep === 'start') return `${chars.slice(0, width - 1).join('')}…`;
  const tail = Math.floor((width - 1) / 2);
  return `${chars.slice(0, width - 1 - tail).join('')}…${chars.slice(chars.length - tail).join('')}`;
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
 * Returns prose cut into lines of at most `width` characters at spaces, later lines indented by
 * `indent` spaces; a word longer than a line stays whole. `width` undefined: the text as one line.
 */
export function wrapWords(text: string, width: number | undefined, indent = 2): string[] {
  if (width === undefined || text.length <= width) return [text];
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    const candidate = line === '' ? word : `${line} ${word}`;
    if (candidate.length > width && line.trim() !== '') {
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
    if (line !== '' && line.length + separator.length + part.length > width) {
      lines.push(line);
      line = part;
    } else {
      line = line === '' ? part : `${line}${separator}${part}`;
    }
  }
  if (line !== '') lines.push(line);
  return lines;
}
