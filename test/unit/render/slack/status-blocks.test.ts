import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { measureBlockText, SLACK_LIMITS } from '../../../../src/render/slack/limits.js';
import { renderStatusFile, renderStatusMessage, renderStatusPending, type StatusMessage } from '../../../../src/render/slack/status-blocks.js';
import { parseStatus } from '../../../../src/workerman/parse-status.js';
import type { WorkermanStatus } from '../../../../src/workerman/types.js';
import { STATUS_FIXTURES } from '../../../helpers/paths.js';
import { mrkdwnTexts, validateBlocks } from '../../../helpers/slack-standin.js';

const OPTS = { host: 'web-1', requestedBy: 'U0123ABCD', durationMs: 142, refreshActionId: 'status_refresh' } as const;

function fixture(base: string): string {
  return readFileSync(join(STATUS_FIXTURES, `${base}.out`), 'utf8');
}

function parse(stdout: string): WorkermanStatus {
  return parseStatus(stdout, { host: 'web-1' });
}

/** What a reviewer reads in the snapshot: every message as sent, and the file's name and size. */
function snapshotOf(message: StatusMessage): string {
  const { file, ...rest } = message;
  return `${JSON.stringify({ ...rest, file: file === undefined ? null : { filename: file.filename, title: file.title, bytes: file.content.length } }, null, 2)}\n`;
}

/** Every message of a render is one Slack accepts, within our own budget, with no live mention. */
function expectValid(message: StatusMessage): void {
  for (const m of [message, ...message.threadReplies]) {
    expect(validateBlocks(m.blocks)).toBeNull();
    expect(m.blocks.length).toBeLessThanOrEqual(SLACK_LIMITS.blocksPerMessage);
    expect(measureBlockText(m.blocks)).toBeLessThanOrEqual(SLACK_LIMITS.messageTextChars);
    expect(m.text.length).toBeGreaterThan(0);
    for (const s of mrkdwnTexts(m.text, m.blocks)) expect(s).not.toMatch(/<!(channel|here|everyone)/);
  }
}

/** 200 processes: the 5.2.2 after-load capture's rows repeated with fresh pids (and the counts line fixed). */
function synthesize200(): string {
  const lines = fixture('wm5.2.2-after-load').split('\n');
  const first = lines.findIndex((l) => /^\d+\t/.test(l));
  const rows = lines.filter((l) => /^\d+\t/.test(l));
  const many = Array.from({ length: 200 }, (_, i) => {
    const row = rows[i % rows.length]!;
    return row.replace(/^\d+/, String(30000 + i));
  });
  const rest = lines.filter((l) => !/^\d+\t/.test(l));
  rest.splice(first, 0, ...many);
  return rest.join('\n').replace(/(\d+) processes/, '200 processes');
}

