import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { measureBlockText, SLACK_LIMITS, type SlackMessage } from '../../../../src/render/slack/limits.js';
import { renderStraceMessage, type StraceMessage } from '../../../../src/render/slack/strace-blocks.js';
import { RAW_LOG_GZIP_ABOVE_BYTES } from '../../../../src/render/slack/strace-files.js';
import { renderTracePending, renderTraceProgress } from '../../../../src/render/slack/strace-progress-blocks.js';
import { redactSecrets } from '../../../../src/strace/redact.js';
import { summarizeStrace } from '../../../../src/strace/summarize.js';
import type { FdStat, StraceSummary, SyscallStat } from '../../../../src/strace/types.js';
import { STRACE_FIXTURES } from '../../../helpers/paths.js';
import { mrkdwnTexts, validateBlocks } from '../../../helpers/slack-standin.js';

const OPTS = { host: 'web-1', requestedBy: 'U0123ABCD' } as const;
const EVIL = '<!channel> *x*';

interface FixtureTruth {
  target?: { pid: number };
  time_box_s?: number;
}

/** Summarises a real capture the way a live trace would be: host, the traced pid, the time box. */
async function summarizeFixture(base: string): Promise<StraceSummary> {
  const text = readFileSync(join(STRACE_FIXTURES, `${base}.txt`), 'utf8');
  const truth = JSON.parse(readFileSync(join(STRACE_FIXTURES, `${base}.json`), 'utf8')) as FixtureTruth;
  return summarizeStrace(text.split('\n'), {
    host: 'web-1',
    pids: truth.target === undefined ? [] : [truth.target.pid],
    durationMs: truth.time_box_s === undefined ? null : truth.time_box_s * 1000,
  });
}

/** What a reviewer reads in the snapshot: every message as sent, and the files' names and sizes. */
function snapshotOf(message: StraceMessage): string {
  const { summaryFile, ...rest } = message;
  const summary = summaryFile === undefined ? null : { filename: summaryFile.filename, title: summaryFile.title, bytes: summaryFile.content.length };
  return `${JSON.stringify({ ...rest, summaryFile: summary }, null, 2)}\n`;
}

/** A message Slack accepts, within our own budget, with no live mention or link but the requester's. */
function expectValidMessage(m: SlackMessage): void {
  expect(validateBlocks(m.blocks)).toBeNull();
  expect(m.blocks.length).toBeLessThanOrEqual(SLACK_LIMITS.blocksPerMessage);
  expect(measureBlockText(m.blocks)).toBeLessThanOrEqual(SLACK_LIMITS.messageTextChars);
  expect(m.text.length).toBeGreaterThan(0);
  expect(Array.from(m.text).length).toBeLessThanOrEqual(SLACK_LIMITS.fallbackTextChars);
  for (const s of mrkdwnTexts(m.text, m.blocks)) expect(s).not.toMatch(/<!(channel|here|everyone)|<@(?!U0123ABCD>)|<https?:/);
}

function expectValid(message: StraceMessage): void {
  for (const m of [message, ...message.threadReplies]) expectValidMessage(m);
}

function sectionTexts(m: SlackMessage): string[] {
  return m.blocks.flatMap((b) => (b.type === 'section' && b.text !== undefined ? [b.text.text] : []));
}

