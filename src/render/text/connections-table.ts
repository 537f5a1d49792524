import type { WorkermanConnections } from '../../workerman/types.js';
import { escapeControl } from '../escape-control.js';
import { plural } from '../format.js';
import { paint, type TextRenderOptions } from './paint.js';
import { renderTextTable } from './table.js';

/**
 * Renders `connections` for a terminal: a title with the count, then one aligned row per client
 * connection (worker names as Workerman cut them, e.g. `ws-notificat..`). Ends in a newline.
 */
export function renderConnectionsText(conns: WorkermanConnections, opts: TextRenderOptions): string {
  const { color, maxWidth } = opts;
  const n = conns.connections.length;
  const title = `${conns.host === null ? 'Workerman connections' : `Workerman connections of ${escapeControl(conns.host)}`}: ${plural(n, 'client connection')}`;
  const out = [paint(title, 'bold', color)];
  if (n === 0) return `${out.join('\n')}\n`;
  const cell = (s: string): string => escapeControl(s);
  out.push(
    '',
    ...renderTextTable(
      conns.connections,
      [
        { header: 'PID', align: 'right', cell: (c) => String(c.pid) },
        { header: 'WORKER', cell: (c) => cell(c.worker), fit: { shrink: { step: 4, minWidth: 10 } } },
        { header: 'CID', align: 'right', cell: (c) => String(c.cid), fit: { drop: 3 } },
        { header: 'PROTO', cell: (c) => `${cell(c.transport)}/${cell(c.protocol)}`, fit: { drop: 6 } },
        { header: 'LOCAL', cell: (c) => cell(c.localAddress), fit: { shrink: { step: 4, minWidth: 15, keep: 'ends' }, drop: 5 } },
        { header: 'FOREIGN', cell: (c) => cell(c.foreignAddress), fit: { shrink: { step: 4, minWidth: 15, keep: 'ends' } } },
        { header: 'STATUS', cell: (c) => cell(c.status) },
        { header: 'RECV-Q', align: 'right', cell: (c) => cell(c.recvQueue), fit: { drop: 1 } },
        // The send queue stays: a queue that is not empty is what this table is looked at for.
        { header: 'SEND-Q', align: 'right', cell: (c) => cell(c.sendQueue) },
        { header: 'READ', align: 'right', cell: (c) => cell(c.bytesRead), fit: { drop: 2 } },
        { header: 'WRITTEN', align: 'right', cell: (c) => cell(c.bytesWritten), fit: { drop: 2 } },
      ],
      // A send queue that is not empty means the peer is not reading: worth a glance.
      { color, maxWidth, tone: (c) => (c.sendQueue !== '0B' ? 'yellow' : undefined) },
    ),
  );
  return `${out.join('\n')}\n`;
}
