import { describe, expect, test } from 'vitest';
import { summarizeHost } from '../../../../src/fleet/run-fleet-status.js';
import type { FleetRow } from '../../../../src/fleet/types.js';
import { renderFleetFailureDetails, renderFleetMessage, renderFleetPending } from '../../../../src/render/slack/fleet-blocks.js';
import { renderWaitingMessage } from '../../../../src/render/slack/waiting-blocks.js';
import { parseStatus } from '../../../../src/workerman/parse-status.js';
import { mrkdwnTexts, validateBlocks } from '../../../helpers/slack-standin.js';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { STATUS_FIXTURES } from '../../../helpers/paths.js';

const BROADCAST = /<!(channel|here|everyone)\b|<!subteam\^|<@U|<http/;

function upRow(host: string, fixture = 'wm5.2.2-idle', durationMs = 420): FleetRow {
  const status = parseStatus(readFileSync(join(STATUS_FIXTURES, `${fixture}.out`), 'utf8'));
  return summarizeHost(host, status, durationMs);
}

function failedRow(host: string, state: FleetRow['state'], errorCode: FleetRow['errorCode'], message: string): FleetRow {
  return { host, state, errorCode, message, version: null, processes: null, busy: null, crashLoops: null, memoryBytes: null, durationMs: 3000 };
}

describe('renderFleetMessage()', () => {
  test('shows one table row per host with state, version, processes, busy, crash loops, memory and time', () => {
    const rows = [
      upRow('web-1'),
      upRow('web-2', 'wm4.1.17-busy-cpu', 1500),
      failedRow('db-1', 'not-running', 'workerman_not_running', 'Workerman is not running on db-1.'),
      failedRow('dead-1', 'unreachable', 'ssh_connect_failed', 'connect ECONNREFUSED 127.0.0.1:1'),
    ];
    const message = renderFleetMessage(rows, { target: 'web', requestedBy: 'U0123ABCD', durationMs: 3100, refreshActionId: 'status_refresh' });
    expect(validateBlocks(message.blocks)).toBeNull();
    expect(message.text).toBe('Workerman status of web: 4 hosts: 2 up, 1 not running, 1 unreachable');
    const table = message.blocks.find((b) => b.type === 'table') as unknown as { rows: { text: string }[][] };
    expect(table.rows.map((r) => r.map((c) => c.text))).toEqual([
      ['host', 'state', 'version', 'processes', 'busy', 'crash loops', 'memory', 'time'],
      ['web-1', 'up', '5.2.2', '8', '0', '0', expect.stringMatching(/^\d+\.\d MiB$/), '420 ms'],
      ['web-2', 'up', '4.1.17', expect.stringMatching(/^\d+$/), expect.stringMatching(/^[1-9]\d*$/), '0', expect.stringMatching(/^\d+\.\d MiB$/), '1.5 s'],
      ['db-1', 'not running', '-', '-', '-', '-', '-', '3.0 s'],
      ['dead-1', 'unreachable', '-', '-', '-', '-', '-', '3.0 s'],
    ]);
    const all = JSON.stringify(message.blocks);
    expect(all).toContain('ssh_connect_failed');
    expect(all).toContain('"value":"web"');
    expect(all).toContain('asked by <@U0123ABCD>');
  });

  test('escapes host output: a version saying <!channel> pings nobody; an error message stays out of the channel', () => {
    const evil = { ...upRow('web-1'), version: '<!channel> *x*' };
    const failed = failedRow('web-2', 'error', 'command_failed', '<!here> <http://evil|click> & more -pS3cretPw');
    const message = renderFleetMessage([evil, failed], { target: 'web' });
    expect(validateBlocks(message.blocks)).toBeNull();
    for (const text of mrkdwnTexts(message.text, message.blocks)) expect(text).not.toMatch(BROADCAST);
    const all = JSON.stringify(message.blocks);
    expect(all).toContain('`web-2` error: the command failed on the host (`command_failed`)');
    expect(all).not.toContain('S3cretPw');
    expect(all).not.toContain('evil');
  });

  test('renderFleetFailureDetails() gives the requester each failed host\'s own message, escaped, in one message', () => {
    const rows = [upRow('web-1'), failedRow('web-2', 'error', 'command_failed', 'PHP said <!here> & left'), failedRow('dead-1', 'unreachable', 'ssh_connect_failed', 'connect ECONNREFUSED 127.0.0.1:1')];
    const details = renderFleetFailureDetails(rows, 'web')!;
    expect(validateBlocks(details.blocks)).toBeNull();
    const all = JSON.stringify(details.blocks);
    expect(all).toContain('`web-2` error: PHP said &lt;!here&gt; &amp; left (`command_failed`)');
    expect(all).toContain('`dead-1` unreachable: connect ECONNREFUSED 127.0.0.1:1 (`ssh_connect_failed`)');
    expect(all).toContain('*What to do:*');
    for (const text of mrkdwnTexts(details.text, details.blocks)) expect(text).not.toMatch(BROADCAST);
    expect(renderFleetFailureDetails([upRow('web-1')], 'web')).toBeNull();
  });

  test('rendered with gaps, stops pointing at the thread and says how many replies are missing', () => {
    const rows = [upRow('web-1'), failedRow('db-1', 'unreachable', 'ssh_connect_failed', 'connect ECONNREFUSED 127.0.0.1:1')];
    const complete = JSON.stringify(renderFleetMessage(rows, { target: 'web' }).blocks);
    expect(complete).toContain("Each host's details are in the thread.");
    const message = renderFleetMessage(rows, { target: 'web', gaps: { replies: 1, files: [] } });
    expect(validateBlocks(message.blocks)).toBeNull();
    const all = JSON.stringify(message.blocks);
    expect(all).not.toMatch(/details are in the thread|see the thread/);
    expect(all).toContain(':warning: Not everything reached the thread: 1 reply could not be posted.');
  });

  test('stays within Block Kit limits for 250 hosts and names the ones left out of the table', () => {
    const rows = Array.from({ length: 250 }, (_, i) =>
      i % 5 === 0 ? failedRow(`host-${i}`, 'unreachable', 'command_timed_out', `host-${i} did not answer within 15 s; shown as unreachable.`) : upRow(`host-${i}`),
    );
    const message = renderFleetMessage(rows, { target: 'all', refreshActionId: 'status_refresh' });
    expect(validateBlocks(message.blocks)).toBeNull();
    expect(JSON.stringify(message.blocks)).toMatch(/Showing \d+ of 250 hosts/);
    expect(message.text).toBe('Workerman status of all: 250 hosts: 200 up, 50 unreachable');
  });

  test('the pending and waiting messages are escaped and valid', () => {
    const pending = renderFleetPending('web', 6, 'U0123ABCD');
    expect(pending.text).toBe(':hourglass_flowing_sand: Workerman status of `web` (6 hosts), asked by <@U0123ABCD>…');
    const waiting = renderWaitingMessage({ what: 'status', host: 'web-1', position: 2, running: 2, on: 'host' });
    expect(waiting.text).toBe(':hourglass: Workerman status: waiting for a free slot on `web-1` (2 commands running there, 2nd in line)…');
    const trace = renderWaitingMessage({ what: 'trace', host: 'web-`1', position: 1, running: 4, on: 'traces' });
    expect(trace.text).toBe(':hourglass: Workerman trace: waiting for a free trace slot (4 traces running, 1st in line) before tracing on `web-ʼ1`…');
    for (const m of [pending, waiting, trace]) expect(validateBlocks(m.blocks)).toBeNull();
  });
});