describe('renderStraceMessage()', () => {
  test.each([
    ['wm5.2.2-idle-f-tt-T-yy', 'idle', ':large_green_circle: Idle: strace of pid 21135 on web-1'],
    ['wm5.2.2-blocked-upstream-f-tt-T-yy', 'blocked', ':no_entry: Blocked: strace of pid 21135 on web-1'],
    ['wm5.2.2-exit-kill9-f-tt-T-yy', 'exited', ':checkered_flag: Exited: strace of pid 21132 on web-1'],
    // Only restart_syscall in the file: in a call nothing names, so waiting (sleeping or blocked).
    ['wm5.2.2-blocked-sleep-attached-late-f-tt-T-yy', 'waiting', ':grey_question: Waiting: strace of pid 21135 on web-1'],
  ])('renders the %s capture as a valid parent + thread (file snapshot)', async (base, state, headerText) => {
    const summary = await summarizeFixture(base);
    expect(summary.verdict.state).toBe(state);
    const message = renderStraceMessage(summary, { ...OPTS, rawLogBytes: 2_345, rawLog: { destination: 'thread', state: 'sent' } });
    expectValid(message);
    expect(message.blocks[0]).toMatchObject({ type: 'header', text: { type: 'plain_text', text: headerText } });
    expect(message.blocks.filter((b) => b.type === 'table')).toHaveLength(1);
    expect(message.blocks.at(-1)?.type).toBe('table');
    expect(message.threadReplies.length).toBeGreaterThan(0);
    expect(message.isTruncated).toBe(false);
    expect(message.summaryFile).toBeUndefined();
    expect(message.file).toEqual({
      filename: `strace-web-1-${summary.pids.join('-')}.log`,
      title: `strace log of pid ${summary.pids[0]} on web-1 (secrets redacted)`,
      gzip: false,
      bytes: 2_345,
    });
    expect(message.text).toContain(summary.verdict.text.replace(/>/g, '&gt;'));
    await expect(snapshotOf(message)).toMatchFileSnapshot(`__snapshots__/strace-blocks/${base}.blocks.json`);
  });

  test('for a blocked trace names the call, fd, peer and wait in the parent', async () => {
    const message = renderStraceMessage(await summarizeFixture('wm5.2.2-blocked-upstream-f-tt-T-yy'), OPTS);
    const texts = sectionTexts(message).join('\n');
    expect(texts).toContain('*Blocked for 2.2 s in poll on fd 8 (TCP 127.0.0.1:52468 -&gt; 127.0.0.1:18790), still waiting when the trace ended*');
    expect(texts).toContain('• `poll` on fd 8 `TCP 127.0.0.1:52468 -&gt; 127.0.0.1:18790`: waited 2.2 s');
    expect(texts).toContain('• `connect` EINPROGRESS ×1');
    // Without a raw log there is no file and the footer does not promise one.
    expect(message.file).toBeUndefined();
    expect(JSON.stringify(message.blocks)).not.toContain('Raw log');
  });

  test('for a killed process lists the exit', async () => {
    const message = renderStraceMessage(await summarizeFixture('wm5.2.2-exit-kill9-f-tt-T-yy'), OPTS);
    expect(sectionTexts(message).join('\n')).toContain('*Exits:* pid 21132 killed by SIGKILL');
  });

  test('renders every strace fixture within Block Kit limits', async () => {
    const bases = readdirSync(STRACE_FIXTURES)
      .filter((f) => f.endsWith('.txt'))
      .map((f) => f.slice(0, -'.txt'.length));
    expect(bases.length).toBeGreaterThan(100);
    for (const base of bases) {
      const summary = await summarizeFixture(base);
      for (const tableStyle of ['block', 'monospace'] as const) {
        const message = renderStraceMessage(summary, { ...OPTS, tableStyle, rawLogBytes: 10 });
        expectValid(message);
        expect(message.blocks[0]?.type).toBe('header');
      }
    }
  });

  test('keeps a summary with 500 fds and 300 syscalls inside every limit, the rest in the thread and a file', async () => {
    const summary = hugeSummary();
    const message = renderStraceMessage(summary, { ...OPTS, rawLogBytes: 50 * 1024 * 1024, truncated: true, maxThreadReplies: 20, rawLog: { destination: 'thread', state: 'sent' } });
    expectValid(message);
    for (const m of [message, ...message.threadReplies]) {
      expect(measureBlockText(m.blocks)).toBeLessThanOrEqual(SLACK_LIMITS.messageTextChars);
      for (const text of sectionTexts(m)) expect(Array.from(text).length).toBeLessThanOrEqual(SLACK_LIMITS.sectionTextChars);
      for (const b of m.blocks) {
        if (b.type === 'header') expect(Array.from(b.text.text).length).toBeLessThanOrEqual(SLACK_LIMITS.headerChars);
        if (b.type === 'context') expect(b.elements.length).toBeLessThanOrEqual(SLACK_LIMITS.contextElements);
        if (b.type === 'table') expect(b.rows.length).toBeLessThanOrEqual(SLACK_LIMITS.tableRows);
      }
    }
    // The parent is a glance: 10 syscalls in the table, 5 fds, the first evidence lines.
    const table = message.blocks.find((b) => b.type === 'table');
    expect(table?.type === 'table' ? table.rows.length : 0).toBe(11);
    const parent = JSON.stringify(message.blocks);
    expect(parent).toContain('Top 10 of 300 syscalls below.');
    expect(parent).toContain('_…and 495 more (see the thread)_');
    expect(parent).toContain('Raw log (50.0 MiB, gzipped, secrets redacted) attached in the thread.');
    // With enough replies the thread holds every row of every table, nothing cut.
    expect(message.isTruncated).toBe(false);
    const thread = message.threadReplies.map((r) => JSON.stringify(r.blocks)).join('');
    for (const name of ['sys_000', 'sys_150', 'sys_299']) expect(thread).toContain(name);
    for (const fd of [0, 250, 499]) expect(thread).toContain(`/srv/wm/data/file-${fd}.dat`);
    expect(thread).toContain('evidence line 39');
    expect(message.file).toEqual({
      filename: 'strace-web-1-100-101-102-and-1-more.log.gz',
      title: 'strace log of pids 100, 101, 102, 103 on web-1 (secrets redacted, cut at the size cap)',
      gzip: true,
      bytes: 50 * 1024 * 1024,
    });
    await expect(snapshotOf({ ...message, threadReplies: [] })).toMatchFileSnapshot('__snapshots__/strace-blocks/huge-summary.parent.blocks.json');
  });

  test('past maxThreadReplies the thread says the rest is in the attached summary file', () => {
    const summary = hugeSummary();
    const message = renderStraceMessage(summary, { ...OPTS, maxThreadReplies: 2 });
    expectValid(message);
    expect(message.threadReplies).toHaveLength(2);
    expect(message.isTruncated).toBe(true);
    expect(JSON.stringify(message.threadReplies[1]!.blocks)).toContain('see the attached summary file');
    expect(JSON.stringify(message.blocks)).toContain('(the rest in the attached summary file)');
    expect(message.summaryFile?.filename).toBe('strace-summary-web-1-100-101-102-and-1-more.txt');
    // The file has every row, not just what the thread had room for.
    expect(message.summaryFile?.content).toContain('/srv/wm/data/file-499.dat');
    expect(message.summaryFile?.content).toContain('sys_299');
  });

  test('rendered with gaps, the footer claims only what reached the thread; the raw log keeps its own note', () => {
    const summary = hugeSummary();
    const base = { ...OPTS, maxThreadReplies: 2, rawLogBytes: 4096, rawLog: { destination: 'thread', state: 'failed', error: 'internal_error' } } as const;
    const complete = renderStraceMessage(summary, base);
    const files = [complete.summaryFile!.filename, complete.file!.filename];
    const message = renderStraceMessage(summary, { ...base, gaps: { replies: 1, files } });
    expectValid(message);
    const footer = JSON.stringify(message.blocks.filter((b) => b.type === 'context').at(-1));
    expect(footer).not.toMatch(/Full tables in the thread|attached summary file|attached in the thread\./);
    // The raw log is said once, by its own note; the summary file and the reply by the gap note.
    expect(footer).toContain(`:warning: Not everything reached the thread: 1 reply could not be posted; \`${files[0]}\` could not be attached.`);
    expect(footer).toContain('The raw log could not be attached in the thread (`internal_error`).');
    expect(footer).not.toContain(files[1]!);
    const repliesOnly = JSON.stringify(renderStraceMessage(summary, { ...base, gaps: { replies: 0, files: [files[0]!] } }).blocks);
    expect(repliesOnly).toContain('Full tables in the thread.');
    expect(repliesOnly).not.toContain('(the rest in the attached summary file)');
  });

  test('escapes an fd named <!channel> *x* everywhere mrkdwn is parsed and keeps it literal in table cells', async () => {
    const base = await summarizeFixture('wm5.2.2-blocked-upstream-f-tt-T-yy');
    const summary: StraceSummary = {
      ...base,
      syscalls: base.syscalls.map((s, i) => (i === 0 ? { ...s, name: EVIL } : s)),
      errors: base.errors.map((e) => ({ ...e, errno: `${EVIL} <@U999>` })),
      signals: [{ signal: '<!here>', count: 1 }],
      fds: base.fds.map((f) => (f.fd === 8 ? { ...f, description: EVIL } : f)),
      unfinished: base.unfinished.map((u) => ({ ...u, description: EVIL, syscall: 'po`ll' })),
      exits: [{ pid: 21135, code: null, signal: '<!everyone>' }],
      verdict: {
        ...base.verdict,
        text: `Blocked for 2.2 s in poll on fd 8 (${EVIL}) & <https://evil.example|click>`,
        evidence: [`poll on fd 8 (${EVIL}) started`, 'line with a\nnewline'],
        peer: EVIL,
      },
    };
    const message = renderStraceMessage(summary, { ...OPTS, requestedBy: '<!channel>' });
    expectValid(message);
    const parent = sectionTexts(message).join('\n');
    expect(parent).toContain('*Blocked for 2.2 s in poll on fd 8 (&lt;!channel&gt; *x*) &amp; &lt;https://evil.example|click&gt;*');
    expect(parent).toContain('• `poʼll` on fd 8 `&lt;!channel&gt; *x*`: waited 2.2 s');
    expect(parent).toContain('• fd 8 `&lt;!channel&gt; *x*` · 8 calls');
    expect(parent).toContain('*Signals:* &lt;!here&gt; ×1');
    expect(parent).toContain('• line with a\\x0anewline');
    expect(message.text).toContain('&lt;!channel&gt; *x*');
    const json = JSON.stringify(message);
    expect(json).toContain('asked by &lt;!channel&gt;');
    // raw_text cells are not parsed by Slack: escaping them would show "&lt;" to people.
    expect(json).toContain('{"type":"raw_text","text":"<!channel> *x*"}');
    const thread = message.threadReplies.map((r) => sectionTexts(r).join('\n')).join('\n');
    expect(thread).toContain('&lt;!channel&gt; *x*');
    expect(thread).not.toContain('<!channel>');
    await expect(snapshotOf(message)).toMatchFileSnapshot('__snapshots__/strace-blocks/evil-fd-name.blocks.json');
  });

  test('evidence cut to fit the section is counted in the parent and given in full in the thread', async () => {
    const base = await summarizeFixture('wm5.2.2-idle-f-tt-T-yy');
    const evidence = Array.from({ length: 8 }, (_, i) => `evidence ${i} ${'y'.repeat(400)}`);
    const message = renderStraceMessage({ ...base, verdict: { ...base.verdict, text: 'v'.repeat(800), evidence } }, OPTS);
    expectValid(message);
    const verdict = sectionTexts(message)[0]!;
    expect(Array.from(verdict).length).toBeLessThanOrEqual(SLACK_LIMITS.sectionTextChars);
    expect(verdict).toMatch(/\n_…and \d more \(see the thread\)_$/);
    const thread = message.threadReplies.map((r) => sectionTexts(r).join('\n')).join('\n');
    expect(thread).toContain('*Evidence*');
    expect(thread).toContain(`• ${evidence[7]}`);
  });

  test('redacted evidence stays redacted in the message', async () => {
    const base = await summarizeFixture('wm5.2.2-idle-f-tt-T-yy');
    const leaked = 'read(7, "GET / HTTP/1.1\\r\\nAuthorization: Bearer abc.def.ghi\\r\\n", 256) = 64';
    const message = renderStraceMessage({ ...base, verdict: { ...base.verdict, evidence: [redactSecrets(leaked)] } }, OPTS);
    const json = JSON.stringify(message);
    expect(json).toContain('[REDACTED]');
    expect(json).not.toContain('abc.def.ghi');
  });

  test('for a failed attach shows the reason without tables or a thread', () => {
    const summary: StraceSummary = {
      host: 'web-1',
      pids: [4242],
      durationMs: null,
      durationSource: null,
      syscallCount: 0,
      unparsedLines: 0,
      syscalls: [],
      errors: [],
      signals: [],
      fds: [],
      unfinished: [],
      exits: [],
      verdict: {
        state: 'not-traced',
        text: 'Not traced: strace could not attach to pid 4242 (Operation not permitted)',
        evidence: ['strace: attach: ptrace(PTRACE_SEIZE, 4242): Operation not permitted'],
        syscall: null,
        fd: null,
        peer: null,
        waitedMs: null,
        waitedIsLowerBound: false,
      },
    };
    const message = renderStraceMessage(summary, OPTS);
    expectValid(message);
    expect(message.blocks.map((b) => b.type)).toEqual(['header', 'section', 'context']);
    expect(message.blocks[0]).toMatchObject({ text: { text: ':warning: Not traced: strace of pid 4242 on web-1' } });
    expect(message.threadReplies).toEqual([]);
    expect(message.text).toBe('Not traced: strace of pid 4242 on web-1: Not traced: strace could not attach to pid 4242 (Operation not permitted)');
  });

  test('gzips only raw logs above the threshold', async () => {
    const summary = await summarizeFixture('wm5.2.2-idle-f-tt-T-yy');
    expect(renderStraceMessage(summary, { ...OPTS, rawLogBytes: RAW_LOG_GZIP_ABOVE_BYTES }).file?.gzip).toBe(false);
    const big = renderStraceMessage(summary, { ...OPTS, rawLogBytes: RAW_LOG_GZIP_ABOVE_BYTES + 1 }).file;
    expect(big?.gzip).toBe(true);
    expect(big?.filename).toBe('strace-web-1-21135.log.gz');
    expect(renderStraceMessage(summary, { ...OPTS, rawLogBytes: 0 }).file).toBeUndefined();
  });

  test.each([
    [{ destination: 'requester', state: 'pending' }, 'Raw log (2.3 KiB, secrets redacted): sending it to <@U0123ABCD> in a DM with the bot…', true],
    [{ destination: 'requester', state: 'sent' }, 'Raw log (2.3 KiB, secrets redacted) sent to <@U0123ABCD> in a DM with the bot.', true],
    [{ destination: 'requester', state: 'failed', error: 'cannot_dm_bot' }, 'The raw log could not be sent to <@U0123ABCD> (`cannot_dm_bot`).', true],
    [{ destination: 'thread', state: 'pending' }, 'Raw log (2.3 KiB, secrets redacted): attaching it in the thread…', true],
    [{ destination: 'thread', state: 'sent' }, 'Raw log (2.3 KiB, secrets redacted) attached in the thread.', true],
    [{ destination: 'thread', state: 'failed', error: 'not_in_channel' }, 'The raw log could not be attached in the thread (`not_in_channel`).', true],
    [{ destination: 'none', state: 'pending' }, 'The raw log is not shared (`strace.rawLog: none`).', false],
  ] as const)('the footer says where the raw log is, and only what is true: %j', async (rawLog, note, hasFile) => {
    const message = renderStraceMessage(await summarizeFixture('wm5.2.2-idle-f-tt-T-yy'), { ...OPTS, rawLogBytes: 2_345, rawLog });
    expectValid(message);
    const footer = JSON.stringify(message.blocks.filter((b) => b.type === 'context'));
    expect(footer).toContain(JSON.stringify(note).slice(1, -1));
    if (rawLog.state !== 'sent' || rawLog.destination !== 'thread') expect(footer).not.toContain('redacted) attached in the thread');
    expect(message.file !== undefined).toBe(hasFile);
  });

  test('uses a monospace section instead of a table block when asked', async () => {
    const message = renderStraceMessage(await summarizeFixture('wm5.2.2-blocked-upstream-f-tt-T-yy'), { ...OPTS, tableStyle: 'monospace' });
    expectValid(message);
    expect(message.blocks.some((b) => b.type === 'table')).toBe(false);
    // Ordered like strace -c (by time: epoll_wait's 784 ms first), with its % time column.
    expect(sectionTexts(message).join('\n')).toMatch(/\*Top syscalls\*\n```syscall +calls +errors +% time +total ms +max ms\nepoll_wait +1 +99\.91 +784 +784\nfcntl /);
  });

  test('says a file\'s duration is its timestamps\' span and marks a wait bounded by its last timestamp with ≥', async () => {
    // As the Summarise shortcut summarises a shared log: no host duration, no pids asked for.
    const text = readFileSync(join(STRACE_FIXTURES, 'wm5.2.2-master-respawn-f-tt-T-yy.txt'), 'utf8');
    const file = await summarizeStrace(text.split('\n'));
    const message = renderStraceMessage(file, { ...OPTS, tableStyle: 'monospace' });
    expectValid(message);
    const all = JSON.stringify(message);
    expect(all).toContain('timestamps span 2 s');
    expect(all).not.toContain('s traced');
    // epoll_wait of the re-forked child: unfinished at 04:44:58.965720, the file's last timestamp 0.94 s later.
    expect(sectionTexts(message).join('\n')).toContain('• `epoll_wait` on pid 22098 fd 2 `epoll`: waited ≥ 944 ms');
    // A live trace's duration was measured: traced, and its waits are plain.
    const live = renderStraceMessage(await summarizeFixture('wm5.2.2-master-respawn-f-tt-T-yy'), OPTS);
    expect(JSON.stringify(live)).toContain('3 s traced');
    expect(JSON.stringify(live)).not.toContain('≥');
  });

  test('ranks syscalls by count when the trace has no -T times, with % time shown as -', async () => {
    const message = renderStraceMessage(await summarizeFixture('wm5.2.2-blocked-upstream-plain'), { ...OPTS, tableStyle: 'monospace' });
    expect(sectionTexts(message).join('\n')).toMatch(/```syscall +calls +errors +% time +total ms +max ms\nfcntl +3 +- +- +-\npoll +2 /);
  });
});

