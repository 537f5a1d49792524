// Issue 8 through Slack, end to end in HTTP mode with signed requests:
// - item 12: the audit file on a real full file system (a 64 KiB tmpfs, filled): requests are still
//   served, every record reaches the bot's log whole, trace is refused (audit_unavailable), /healthz says
//   degraded, and once space is back the backlog lands in the file and health is ok again;
// - item 11: user group membership cached for access.userGroupCacheS, dropped on the
//   subteam_members_changed event, and re-checked for trace after access.traceUserGroupCacheS.
import { execFileSync } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readFileSync, rmSync, statSync, writeSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import type { AuditEntry } from '../../../src/audit/audit-line.js';
import { createAuditLog } from '../../../src/audit/audit-log.js';
import { Config } from '../../../src/config/schema.js';
import { ACTION_IDS, HEALTH_PATH } from '../../../src/slack/ids.js';
import { startBotHarness, type BotHarness, type LogLine } from '../../helpers/slack-bot-harness.js';
import { sendButtonClick, sendCommand, sendEvent } from '../../helpers/slack-signing.js';
import { startSlackStandIn, type SlackStandIn } from '../../helpers/slack-standin.js';
import { createFakeApp, type FakeApp } from '../../helpers/workerman-app.js';

const BOT_TOKEN = 'xoxb-1111-2222-issue8token';
const OPS = 'C0OPS0001';
const RANDOM = 'C0RANDOM1';
const BOB = 'U0BOB0001';
const ALICE = 'U0ALICE01';
const CAROL = 'U0CAROL01';
const ONCALL = 'S0ONCALL1';
const ROOMY_LIMITS = { userBurst: 1000, userPerMinute: 6000, postIntervalMs: 0 };
const PAGE = 4096;

/** Why a tmpfs cannot be mounted here, or null. Under CI=true always null: there the test must run. */
function mountUnavailableReason(): string | null {
  if (process.env.CI === 'true') return null;
  if (process.getuid?.() !== 0) return 'needs root to mount a tmpfs (run as root, as CI does)';
  const probe = join(tmpdir(), `wmops-mount-probe-${process.pid}`);
  try {
    mkdirSync(probe, { recursive: true });
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', probe], { stdio: 'pipe' });
    execFileSync('umount', [probe], { stdio: 'pipe' });
    return null;
  } catch (error) {
    return `mount -t tmpfs failed: ${String((error as { stderr?: Buffer }).stderr ?? error).trim()}`;
  } finally {
    rmSync(probe, { recursive: true, force: true });
  }
}

/** Fills the file system holding `file` with whole pages until it refuses more (ENOSPC). */
function fillDisk(file: string): number {
  const fd = openSync(file, 'w');
  const page = Buffer.alloc(PAGE, 0x78);
  let bytes = 0;
  try {
    for (;;) bytes += writeSync(fd, page);
  } catch (error) {
    expect((error as NodeJS.ErrnoException).code).toBe('ENOSPC');
  } finally {
    closeSync(fd);
  }
  return bytes;
}

const events = (h: BotHarness, name: string): LogLine[] => h.logLines.filter((l) => l['event'] === name);
const keptLines = (h: BotHarness): string[] => events(h, 'audit_record').map((l) => String(l['line']));
const fileLines = (file: string): string[] => readFileSync(file, 'utf8').split('\n').filter((l) => l !== '');

async function health(h: BotHarness): Promise<{ status: number; body: string }> {
  const res = await fetch(h.eventsUrl.replace('/slack/events', HEALTH_PATH));
  return { status: res.status, body: await res.text() };
}

const mountSkipReason = mountUnavailableReason();
if (mountSkipReason !== null) console.warn(`skipping the full-disk audit tests: ${mountSkipReason}`);

