import { BotError, oneLine } from '../errors.js';
import { parseWorkermanFailure } from './parse-workerman-failure.js';
import { splitOutputLines, type OutputLine } from './split-output-lines.js';
import type { ConnectionRow, WorkermanConnections } from './types.js';

export interface ParseConnectionsOptions {
  /** stderr of the same command (permission problems, PHP errors). */
  stderr?: string;
  host?: string | null;
}

/** Columns after the worker name, in order; the worker name (cut to 14 chars) may contain spaces. */
const TAIL_COLUMNS = 12;
/** Width Workerman pads the last column (Foreign Address) to; a complete row reaches it. */
const ADDRESS_WIDTH = 22;

/**
 * Parses `php start.php connections` (same layout in 3.x, 4.x and 5.x; no Summary row) into rows, or
 * throws the same typed errors as parseStatus ("not run", PHP errors, permissions, usage text).
 *
 * @example
 * Workerman[start.php] connections
 * ---------------------------------------- WORKERMAN CONNECTION STATUS ----------------------------------------
 * PID      Worker          CID       Trans   Protocol        ipv4   ipv6   Recv-Q       Send-Q       Bytes-R      Bytes-W       Status         Local Address          Foreign Address
 * 19369    HttpApi01       5         tcp     Http             1      0     0B           0B           77B          123B          ESTABLISHED    127.0.0.1:18700        127.0.0.1:40238
 */
export function parseConnections(stdout: string, opts: ParseConnectionsOptions = {}): WorkermanConnections {
  const lines = splitOutputLines(stdout);
  const headerIndex = lines.findIndex((l) => /^PID\s+Worker\s+CID\s+Trans\b/.test(l.text));
  if (headerIndex === -1) {
    const failure = parseWorkermanFailure(lines, opts.stderr ?? '', 'connections');
    if (failure) throw failure;
    const first = lines.find((l) => l.text.trim() !== '');
    throw new BotError(
      'status_unparseable',
      first === undefined
        ? 'Workerman connections printed nothing: check that workerman.startFile is a Workerman start file and that php runs on the host.'
        : `This is not Workerman connections output: no "PID Worker CID" header found (line ${first.lineNo}: "${oneLine(first.text, 80)}").`,
      { details: { reason: first === undefined ? 'empty' : 'not_connections' } },
    );
  }
  const header = lines[headerIndex] as OutputLine;
  const foreignAt = header.text.indexOf('Foreign Address');
  const endsWithNewline = stdout.endsWith('\n');
  const connections: ConnectionRow[] = [];
  const rows = lines.slice(headerIndex + 1);
  rows.forEach((line, i) => {
    if (line.text.trim() === '') return;
    const isLast = i === rows.length - 1;
    // The last row of output that did not end in a newline may be cut anywhere, even inside an address:
    // Workerman pads every row to the full width, so a row that stops short of it is incomplete.
    if (isLast && !endsWithNewline && foreignAt !== -1 && line.text.length < foreignAt + ADDRESS_WIDTH) {
      throw unparseableRow(line, 'was cut short (output ended inside the row)');
    }
    connections.push(parseConnectionRow(line));
  });
  return { host: opts.host ?? null, connections };
}

function parseConnectionRow(line: OutputLine): ConnectionRow {
  const words = line.text.trim().split(/\s+/);
  if (words.length < TAIL_COLUMNS + 2) {
    throw unparseableRow(line, `has ${words.length} columns, expected ${TAIL_COLUMNS + 2}`);
  }
  const pid = words[0] as string;
  const tail = words.slice(words.length - TAIL_COLUMNS);
  const [cid, transport, protocol, ipv4, ipv6, recvQueue, sendQueue, bytesRead, bytesWritten, status, local, foreign] =
    tail as [string, string, string, string, string, string, string, string, string, string, string, string];
  if (!/^\d+$/.test(pid)) throw unparseableRow(line, 'should start with a pid');
  if (!/^\d+$/.test(cid)) throw unparseableRow(line, `has "${oneLine(cid, 20)}" as connection id, expected a number`);
  if (!/^[01]$/.test(ipv4) || !/^[01]$/.test(ipv6)) throw unparseableRow(line, 'has ipv4/ipv6 flags that are not 0 or 1');
  return {
    pid: Number(pid),
    worker: words.slice(1, words.length - TAIL_COLUMNS).join(' '),
    cid: Number(cid),
    transport,
    protocol,
    ipv4: ipv4 === '1',
    ipv6: ipv6 === '1',
    recvQueue,
    sendQueue,
    bytesRead,
    bytesWritten,
    status,
    localAddress: local,
    foreignAddress: foreign,
  };
}

function unparseableRow(line: OutputLine, why: string): BotError {
  return new BotError(
    'status_unparseable',
    `Workerman connections line ${line.lineNo} ${why}: "${oneLine(line.text, 120)}".`,
    { details: { reason: 'bad_line', line: line.lineNo } },
  );
}