describe('renderTraceProgress()', () => {
  const base = { host: 'web-1', pids: [21135], durationMs: 5000, requestedBy: 'U0123ABCD' };

  test.each([
    [0, 0, '`░░░░░░░░░░` 0% · 0 of 5 s · 0 lines'],
    [2500, 1234, '`▓▓▓▓▓░░░░░` 50% · 2.5 of 5 s · 1,234 lines'],
    [5000, 1_234_567, '`▓▓▓▓▓▓▓▓▓▓` 100% · 5 of 5 s · 1,234,567 lines · detaching and summarising…'],
  ])('at %i ms shows the bar, percent, seconds and lines', (elapsedMs, lines, expected) => {
    const message = renderTraceProgress({ ...base, elapsedMs, lines });
    expectValidMessage(message);
    expect(sectionTexts(message)).toEqual([`:mag: *strace of pid 21135 on \`web-1\`*\n${expected}`]);
    expect(message.blocks[1]).toMatchObject({ type: 'context', elements: [{ text: 'asked by <@U0123ABCD>' }, {}] });
    expect(message.text).toMatch(/^Tracing pid 21135 on web-1: \d+% · /);
  });

  test('clamps past the time box and before the start', () => {
    expect(sectionTexts(renderTraceProgress({ ...base, elapsedMs: 7300, lines: 1 }))[0]).toContain('`▓▓▓▓▓▓▓▓▓▓` 100% · 5 of 5 s · 1 line ·');
    expect(sectionTexts(renderTraceProgress({ ...base, elapsedMs: -50, lines: 0 }))[0]).toContain('`░░░░░░░░░░` 0% · 0 of 5 s');
  });

  test('escapes the host and caps a long pid list', () => {
    const message = renderTraceProgress({ host: 'a<!here>`b', pids: [1, 2, 3, 4, 5, 6, 7], durationMs: 30_000, elapsedMs: 10_000, lines: 9 });
    expectValidMessage(message);
    expect(sectionTexts(message)[0]).toBe(':mag: *strace of pids 1, 2, 3, 4, 5 +2 more on `a&lt;!here&gt;ʼb`*\n`▓▓▓░░░░░░░` 33% · 10 of 30 s · 9 lines');
  });
});