describe('renderStatusMessage()', () => {
  test.each([
    ['wm3.5.35-after-load'],
    ['wm4.1.17-busy-cpu'],
    ['wm5.2.2-busy-upstream'],
  ])('renders the %s capture as a valid parent + thread (file snapshot)', async (base) => {
    const message = renderStatusMessage(parse(fixture(base)), OPTS);
    expectValid(message);
    expect(message.isTruncated).toBe(false);
    expect(message.file).toBeUndefined();
    expect(message.blocks.find((b) => b.type === 'table')).toBeDefined();
    await expect(snapshotOf(message)).toMatchFileSnapshot(`__snapshots__/${base}.blocks.json`);
  });

  test('puts abnormal exits and busy processes first, before the table', async () => {
    // The reload+kill -9 capture (one abnormal exit) with one process turned busy, parsed for real.
    const stdout = fixture('wm4.1.17-after-reload-kill9').replace(/\[idle\]/, '[busy]');
    const status = parse(stdout);
    expect(status.findings.map((f) => f.kind).sort()).toEqual(expect.arrayContaining(['busy', 'abnormal-exit']));
    const message = renderStatusMessage(status, OPTS);
    expectValid(message);
    const types = message.blocks.map((b) => b.type);
    const findings = message.blocks.findIndex((b) => b.type === 'section' && JSON.stringify(b).includes('*Findings*'));
    expect(findings).toBeGreaterThan(0);
    expect(findings).toBeLessThan(types.indexOf('table'));
    expect(message.text).toMatch(/1 busy, 1 abnormal exit/);
    expect(message.blocks[0]).toMatchObject({ type: 'header', text: { text: ':warning: Workerman status of web-1' } });
    await expect(snapshotOf(message)).toMatchFileSnapshot('__snapshots__/abnormal-exit-and-busy.blocks.json');
  });

  test('keeps a 200-process host inside Block Kit limits and moves the rest to the thread and a file', async () => {
    const stdout = synthesize200();
    const status = parse(stdout);
    expect(status.processes).toHaveLength(200);
    const message = renderStatusMessage(status, { ...OPTS, raw: { stdout, stderr: '' } });
    expectValid(message);
    expect(message.shownProcessCount).toBeGreaterThan(10);
    expect(message.shownProcessCount).toBeLessThan(100);
    expect(message.isTruncated).toBe(true);
    expect(message.file).toMatchObject({ filename: 'web-1-status.txt', content: stdout });
    expect(JSON.stringify(message.blocks)).toContain(`Showing ${message.shownProcessCount} of 200 processes`);
    // The thread holds every row.
    const threadText = message.threadReplies.map((r) => JSON.stringify(r.blocks)).join('');
    for (const pid of [30000, 30100, 30199]) expect(threadText).toContain(String(pid));
    await expect(snapshotOf(message)).toMatchFileSnapshot('__snapshots__/200-processes.blocks.json');
  });

  test('with 200 busy processes shows flagged rows first and cuts findings with a count', () => {
    const stdout = synthesize200().replace(/\[idle\]/g, '[busy]');
    const message = renderStatusMessage(parse(stdout), { ...OPTS, raw: { stdout, stderr: '' } });
    expectValid(message);
    expect(JSON.stringify(message.blocks)).toMatch(/…and \d+ more findings \(see the thread\)/);
  });

  test('rendered with gaps, claims only what reached the thread and names what did not', () => {
    const stdout = synthesize200();
    const status = parse(stdout);
    const full = JSON.stringify(renderStatusMessage(status, { ...OPTS, raw: { stdout, stderr: '' } }).blocks);
    expect(full).toContain('The full table is in the thread, the raw output is attached there.');
    expect(full).not.toContain('Not everything reached the thread');
    const noFile = renderStatusMessage(status, { ...OPTS, raw: { stdout, stderr: '' }, gaps: { replies: 0, files: ['web-1-status.txt'] } });
    expectValid(noFile);
    expect(JSON.stringify(noFile.blocks)).not.toMatch(/attached there|attached in the thread/);
    expect(JSON.stringify(noFile.blocks)).toContain('(flagged ones first). The full table is in the thread."');
    expect(JSON.stringify(noFile.blocks)).toContain(':warning: Not everything reached the thread: `web-1-status.txt` could not be attached.');
    const busy = synthesize200().replace(/\[idle\]/g, '[busy]');
    const noReplies = JSON.stringify(renderStatusMessage(parse(busy), { ...OPTS, raw: { stdout: busy, stderr: '' }, gaps: { replies: 2, files: [] } }).blocks);
    expect(noReplies).not.toMatch(/full table is in the thread|see the thread/);
    expect(noReplies).toContain('The raw output is attached in the thread.');
    expect(noReplies).toContain(':warning: Not everything reached the thread: 2 replies could not be posted.');
  });

  test('past maxThreadReplies the thread says the rest is in the attached file', () => {
    const stdout = synthesize200();
    const message = renderStatusMessage(parse(stdout), { ...OPTS, raw: { stdout, stderr: '' }, maxThreadReplies: 1 });
    expectValid(message);
    expect(message.threadReplies).toHaveLength(1);
    expect(JSON.stringify(message.threadReplies[0]!.blocks)).toContain('see the attached raw output');
    expect(message.file).toBeDefined();
  });

  test('escapes a worker named <!channel> *x* in mrkdwn and keeps it literal in table cells', async () => {
    const status = parse(fixture('wm5.2.2-busy-upstream'));
    const evil = '<!channel> *x*';
    const renamed: WorkermanStatus = {
      ...status,
      workers: status.workers.map((w) => (w.name === 'HttpApi01' ? { ...w, name: evil } : w)),
      processes: status.processes.map((p) => (p.workerName === 'HttpApi01' ? { ...p, workerName: evil } : p)),
      findings: status.findings.map((f) => ({ ...f, worker: evil, message: f.message.replaceAll('HttpApi01', evil) })),
    };
    const message = renderStatusMessage(renamed, OPTS);
    expectValid(message);
    const json = JSON.stringify(message);
    expect(json).toContain('&lt;!channel&gt; *x*');
    // raw_text cells are not parsed by Slack: escaping them would show "&lt;" to people.
    expect(json).toContain('{"type":"raw_text","text":"<!channel> *x*"}');
    await expect(snapshotOf(message)).toMatchFileSnapshot('__snapshots__/evil-worker-name.blocks.json');
  });

  test('adds a "Trace a PID…" menu, busy processes first, within select limits even for 200 processes', () => {
    const stdout = synthesize200().replace(/\[idle\]/, '[busy]');
    const message = renderStatusMessage(parse(stdout), { ...OPTS, traceActionId: 'trace_select' });
    expectValid(message);
    const actions = message.blocks.find((b) => b.type === 'actions') as { elements: { type: string; options?: { text: { text: string }; value: string }[] }[] };
    const select = actions.elements.find((e) => e.type === 'static_select')!;
    expect(select.options).toHaveLength(100);
    expect(select.options![0]).toEqual({ text: { type: 'plain_text', text: '30000 HttpApi01 (busy)' }, value: 'web-1:30000' });
  });

  test('uses a monospace section instead of a table block when asked (ephemeral replies)', () => {
    const message = renderStatusMessage(parse(fixture('wm5.2.2-after-load')), { host: 'web-1', tableStyle: 'monospace' });
    expectValid(message);
    expect(message.blocks.some((b) => b.type === 'table')).toBe(false);
    expect(message.blocks.some((b) => b.type === 'actions')).toBe(false);
    expect(JSON.stringify(message.blocks)).toContain('```');
  });

  test('renders every status capture that parses into valid messages', () => {
    let rendered = 0;
    for (const file of readdirSync(STATUS_FIXTURES).filter((f) => f.endsWith('.out'))) {
      let status: WorkermanStatus;
      try {
        status = parse(readFileSync(join(STATUS_FIXTURES, file), 'utf8'));
      } catch {
        continue; // not running, usage text, …: error paths, rendered by error-blocks
      }
      expectValid(renderStatusMessage(status, OPTS));
      rendered += 1;
    }
    expect(rendered).toBeGreaterThan(30);
  });
});

