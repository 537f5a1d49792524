import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderConnectionsText } from '../../../../src/render/text/connections-table.js';
import { renderStatusText } from '../../../../src/render/text/status-table.js';
import { parseConnections } from '../../../../src/workerman/parse-connections.js';
import { parseStatus } from '../../../../src/workerman/parse-status.js';
import { describeExits } from '../../../../src/workerman/describe-exit-status.js';
import type { DescribedStatus, WorkermanStatus } from '../../../../src/workerman/types.js';
import { STATUS_FIXTURES } from '../../../helpers/paths.js';

const read = (base: string): string => readFileSync(join(STATUS_FIXTURES, `${base}.out`), 'utf8');
const parsed = (base: string): WorkermanStatus => parseStatus(read(base), { host: 'web-2' });
// The renderer is given exit statuses in words (describeExits), as the CLI gives them.
const status = (base: string): DescribedStatus => describeExits(parsed(base));
// Any raw control character except the newlines between lines.
const RAW_CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/;

describe('renderStatusText()', () => {
  it.each([
    ['wm3.5.35-after-load', '3.x one-shot'],
    ['wm4.1.17-with-connections', '4.x one-shot'],
    ['wm5.2.2-idle', '5.x one-shot'],
    ['wm4.0.47-busy-upstream', 'busy row'],
    ['wm5.2.2-after-reload-kill9', 'an abnormal exit among several exit rows'],
  ])('renderStatusText() renders %s (%s) without colour', async (base) => {
    const text = renderStatusText(status(base), { color: false });
    expect(text).not.toMatch(RAW_CONTROL);
    expect(text.endsWith('\n')).toBe(true);
    await expect(text).toMatchFileSnapshot(`__snapshots__/status-table/${base}.txt`);
  });

  it('renderStatusText() renders a live frame with real qps', async () => {
    // The second frame of the live capture: Workerman's qps there is a real per-second delta.
    const live = read('wm4.1.17-live-load');
    const secondSummary = [...live.matchAll(/^Summary\t.*$/gm)][1];
    const text = renderStatusText(describeExits(parseStatus(live.slice(0, (secondSummary?.index ?? 0) + 200), { host: 'web-2' })), { color: false });
    expect(text).toMatch(/QPS/);
    expect(text).toMatch(/19523 .* 3444  idle/);
    await expect(text).toMatchFileSnapshot('__snapshots__/status-table/wm4.1.17-live-load-frame2.txt');
  });

  it('renderStatusText() puts findings first and marks busy rows with ! ', () => {
    const text = renderStatusText(status('wm4.0.47-busy-upstream'), { color: false });
    const lines = text.split('\n');
    const finding = lines.findIndex((l) => l.startsWith('! busy: pid 19713'));
    const header = lines.findIndex((l) => /^(!\s+)?PID\s+WORKER/.test(l));
    expect(finding).toBeGreaterThan(0);
    expect(header).toBeGreaterThan(finding);
    expect(lines.find((l) => l.includes('19713') && l.includes('busy') && !l.startsWith('! busy'))).toMatch(/^!\s+19713/);
  });

  it('renderStatusText() shows the exit table only when a worker exited', () => {
    expect(renderStatusText(status('wm5.2.2-idle'), { color: false })).not.toContain('Worker exits');
    expect(renderStatusText(status('wm5.2.2-after-kill9'), { color: false })).toContain('killed by SIGKILL (status 9)');
  });

  it('renderStatusText() shows the qps column only when qps was measured', () => {
    expect(renderStatusText(status('wm5.2.2-idle'), { color: false })).not.toContain('QPS');
    expect(renderStatusText(status('wm4.1.17-live-load'), { color: false })).toContain('QPS');
    expect(renderStatusText(status('wm4.1.17-live-load'), { color: false })).not.toMatch(/^!/m);
  });

  it('renderStatusText() colours findings and busy rows only when colour is on', () => {
    const s = status('wm4.0.47-busy-upstream');
    const coloured = renderStatusText(s, { color: true });
    expect(coloured).toContain('\x1b[31m');
    expect(coloured).toContain('\x1b[0m');
    expect(coloured).toMatch(/\x1b\[31m!\s+19713/);
    // Colour never changes the text itself.
    expect(coloured.replace(/\x1b\[[0-9;]*m/g, '')).toBe(renderStatusText(s, { color: false }));
  });

  it('renderStatusText() escapes control characters that come from the host', () => {
    const s = parsed('wm5.2.2-idle');
    const evil = 'evil\x1b[2J\x1b]0;pwned\x07name\u202e';
    const hostile: WorkermanStatus = {
      ...s,
      host: 'web\x1b[31m',
      processes: s.processes.map((p, i) => (i === 0 ? { ...p, workerName: evil, extra: { 'x\x1b': '\x9b1m' } } : p)),
      workers: s.workers.map((w, i) => (i === 0 ? { ...w, name: evil, exitStatus: 9, exitCount: 1 } : w)),
    };
    hostile.findings = [{ kind: 'busy', pid: 1, worker: evil, message: `pid 1 (${evil}) is busy` }];
    for (const color of [false, true]) {
      const text = renderStatusText(describeExits(hostile), { color });
      const withoutOwnColour = text.replace(/\x1b\[(?:0|1|2|31|33)m/g, '');
      expect(withoutOwnColour).not.toMatch(RAW_CONTROL);
      expect(text).toContain('evil\\x1b[2J\\x1b]0;pwned\\x07name\\u202e');
      expect(text).toContain('web\\x1b[31m');
    }
  });

  it.each([
    ['wm4.0.47-busy-upstream', 80],
    ['wm5.2.2-after-reload-kill9', 80],
    ['wm4.1.17-live-load', 60],
  ])('renderStatusText() fits %s in %i columns and says what gave way', async (base, width) => {
    const text = renderStatusText(status(base), { color: false, maxWidth: width });
    const lines = text.trimEnd().split('\n');
    expect(lines.filter((l) => l.length > width)).toEqual([]);
    // PID and STATUS always stay; the note says what is missing.
    expect(lines.find((l) => /PID/.test(l))).toMatch(/PID .*STATUS/);
    expect(text).toMatch(new RegExp(`\\n\\(fit to ${width} columns: [^]*hidden[^]*\\)\\n$`));
    await expect(text).toMatchFileSnapshot(`__snapshots__/status-table/${base}.${width}-columns.txt`);
  });

  it('renderStatusText() changes nothing when the table fits or there is no width (piped)', () => {
    const s = status('wm5.2.2-idle');
    expect(renderStatusText(s, { color: false, maxWidth: 200 })).toBe(renderStatusText(s, { color: false }));
    expect(renderStatusText(s, { color: false, maxWidth: undefined })).not.toContain('fit to');
  });
});

describe('renderConnectionsText()', () => {
  it('renderConnectionsText() renders the 5.x connections capture', async () => {
    const conns = parseConnections(read('wm5.2.2-connections'), { host: 'web-2' });
    const text = renderConnectionsText(conns, { color: false });
    expect(text).not.toMatch(RAW_CONTROL);
    await expect(text).toMatchFileSnapshot('__snapshots__/status-table/wm5.2.2-connections.txt');
  });

  it('renderConnectionsText() fits 80 columns, keeping the send queue', () => {
    const conns = parseConnections(read('wm5.2.2-connections'), { host: 'web-2' });
    const lines = renderConnectionsText(conns, { color: false, maxWidth: 80 }).trimEnd().split('\n');
    expect(lines.filter((l) => l.length > 80)).toEqual([]);
    expect(lines[2]).toMatch(/PID .*SEND-Q/);
    expect(lines.at(-1)).toMatch(/^\(fit to 80 columns: /);
  });

  it('renderConnectionsText() says so when there are no connections, and escapes host text', () => {
    expect(renderConnectionsText({ host: 'web-2', connections: [] }, { color: false })).toBe(
      'Workerman connections of web-2: 0 client connections\n',
    );
    const conns = parseConnections(read('wm4.1.17-longname-connections'));
    const hostile = { ...conns, connections: conns.connections.map((c) => ({ ...c, worker: 'a\x1b[2Jb' })) };
    const text = renderConnectionsText(hostile, { color: true });
    expect(text).toContain('a\\x1b[2Jb');
    expect(text).not.toContain('a\x1b[2Jb');
  });
});