describe('renderTracePending()', () => {
  test('names a worker asked for by name (escaped), and its pids once they are known', () => {
    const asked = renderTracePending({ host: 'web-1', pids: [], workerName: 'Http<!here>`Api', durationMs: 5000 });
    expectValidMessage(asked);
    expect(asked.text).toBe('Tracing worker Http&lt;!here&gt;`Api on web-1 for 5 s…');
    expect(sectionTexts(asked)[0]).toMatch(/^:mag: \*strace of worker `Http&lt;!here&gt;ʼApi` on `web-1`\* for 5 s\n/);
    const resolved = renderTraceProgress({ host: 'web-1', pids: [11, 12], workerName: 'HttpApi01', durationMs: 5000, elapsedMs: 2500, lines: 3 });
    expect(resolved.text).toBe('Tracing worker HttpApi01 (pids 11, 12) on web-1: 50% · 2.5 of 5 s · 3 lines');
    expect(sectionTexts(resolved)[0]).toMatch(/^:mag: \*strace of worker `HttpApi01` \(pids 11, 12\) on `web-1`\*\n/);
  });

  test('shows an empty bar, the time box and the overhead note', async () => {
    const message = renderTracePending({ host: 'web-1', pids: [21135], durationMs: 5000, requestedBy: 'U0123ABCD' });
    expectValidMessage(message);
    expect(message).toEqual({
      text: 'Tracing pid 21135 on web-1 for 5 s…',
      blocks: [
        {
          type: 'section',
          text: {
            type: 'mrkdwn',
            text: ':mag: *strace of pid 21135 on `web-1`* for 5 s\n`░░░░░░░░░░` 0% · 5 s time box · checking strace and permissions…',
          },
        },
        {
          type: 'context',
          elements: [
            { type: 'mrkdwn', text: 'asked by <@U0123ABCD>' },
            { type: 'mrkdwn', text: 'strace slows the traced process down while attached; the time box is enforced on the host' },
          ],
        },
      ],
    });
  });
});