describe('renderStatusPending()', () => {
  test('names the host and mentions who asked', () => {
    expect(renderStatusPending('web-1', 'U0123ABCD')).toEqual({
      text: ':hourglass_flowing_sand: Workerman status of `web-1`, asked by <@U0123ABCD>…',
      blocks: [{ type: 'section', text: { type: 'mrkdwn', text: ':hourglass_flowing_sand: Workerman status of `web-1`, asked by <@U0123ABCD>…' } }],
    });
  });

  test('does not turn a malformed user id into markup', () => {
    expect(renderStatusPending('web-1', '<!here>').text).toContain('&lt;!here&gt;');
  });
});

describe('renderStatusFile()', () => {
  test('keeps the raw output as Workerman printed it, with secrets on stderr redacted', () => {
    const stdout = readFileSync(join(STATUS_FIXTURES, 'wm5.2.2-idle.out'), 'utf8');
    const stderr = 'PHP Warning:  PDO::__construct(): connect to mysql://app:Hunter2Leak@db/app failed in /srv/app/db.php on line 3\n';
    const status = parseStatus(stdout);
    const file = renderStatusFile(status, 'web-1', { stdout, stderr });
    expect(file.content.startsWith(stdout)).toBe(true);
    expect(file.content).toContain('mysql://app:[REDACTED]@db/app failed in /srv/app/db.php on line 3');
    expect(file.content).not.toContain('Hunter2Leak');
  });
});
