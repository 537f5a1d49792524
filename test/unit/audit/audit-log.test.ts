import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toAuditLine, type AuditEntry } from '../../../src/audit/audit-line.js';
import { createAuditLog, type AuditTrailEvent } from '../../../src/audit/audit-log.js';
import { auditOutcomeOf } from '../../../src/audit/audit-outcome-of.js';
import { renderAuditText } from '../../../src/audit/render-audit-text.js';
import { BotError } from '../../../src/errors.js';

const T0 = Date.parse('2026-11-26T04:33:45.000Z');

function memorySink() {
  const lines: string[] = [];
  return { lines, sink: { write: (line: string) => void lines.push(line) } };
}

/** A sink that refuses lines with ENOSPC while `isFull`, like an append to a full disk. */
function diskSink() {
  const lines: string[] = [];
  const state = { isFull: false, lines };
  const sink = {
    write: (line: string) => {
      if (state.isFull) throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
      lines.push(line);
    },
  };
  return { state, sink };
}

const entry: AuditEntry = {
  userId: 'UALICE',
  channelId: 'COPS',
  command: 'trace',
  host: 'web-1',
  pids: [19366],
  startedAt: T0,
  durationMs: 5012.4,
  outcome: 'ok',
  via: 'button',
};

describe('createAuditLog()', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'audit-log-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('createAuditLog() writes one JSON line per request with every field', () => {
    const { lines, sink } = memorySink();
    const audit = createAuditLog(sink, { now: () => T0 + 5013 });
    audit.record(entry);
    expect(lines).toHaveLength(1);
    expect(lines[0]!.endsWith('\n')).toBe(true);
    expect(lines[0]!.slice(0, -1)).not.toContain('\n');
    expect(JSON.parse(lines[0]!)).toEqual({
      ts: '2026-11-26T04:33:50.013Z',
      userId: 'UALICE',
      channelId: 'COPS',
      command: 'trace',
      host: 'web-1',
      hosts: [],
      pids: [19366],
      startedAt: '2026-11-26T04:33:45.000Z',
      durationMs: 5012,
      outcome: 'ok',
      errorCode: null,
      rule: null,
      via: 'button',
    });
  });

  it('createAuditLog() redacts anything that looks like a Slack token or secret', () => {
    const { lines, sink } = memorySink();
    const audit = createAuditLog(sink, { now: () => T0 });
    audit.record({
      ...entry,
      userId: 'xoxb-1234-5678-abcdef',
      channelId: 'xapp-1-A0-123-abc',
      command: 'status xoxp-99-aa',
      host: 'web-1 8f14e45fceea167a5a36dedd4bea2543',
      errorCode: 'XOXE-1-abc',
      rule: 'ok',
    });
    const text = lines.join('');
    expect(text).not.toMatch(/xox[a-z]-|xapp-|8f14e45f/i);
    expect(JSON.parse(lines[0]!)).toMatchObject({ userId: '[redacted]', channelId: '[redacted]', command: 'status [redacted]', host: 'web-1 [redacted]' });
  });

  it('createAuditLog() writes only whitelisted fields, flattened to one line', () => {
    const { lines, sink } = memorySink();
    const audit = createAuditLog(sink, { now: () => T0 });
    const sneaky = { ...entry, host: 'web-1\n{"outcome":"ok"}', token: 'xoxb-secret', responseUrl: 'https://hooks.slack.com/x' } as AuditEntry;
    audit.record(sneaky);
    expect(lines).toHaveLength(1);
    const line = JSON.parse(lines[0]!);
    expect(Object.keys(line)).not.toContain('token');
    expect(Object.keys(line)).not.toContain('responseUrl');
    expect(line.host).toBe('web-1 {"outcome":"ok"}');
  });

  it('createAuditLog() drops pids that are not positive integers', () => {
    expect(toAuditLine({ ...entry, pids: [1, -1, 0, 1.5, Number.NaN, 2 ** 60] }, T0).pids).toEqual([1]);
  });

  it('createAuditLog() begin().finish() records exactly once with the measured duration', () => {
    const { lines, sink } = memorySink();
    let nowMs = T0;
    const audit = createAuditLog(sink, { now: () => nowMs });
    const timer = audit.begin({ userId: 'UALICE', channelId: 'COPS', command: 'status', host: 'web' });
    nowMs += 1234;
    expect(timer.finish({ outcome: 'ok', hosts: ['web-1', 'web-2'] })).not.toBeNull();
    expect(timer.finish({ outcome: 'error', errorCode: 'internal' })).toBeNull();
    expect(timer.isFinished).toBe(true);
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]!)).toMatchObject({ durationMs: 1234, outcome: 'ok', hosts: ['web-1', 'web-2'], startedAt: new Date(T0).toISOString() });
  });

  it('createAuditLog() appends to a file created 0600, one line per request', async () => {
    const file = join(dir, 'audit.jsonl');
    const audit = createAuditLog({ file }, { now: () => T0 });
    audit.record(entry);
    audit.record({ ...entry, outcome: 'denied', errorCode: 'access_denied', rule: '"trace-web" (access.rules[0])' });
    await audit.close();
    const again = createAuditLog({ file }, { now: () => T0 });
    again.record({ ...entry, outcome: 'rate_limited', errorCode: 'rate_limited' });
    await again.close();
    const lines = (await readFile(file, 'utf8')).trimEnd().split('\n');
    expect(lines.map((l) => JSON.parse(l).outcome)).toEqual(['ok', 'denied', 'rate_limited']);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
  });

  it('createAuditLog() refuses an audit file it cannot open with config_invalid', () => {
    expect(() => createAuditLog({ file: join(dir, 'missing-dir', 'audit.jsonl') })).toThrow(expect.objectContaining({ code: 'config_invalid' }));
  });

  it('createAuditLog() posts a summary per request and survives a failing post or sink', async () => {
    const posts: string[] = [];
    const errors: unknown[] = [];
    const unwritten: string[] = [];
    let fail = false;
    const audit = createAuditLog(
      {
        write: () => {
          if (fail) throw Object.assign(new Error('EPIPE'), { code: 'EPIPE' });
        },
      },
      {
        now: () => T0,
        onError: (e) => errors.push(e),
        onUnwritten: (_line, code) => unwritten.push(code),
        post: async (text) => {
          if (fail) throw new Error('channel_not_found');
          posts.push(text);
        },
      },
    );
    audit.record({ ...entry, outcome: 'denied', errorCode: 'access_denied' });
    await audit.flush();
    fail = true;
    expect(() => audit.record(entry)).not.toThrow();
    await audit.flush();
    expect(posts).toEqual(['⛔ <@UALICE> in <#COPS>: `trace web-1 pid 19366` → denied (access_denied), 5012 ms']);
    // A refused record is not an error of the trail's side channel: it goes to onUnwritten, whole.
    expect(errors.map((e) => (e as Error).message)).toEqual(['channel_not_found']);
    expect(unwritten).toEqual(['EPIPE']);
  });

  it('createAuditLog() hands a refused record whole to onUnwritten and writes the backlog in order before the next one', () => {
    const { state, sink } = diskSink();
    const unwritten: string[] = [];
    const events: AuditTrailEvent[] = [];
    let nowMs = T0;
    const audit = createAuditLog(sink, { now: () => (nowMs += 1000), onUnwritten: (line, code) => unwritten.push(`${code} ${line}`), onChange: (e) => events.push(e) });
    audit.record({ ...entry, command: 'status', pids: [1] });
    state.isFull = true;
    audit.record({ ...entry, command: 'status', pids: [2] });
    audit.record({ ...entry, command: 'trace-confirm', pids: [3], outcome: 'error', errorCode: 'audit_unavailable' });
    expect(state.lines).toHaveLength(1);
    expect(events).toEqual([{ kind: 'degraded', errorCode: 'ENOSPC' }]);
    expect(audit.health()).toEqual({ isWritable: false, errorCode: 'ENOSPC', keptInLog: 2, backlog: 2, dropped: 0 });
    // Each kept line is exactly the line the file gets later.
    expect(unwritten.map((u) => u.slice(0, 7))).toEqual(['ENOSPC ', 'ENOSPC ']);
    const kept = unwritten.map((u) => u.slice(7));
    expect(kept.map((l) => JSON.parse(l).pids)).toEqual([[2], [3]]);

    state.isFull = false;
    audit.record({ ...entry, command: 'status', pids: [4] });
    expect(state.lines.map((l) => JSON.parse(l).pids)).toEqual([[1], [2], [3], [4]]);
    expect(state.lines.slice(1, 3)).toEqual(kept.map((l) => `${l}\n`));
    expect(events.at(-1)).toEqual({ kind: 'recovered', keptInLog: 2, written: 2, dropped: 0 });
    expect(audit.health()).toEqual({ isWritable: true, errorCode: null, keptInLog: 0, backlog: 0, dropped: 0 });
    expect(unwritten).toHaveLength(2);
  });

  it('createAuditLog() retry() writes the backlog without a new record and says whether the trail is writable', () => {
    const { state, sink } = diskSink();
    const events: AuditTrailEvent[] = [];
    const audit = createAuditLog(sink, { now: () => T0, onUnwritten: () => undefined, onChange: (e) => events.push(e) });
    expect(audit.retry()).toBe(true);
    state.isFull = true;
    audit.record(entry);
    expect(audit.retry()).toBe(false);
    expect(audit.health()).toMatchObject({ isWritable: false, keptInLog: 1, backlog: 1 });
    state.isFull = false;
    expect(audit.retry()).toBe(true);
    expect(state.lines).toHaveLength(1);
    expect(events.map((e) => e.kind)).toEqual(['degraded', 'recovered']);
  });

  it('createAuditLog() keeps at most maxBacklogRecords, drops the oldest, counts them and says so once', () => {
    const { state, sink } = diskSink();
    const unwritten: string[] = [];
    const events: AuditTrailEvent[] = [];
    const audit = createAuditLog(sink, { now: () => T0, maxBacklogRecords: 3, onUnwritten: (line) => unwritten.push(line), onChange: (e) => events.push(e) });
    state.isFull = true;
    for (const pid of [1, 2, 3, 4, 5]) audit.record({ ...entry, pids: [pid] });
    // Every record reached the log; only the newest three wait for the sink.
    expect(unwritten.map((l) => JSON.parse(l).pids[0])).toEqual([1, 2, 3, 4, 5]);
    expect(audit.health()).toEqual({ isWritable: false, errorCode: 'ENOSPC', keptInLog: 5, backlog: 3, dropped: 2 });
    expect(events).toEqual([
      { kind: 'degraded', errorCode: 'ENOSPC' },
      { kind: 'backlog_full', maxBacklogRecords: 3, errorCode: 'ENOSPC' },
    ]);
    state.isFull = false;
    expect(audit.retry()).toBe(true);
    expect(state.lines.map((l) => JSON.parse(l).pids[0])).toEqual([3, 4, 5]);
    expect(events.at(-1)).toEqual({ kind: 'recovered', keptInLog: 5, written: 3, dropped: 2 });
  });

  it('createAuditLog() record() never throws, even when onUnwritten and onChange do', () => {
    const { state, sink } = diskSink();
    const errors: unknown[] = [];
    const audit = createAuditLog(sink, {
      now: () => T0,
      onError: (e) => errors.push(e),
      onUnwritten: () => {
        throw new Error('log closed');
      },
      onChange: () => {
        throw new Error('listener bug');
      },
    });
    state.isFull = true;
    expect(() => audit.record(entry)).not.toThrow();
    expect(audit.health().backlog).toBe(1);
    expect(errors.map((e) => (e as Error).message)).toEqual(['listener bug', 'log closed']);
  });

  it('createAuditLog() close() tries the backlog once more', async () => {
    const { state, sink } = diskSink();
    const audit = createAuditLog(sink, { now: () => T0, onUnwritten: () => undefined });
    state.isFull = true;
    audit.record(entry);
    state.isFull = false;
    await audit.close();
    expect(state.lines).toHaveLength(1);
  });

  it('renderAuditText() escapes Slack markup from unexpected values', () => {
    const line = toAuditLine({ ...entry, userId: '<!channel>', channelId: 'x', command: 'status', host: '<@U1>&`' }, T0);
    expect(renderAuditText(line)).toBe("✅ &lt;!channel&gt; in x: `status &lt;@U1&gt;&amp;' pid 19366` → ok, 5012 ms");
  });

  it('toAuditLine() writes the alert of a watch line (cleaned), and no alert key on other lines', () => {
    expect(toAuditLine(entry, T0)).not.toHaveProperty('alert');
    const line = toAuditLine(
      { ...entry, userId: 'watch', command: 'watch-alert', via: 'watch', alert: { event: 'opened', kind: 'stuck', subject: 'Http\nApi <!here> xoxb-123-abc' } },
      T0,
    );
    expect(line).toMatchObject({ userId: 'watch', command: 'watch-alert', via: 'watch', alert: { event: 'opened', kind: 'stuck', subject: 'Http Api <!here> [redacted]' } });
    expect(renderAuditText(line)).toBe("✅ watch in <#COPS>: `watch-alert opened stuck Http Api &lt;!here&gt; [redacted] web-1 pid 19366` → ok, 5012 ms");
  });

  it('auditOutcomeOf() maps errors to outcomes', () => {
    expect(auditOutcomeOf(new BotError('access_denied', 'no'))).toEqual({ outcome: 'denied', errorCode: 'access_denied' });
    expect(auditOutcomeOf(new BotError('access_denied', 'no', { details: { rule: 'access.rules[0]' } }))).toEqual({ outcome: 'denied', errorCode: 'access_denied', rule: 'access.rules[0]' });
    expect(auditOutcomeOf(new BotError('rate_limited', 'slow'))).toEqual({ outcome: 'rate_limited', errorCode: 'rate_limited' });
    expect(auditOutcomeOf(new BotError('ssh_connect_failed', 'x'))).toEqual({ outcome: 'error', errorCode: 'ssh_connect_failed' });
    expect(auditOutcomeOf(new TypeError('x'))).toEqual({ outcome: 'error', errorCode: 'internal' });
  });

  it('toAuditLine() keeps any hostile field on one line, bounded, and free of token prefixes', () => {
    const token = fc
      .tuple(fc.constantFrom('xoxb-', 'xoxp-', 'xapp-', 'xoxe-', 'XOXB-'), fc.stringMatching(/^[A-Za-z0-9-]{1,40}$/))
      .map(([prefix, rest]) => prefix + rest);
    const hostile = fc.oneof(fc.string(), fc.string({ unit: 'binary' }), token, fc.tuple(fc.string(), token, fc.string()).map((p) => p.join('')));
    fc.assert(
      fc.property(hostile, hostile, hostile, hostile, (userId, channelId, command, host) => {
        const json = JSON.stringify(toAuditLine({ ...entry, userId, channelId, command, host, errorCode: command, rule: host }, T0));
        // No raw or escaped control characters: the line stays one line for grep and log shippers.
        expect(json).not.toMatch(/[\u0000-\u001f]/);
        expect(Object.values(JSON.parse(json)).join(' ')).not.toMatch(/[\u0000-\u001f\u007f]/);
        expect(json).not.toMatch(/xox[a-z]-|xapp-/i);
        expect(json.length).toBeLessThan(1500);
      }),
      { numRuns: 2000 },
    );
  });
});

describe('createAuditLog() onRecord', () => {
  it('createAuditLog() hands onRecord every line, written or refused, and a throwing onRecord costs no line', () => {
    const { state, sink } = diskSink();
    const seen: string[] = [];
    const errors: unknown[] = [];
    const audit = createAuditLog(sink, {
      now: () => T0,
      onRecord: (line) => {
        seen.push(`${line.command}:${line.outcome}`);
        if (line.command === 'hosts') throw new Error('metrics broke');
      },
      onError: (error) => errors.push(error),
      onUnwritten: () => undefined,
    });
    audit.record({ ...entry, command: 'status' });
    audit.record({ ...entry, command: 'hosts' });
    state.isFull = true;
    audit.record({ ...entry, command: 'trace', outcome: 'denied' });
    expect(seen).toEqual(['status:ok', 'hosts:ok', 'trace:denied']);
    expect(state.lines).toHaveLength(2);
    expect(errors).toHaveLength(1);
  });
});