/** 300 syscalls, 500 fds on 4 pids, 40 evidence lines, 30 errors, 20 signals, 12 unfinished, 8 exits. */
function hugeSummary(): StraceSummary {
  const syscalls: SyscallStat[] = Array.from({ length: 300 }, (_, i) => ({
    name: `sys_${String(i).padStart(3, '0')}_${'x'.repeat(i % 30)}`,
    count: 1_000_000 - i,
    errors: i % 7 === 0 ? i : 0,
    totalTimeMs: 12_345.678 - i,
    maxTimeMs: i % 5 === 0 ? null : 0.123 * i,
  }));
  const fds: FdStat[] = Array.from({ length: 500 }, (_, i) => ({
    pid: 100 + (i % 4),
    fd: i,
    description: `/srv/wm/data/file-${i}.dat${i % 10 === 0 ? `/${'deep/'.repeat(60)}` : ''}`,
    calls: 500 - i,
    bytesRead: i * 1000,
    bytesWritten: i * 3_000_000,
    timeMs: i % 3 === 0 ? null : i * 1.5,
  }));
  return {
    host: 'web-1',
    pids: [100, 101, 102, 103],
    durationMs: 30_000,
    durationSource: 'measured',
    syscallCount: 123_456_789,
    unparsedLines: 17,
    syscalls,
    errors: Array.from({ length: 30 }, (_, i) => ({ syscall: `sys_${i}`, errno: i % 2 === 0 ? 'EAGAIN' : 'EINTR', count: 30 - i })),
    signals: Array.from({ length: 20 }, (_, i) => ({ signal: `SIGRTMIN+${i}`, count: i + 1 })),
    fds,
    unfinished: Array.from({ length: 12 }, (_, i) => ({
      pid: 100 + (i % 4),
      syscall: 'read',
      fd: i,
      description: `TCP 10.0.0.${i}:3306 -> 10.0.0.9:${50000 + i}`,
      waitedMs: 29_000 - i,
      waitedIsLowerBound: false,
    })),
    exits: Array.from({ length: 8 }, (_, i) => ({ pid: 200 + i, code: i % 2 === 0 ? i : null, signal: i % 2 === 0 ? null : 'SIGKILL' })),
    verdict: {
      state: 'active',
      text: `Active: serving I/O on ${'many '.repeat(200)}sockets`,
      evidence: Array.from({ length: 40 }, (_, i) => `evidence line ${i}: ${'detail '.repeat(60)}`),
      syscall: null,
      fd: null,
      peer: null,
      waitedMs: null,
      waitedIsLowerBound: false,
    },
  };
}
