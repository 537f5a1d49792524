import { describe, expect, it } from 'vitest';
import { displayWidth } from '../../../../src/render/text/display-width.js';
import { layoutTable, renderTextTable, type TextColumn } from '../../../../src/render/text/table.js';

interface Row {
  name: string;
  count: number;
}

const COLUMNS: TextColumn<Row>[] = [
  { header: 'NAME', cell: (r) => r.name, fit: { shrink: { step: 1, minWidth: 6 } } },
  { header: 'COUNT', align: 'right', cell: (r) => String(r.count) },
];

describe('layoutTable()', () => {
  it('layoutTable() aligns wide characters and emoji by the columns they take on screen', () => {
    const rows = [
      { name: 'HttpApi01', count: 8 },
      { name: '队列工作', count: 12 },
      { name: 'ws-🚀', count: 1 },
      { name: 'cafe\u0301', count: 100 },
    ];
    const table = layoutTable(rows, COLUMNS);
    expect([table.header, ...table.rows]).toEqual([
      'NAME       COUNT',
      'HttpApi01      8',
      '队列工作      12',
      'ws-🚀          1',
      'cafe\u0301         100',
    ]);
    expect(new Set([table.header, ...table.rows].map(displayWidth))).toEqual(new Set([16]));
    expect(table.fitNote).toBeNull();
  });

  it('layoutTable() gives way to a narrow terminal column by column and says so, never splitting a wide character', () => {
    const table = layoutTable([{ name: '队列工作进程名', count: 3 }], COLUMNS, 13);
    expect([table.header, ...table.rows]).toEqual(['NAME    COUNT', '队列…       3']);
    expect(table.fitNote).toBe('(fit to 13 columns: NAME cut)');
  });

  it('renderTextTable() paints after padding, so colour never shifts a column', () => {
    const lines = renderTextTable([{ name: 'a', count: 1 }], COLUMNS, { color: true, tone: () => 'red' });
    expect(lines).toEqual(['\x1b[1mNAME  COUNT\x1b[0m', '\x1b[31ma         1\x1b[0m']);
  });
});