describe.skipIf(mountSkipReason !== null)('the audit trail on a full disk (a filled 64 KiB tmpfs)', () => {
  let dir = '';
  let isMounted = false;
  let auditFile = '';
  let standIn: SlackStandIn;
  let h: BotHarness;
  let app: FakeApp;
  let seq = 0;
  const responseUrl = (): string => standIn.responseUrl(`D${++seq}`);

  /** Waits until `count` records went to the log and nothing is in flight. */
  async function settleKept(count: number): Promise<void> {
    await standIn.waitFor(() => keptLines(h).length >= count && h.bot.inFlightCount() === 0, 15_000, `${count} audit_record log lines`);
  }

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'wmops-audit-disk-'));
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=64k,mode=0700', 'tmpfs', dir], { stdio: 'pipe' });
    isMounted = true;
    auditFile = join(dir, 'audit.jsonl');
    app = await createFakeApp({ status: ['wm5.2.2-idle'] });
    const config = Config.parse({
      hosts: [app.host('web-1')],
      access: { channels: [OPS], rules: [{ name: 'tracers', commands: ['trace'], hosts: ['web-1'], users: [ALICE], channels: [OPS] }] },
      audit: { file: auditFile },
      limits: ROOMY_LIMITS,
    });
    standIn = await startSlackStandIn({ botToken: BOT_TOKEN, channels: [{ id: OPS, kind: 'public', botIsMember: true }] });
    h = await startBotHarness(standIn, config, { botToken: BOT_TOKEN, auditToConfiguredFile: true });
  });

  afterEach(() => {
    expect(standIn.violations).toEqual([]);
    expect(h.logLines.filter((l) => l['event'] === 'bolt_error' || l['event'] === 'internal_error')).toEqual([]);
  });

  afterAll(async () => {
    await h?.bot.stop();
    await standIn?.close();
    await app?.cleanup();
    // Lazily if a failed test left a file open on it: never leave the mount behind.
    if (isMounted) execFileSync('umount', ['-l', dir], { stdio: 'pipe' });
    if (dir !== '') await rm(dir, { recursive: true, force: true });
  });

  test('with the disk full, status is served, trace is refused with audit_unavailable, and every record is in the log', async () => {
    expect(fillDisk(join(dir, 'fill'))).toBeGreaterThan(0);
    expect((await health(h)).body).toBe('ok');

    // status: served as usual.
    const statusRes = await sendCommand(h.eventsUrl, { text: 'status web-1', userId: BOB, channelId: OPS, responseUrl: responseUrl() });
    expect(statusRes.status).toBe(200);
    await settleKept(1);
    expect(standIn.messages(OPS).at(-1)!.text).toMatch(/^Workerman status of web-1/);

    // trace: the confirmation question is not even asked…
    const traceUrl = responseUrl();
    await sendCommand(h.eventsUrl, { text: 'trace web-1 123', userId: ALICE, channelId: OPS, responseUrl: traceUrl });
    await settleKept(2);
    // …and a confirmation click (from an older question) is refused before anything runs.
    const postsBefore = standIn.callsOf('chat.postMessage').length;
    const clickUrl = responseUrl();
    await sendButtonClick(h.eventsUrl, {
      actionId: ACTION_IDS.traceConfirm,
      value: JSON.stringify({ h: 'web-1', p: '123', d: '1' }),
      userId: ALICE,
      channelId: OPS,
      responseUrl: clickUrl,
      messageTs: '1700000000.000001',
    });
    await settleKept(3);
    expect(standIn.callsOf('chat.postMessage')).toHaveLength(postsBefore);
    for (const url of [traceUrl, clickUrl]) {
      const id = url.slice(url.lastIndexOf('/') + 1);
      const reply = await standIn.waitFor(() => standIn.responses.find((r) => r.id === id));
      expect(reply.body['response_type']).toBe('ephemeral');
      expect(String(reply.body['text'])).toContain('cannot write its audit trail because its disk is full (ENOSPC)');
      expect(String(reply.body['text'])).toContain('(audit_unavailable)');
    }

    // Every request's record is in the log, whole, in order; none in the file (not even half a line).
    const kept = keptLines(h).map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(kept).toEqual([
      expect.objectContaining({ userId: BOB, command: 'status', host: 'web-1', outcome: 'ok', errorCode: null, via: 'command' }),
      expect.objectContaining({ userId: ALICE, command: 'trace', host: 'web-1', outcome: 'error', errorCode: 'audit_unavailable', via: 'command' }),
      // A failed button request names no host (as for a denial): its value is untrusted until validated.
      expect.objectContaining({ userId: ALICE, command: ACTION_IDS.traceConfirm, outcome: 'error', errorCode: 'audit_unavailable', via: 'button' }),
    ]);
    expect(events(h, 'audit_record').every((l) => l['level'] === 'error' && l['errorCode'] === 'ENOSPC')).toBe(true);
    expect(statSync(auditFile).size).toBe(0);
    expect(events(h, 'audit_degraded')).toEqual([expect.objectContaining({ level: 'warn', errorCode: 'ENOSPC' })]);

    // Degraded, said in the health output; 200 so that no orchestrator restarts or unroutes the bot.
    expect(await health(h)).toEqual({ status: 200, body: 'degraded: audit trail not writable (ENOSPC), 3 records kept in the log, 3 waiting for the file' });
  });

  test('once space is back, the backlog lands in the file in order and health is ok again', async () => {
    const kept = keptLines(h);
    expect(kept).toHaveLength(3);
    rmSync(join(dir, 'fill'));

    // The health check tries the backlog first.
    expect(await health(h)).toEqual({ status: 200, body: 'ok' });
    expect(fileLines(auditFile)).toEqual(kept);
    expect(events(h, 'audit_recovered')).toEqual([expect.objectContaining({ level: 'warn', keptInLog: 3, written: 3, dropped: 0 })]);

    // New records go straight to the file; trace works again.
    await sendCommand(h.eventsUrl, { text: 'trace web-1 123', userId: ALICE, channelId: OPS, responseUrl: responseUrl() });
    await standIn.waitFor(() => fileLines(auditFile).length === 4 && h.bot.inFlightCount() === 0, 10_000, 'a 4th line in the file');
    expect(JSON.parse(fileLines(auditFile)[3]!)).toMatchObject({ userId: ALICE, command: 'trace', outcome: 'ok', errorCode: null });
    expect(keptLines(h)).toHaveLength(3);
    expect(events(h, 'audit_degraded')).toHaveLength(1);
  });

  test('a write cut short by the full disk leaves only whole lines in the file, the rest in the log', async () => {
    const file = join(dir, 'torn.jsonl');
    const unwritten: string[] = [];
    const startedAt = Date.parse('2026-11-26T04:33:45.000Z');
    const audit = createAuditLog({ file }, { now: () => startedAt, onUnwritten: (line) => unwritten.push(line) });
    const entry = (i: number): AuditEntry => ({ userId: ALICE, channelId: OPS, command: 'status', host: 'web-1', pids: [1000 + i], startedAt, durationMs: 12, outcome: 'ok', via: 'command' });
    try {
      audit.record(entry(0));
      const lineBytes = statSync(file).size;
      // A page does not hold a whole number of lines: the last one that fits only partly is written short.
      expect(PAGE % lineBytes).not.toBe(0);
      fillDisk(join(dir, 'fill-2'));
      const total = Math.floor(PAGE / lineBytes) + 3;
      for (let i = 1; i < total; i += 1) audit.record(entry(i));
      expect(readFileSync(file, 'utf8').endsWith('\n')).toBe(true);
      const written = fileLines(file).map((l) => JSON.parse(l) as { pids: number[] });
      expect(written).toHaveLength(Math.floor(PAGE / lineBytes));
      expect(statSync(file).size).toBe(written.length * lineBytes);
      // None lost: what the file lacks is in the log, whole and in order.
      const pidsOf = (lines: { pids: number[] }[]): number[] => lines.map((l) => l.pids[0]!);
      expect([...pidsOf(written), ...pidsOf(unwritten.map((l) => JSON.parse(l) as { pids: number[] }))]).toEqual(Array.from({ length: total }, (_, i) => 1000 + i));
      rmSync(join(dir, 'fill-2'));
      expect(audit.retry()).toBe(true);
      expect(fileLines(file)).toHaveLength(total);
    } finally {
      await audit.close();
    }
  });
});

