import { describe, expect, it } from 'vitest';
import type { FleetRow } from '../../../../src/fleet/types.js';
import { describeFleetStates } from '../../../../src/render/describe-fleet-states.js';
import { renderFleetText } from '../../../../src/render/text/fleet-table.js';

const empty = { version: null, processes: null, busy: null, crashLoops: null, memoryBytes: null };
const ROWS: FleetRow[] = [
  { host: 'web-1', state: 'up', errorCode: null, message: null, version: '5.2.2', processes: 8, busy: 0, crashLoops: 0, memoryBytes: 9_415_000, durationMs: 1066 },
  { host: 'web-2', state: 'up', errorCode: null, message: null, version: '4.0.46', processes: 12, busy: 3, crashLoops: 1, memoryBytes: 512, durationMs: 980 },
  { host: 'chat-1', state: 'not-running', errorCode: 'workerman_not_running', message: 'Workerman is not running (start.php).', ...empty, durationMs: 120 },
  { host: 'db-1', state: 'unreachable', errorCode: 'command_timed_out', message: 'db-1 did not answer within 5 s; shown as unreachable.', ...empty, durationMs: 5003 },
];

describe('renderFleetText()', () => {
  it('renderFleetText() renders an aligned table, a summary and the failures', () => {
    expect(renderFleetText(ROWS)).toMatchInlineSnapshot(`
      "HOST    STATE        VERSION  PROCS  BUSY  CRASH LOOPS   MEMORY    TIME
      web-1   up           5.2.2        8     0            0  9.0 MiB   1.1 s
      web-2   up           4.0.46      12     3            1    512 B  980 ms
      chat-1  not running  -            -     -            -        -  120 ms
      db-1    unreachable  -            -     -            -        -   5.0 s

      4 hosts: 2 up, 1 not running, 1 unreachable
      chat-1: Workerman is not running (start.php). (workerman_not_running)
      db-1: db-1 did not answer within 5 s; shown as unreachable. (command_timed_out)"
    `);
  });

  it('renderFleetText() gives way on a narrow terminal: time, then crash loops, then memory go', () => {
    expect(renderFleetText(ROWS, { maxWidth: 50 })).toMatchInlineSnapshot(`
      "HOST    STATE        VERSION  PROCS  BUSY   MEMORY
      web-1   up           5.2.2        8     0  9.0 MiB
      web-2   up           4.0.46      12     3    512 B
      chat-1  not running  -            -     -        -
      db-1    unreachable  -            -     -        -
      (fit to 50 columns: CRASH LOOPS, TIME hidden)

      4 hosts: 2 up, 1 not running, 1 unreachable
      chat-1: Workerman is not running (start.php). (workerman_not_running)
      db-1: db-1 did not answer within 5 s; shown as unreachable. (command_timed_out)"
    `);
    expect(renderFleetText(ROWS, { maxWidth: 200 })).toBe(renderFleetText(ROWS));
  });

  it('renderFleetText() escapes control characters from host-derived text', () => {
    const text = renderFleetText([{ ...ROWS[0]!, version: '5.2.2\n\u001b[31mEVIL\u2028' }]);
    expect(text.split('\n')[1]).toContain('5.2.2\\x0a\\x1b[31mEVIL\\u2028');
    // eslint-disable-next-line no-control-regex
    expect(text).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u2028]/);
    expect(text.split('\n')).toHaveLength(4);
  });

  it('describeFleetStates() leaves out states with no hosts', () => {
    expect(describeFleetStates([ROWS[0]!])).toBe('1 host: 1 up');
    expect(describeFleetStates([])).toBe('0 hosts');
  });
});
