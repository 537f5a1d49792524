import { displayWidth } from './display-width.js';
import { cutToWidth, describeFit, fitColumns, wrapWords, type ColumnFit } from './fit-columns.js';
import { paint, type TextRenderOptions, type Tone } from './paint.js';

/** A column of a table: header, alignment, the cell text per row (already escaped), how it gives way. */
export interface TextColumn<Row> {
  header: string;
  align?: 'left' | 'right';
  cell: (row: Row) => string;
  /** On a terminal narrower than the table: when this column is cut or hidden (see fitColumns). */
  fit?: ColumnFit;
}

/** A table laid out: the header line, one line per row, and what gave way to fit (null when nothing did). */
export interface TableLayout {
  header: string;
  rows: string[];
  fitNote: string | null;
}

/**
 * Lays rows out as an aligned table: columns as wide as their widest cell in terminal columns (East
 * Asian wide characters and emoji count 2, see displayWidth), two spaces between columns, numbers
 * aligned as their column says, no trailing spaces. With `maxWidth`, columns give way as their `fit`
 * says (fitColumns) and `fitNote` says which. The one table layout: the terminal, the summary file and
 * Slack's code blocks all use it.
 */
export function layoutTable<Row>(rows: readonly Row[], columns: readonly TextColumn<Row>[], maxWidth?: number): TableLayout {
  const cells = rows.map((row) => columns.map((c) => c.cell(row)));
  const natural = columns.map((c, i) => Math.max(displayWidth(c.header), ...cells.map((r) => displayWidth(r[i]!))));
  const fitted = fitColumns(natural, columns.map((c) => c.fit ?? {}), maxWidth);
  const line = (values: readonly string[]): string =>
    values
      .flatMap((v, i) => {
        const width = fitted.widths[i];
        if (width === null || width === undefined) return [];
        return [padToWidth(cutToWidth(v, width, columns[i]?.fit?.shrink?.keep), width, columns[i]?.align)];
      })
      .join('  ')
      .trimEnd();
  return {
    header: line(columns.map((c) => c.header)),
    rows: cells.map(line),
    fitNote: maxWidth === undefined ? null : describeFit(fitted, columns.map((c) => c.header), maxWidth),
  };
}

/**
 * Returns a table for the terminal: the header in bold, then the rows, each painted as `tone` says
 * (after padding, so escape codes never shift the alignment), then the fit note, dimmed and wrapped.
 */
export function renderTextTable<Row>(
  rows: readonly Row[],
  columns: readonly TextColumn<Row>[],
  opts: TextRenderOptions & { tone?: (row: Row) => Tone | undefined },
): string[] {
  const table = layoutTable(rows, columns, opts.maxWidth);
  const lines = [paint(table.header, 'bold', opts.color)];
  rows.forEach((row, r) => {
    const tone = opts.tone?.(row);
    lines.push(tone ? paint(table.rows[r]!, tone, opts.color) : table.rows[r]!);
  });
  if (table.fitNote !== null) for (const line of wrapWords(table.fitNote, opts.maxWidth, 1)) lines.push(paint(line, 'dim', opts.color));
  return lines;
}

/** Returns `text` padded with spaces to `width` terminal columns, on the right (`left`) or the left (`right`). */
export function padToWidth(text: string, width: number, align: 'left' | 'right' = 'left'): string {
  const fill = ' '.repeat(Math.max(0, width - displayWidth(text)));
  return align === 'right' ? fill + text : text + fill;
}