describe('user group membership: cached, dropped on subteam_members_changed, re-checked for trace', () => {
  let standIn: SlackStandIn;
  let h: BotHarness;
  let app: FakeApp;
  let seq = 0;
  const responseUrl = (): string => standIn.responseUrl(`G${++seq}`);
  const lookups = (): number => standIn.callsOf('usergroups.users.list').length;

  /** Sends a command as Carol and returns its audit line. */
  async function run(text: string): Promise<LogLine> {
    const before = h.auditLines.length;
    const res = await sendCommand(h.eventsUrl, { text, userId: CAROL, channelId: RANDOM, responseUrl: responseUrl() });
    expect(res.status).toBe(200);
    await standIn.waitFor(() => h.auditLines.length > before && h.bot.inFlightCount() === 0, 10_000, `the audit line of ${text}`);
    return h.auditLines[before]!;
  }

  async function changed(groupId: string): Promise<void> {
    const before = events(h, 'user_group_changed').length;
    const res = await sendEvent(h.eventsUrl, { type: 'subteam_members_changed', subteam_id: groupId, team_id: 'T0123ABCD', removed_users: [CAROL], removed_users_count: 1 });
    expect(res.status).toBe(200);
    if (groupId === ONCALL) await standIn.waitFor(() => events(h, 'user_group_changed').length > before, 5_000, 'user_group_changed');
  }

  beforeAll(async () => {
    app = await createFakeApp({ status: ['wm5.2.2-idle'] });
    const config = Config.parse({
      hosts: [app.host('web-1')],
      access: {
        channels: [OPS],
        rules: [{ name: 'oncall', commands: ['status', 'trace'], hosts: ['*'], userGroups: [ONCALL] }],
        userGroupCacheS: 300,
        traceUserGroupCacheS: 0,
      },
      limits: ROOMY_LIMITS,
    });
    standIn = await startSlackStandIn({
      botToken: BOT_TOKEN,
      channels: [{ id: RANDOM, kind: 'public', botIsMember: true }],
      userGroups: { [ONCALL]: [CAROL] },
    });
    h = await startBotHarness(standIn, config, { botToken: BOT_TOKEN });
  });

  afterEach(() => {
    expect(standIn.violations).toEqual([]);
    expect(h.logLines.filter((l) => l['event'] === 'bolt_error' || l['event'] === 'internal_error')).toEqual([]);
  });

  afterAll(async () => {
    await h?.bot.stop();
    await standIn?.close();
    await app?.cleanup();
  });

  test('a member list is reused for userGroupCacheS and dropped when Slack says the group changed', async () => {
    expect(await run('status web-1')).toMatchObject({ outcome: 'ok', rule: '"oncall" (access.rules[0])' });
    expect(await run('status web-1')).toMatchObject({ outcome: 'ok' });
    expect(lookups()).toBe(1);

    // Carol leaves the group: the cached list still says member…
    standIn.setUserGroup(ONCALL, []);
    expect(await run('status web-1')).toMatchObject({ outcome: 'ok' });
    expect(lookups()).toBe(1);
    // …until the event: an unrelated group's event is ignored, this group's drops the list.
    await changed('S0OTHER01');
    expect(events(h, 'user_group_changed')).toHaveLength(0);
    await changed(ONCALL);
    expect(events(h, 'user_group_changed')).toEqual([expect.objectContaining({ groupId: ONCALL })]);
    expect(await run('status web-1')).toMatchObject({ outcome: 'denied', errorCode: 'access_denied' });
    expect(lookups()).toBe(2);
  });

  test('trace re-checks membership older than traceUserGroupCacheS while status uses the cache', async () => {
    standIn.setUserGroup(ONCALL, [CAROL]);
    await changed(ONCALL);
    expect(await run('status web-1')).toMatchObject({ outcome: 'ok' });
    const afterStatus = lookups();
    expect(await run('trace web-1 123')).toMatchObject({ outcome: 'ok' });
    expect(lookups()).toBe(afterStatus + 1);

    standIn.setUserGroup(ONCALL, []);
    expect(await run('status web-1')).toMatchObject({ outcome: 'ok' });
    expect(lookups()).toBe(afterStatus + 1);
    expect(await run('trace web-1 123')).toMatchObject({ outcome: 'denied', errorCode: 'access_denied' });
    expect(lookups()).toBe(afterStatus + 2);
  });
});
