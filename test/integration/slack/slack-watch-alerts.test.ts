// Watch alerts in Slack end to end: the real bot (HTTP mode, its Web API client on the stand-in) runs the
// watcher over the real loopback sshd against a fake host: real processes titled like Workerman's
// (fake-workerman: a cron worker asleep in clock_nanosleep looks stuck to /proc) and Workerman's status
// replayed by fake-php from captures whose exit column rises between status samples (a crash loop). The
// bot's watch clock moves a minute a round and the rounds are driven one by one, so the thresholds in
// minutes apply as in production while the test takes seconds; the schedule (intervalS 3600) only runs
// each bot's first round. Buttons are signed block_actions payloads, as Slack sends them.
import { readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Config } from '../../../src/config/schema.js';
import { ACTION_IDS } from '../../../src/slack/ids.js';
import type { AlertChangeEvent } from '../../../src/watch/watcher.js';
import { startFakeWorkerman } from '../../helpers/fake-workerman.js';
import { FIXTURES, STATUS_FIXTURES } from '../../helpers/paths.js';
import { startBotHarness, type BotHarness, type LogLine } from '../../helpers/slack-bot-harness.js';
import { sendButtonClick, sendCommand } from '../../helpers/slack-signing.js';
import { startSlackStandIn, type SlackStandIn, type StoredMessage } from '../../helpers/slack-standin.js';
import { sshdUnavailableReason, startSshd, type SshdHandle } from '../../helpers/sshd.js';
import { editStatusText } from '../../helpers/watch-sequence.js';
import { createFakeApp } from '../../helpers/workerman-app.js';

const MIN = 60_000;
const BOT_TOKEN = 'xoxb-1111-2222-watchalerts';
const ALERTS = 'C0ALERTS01';
const ALERTS_LATER = 'C0ALERTS02';
const NOT_MEMBER = 'C0NOTMEMB1';
const ONCALL = 'U0ONCALL01';
const BYSTANDER = 'U0BYSTAND1';

type Button = { action_id: string; value: string; text: { text: string } };
const buttonsOf = (m: { blocks?: unknown[] }): Button[] =>
  ((m.blocks ?? []) as { type: string; elements?: Button[] }[]).filter((b) => b.type === 'actions').flatMap((b) => b.elements ?? []);

describe.skipIf(sshdUnavailableReason !== null)('watch alerts in Slack (real sshd, fake host, Web API stand-in)', () => {
  let sshd: SshdHandle;
  let standIn: SlackStandIn;
  let dir: string;
  const cleanups: (() => unknown)[] = [];
  let seq = 0;
  const responseUrl = (): string => standIn.responseUrl(`W${++seq}`);

  beforeAll(async () => {
    sshd = await startSshd();
    dir = await mkdtemp(join(tmpdir(), 'wmops-watch-slack-'));
    standIn = await startSlackStandIn({ botToken: BOT_TOKEN, channels: [
        { id: ALERTS, kind: 'public', botIsMember: true },
        { id: ALERTS_LATER, kind: 'public', botIsMember: true },
        { id: NOT_MEMBER, kind: 'public', botIsMember: false },
      ],
    });
  });
  afterAll(async () => {
    for (const c of cleanups.reverse()) await c();
    await standIn?.close();
    await sshd?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('posts each alert once, edits it (throttled), keeps it across a restart, silences it on an allowed click, resolves it in its thread', async () => {
    // The captures the app prints, one per status run (the last repeats): wm5.2.2-busy-sleep with the
    // pids of the real processes below, requests moving (no stall), HttpApi01 SIGKILLed 0, 1, then 3 times.
    const capDir = join(dir, 'caps');
    await mkdir(capDir);
    const steps = [0, 1, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3];
    const app = await createFakeApp({ status: steps.map((_, k) => join(capDir, `s${k}`)) });
    cleanups.push(() => app.cleanup());
    const wm = await startFakeWorkerman(app.startFile, [
      ...Array(4).fill('HttpApi01:idle'),
      'ws-notifications-gateway:idle',
      'ws-notifications-gateway:idle',
      'TextCmd2:idle',
      'cron_jobs:sleep',
    ]);
    cleanups.push(() => wm.stop());
    const capturePids = [19366, 19367, 19368, 19369, 19370, 19371, 19372, 19373];
    const pids = Object.fromEntries(capturePids.map((p, i) => [p, wm.workers[i]!.pid]));
    const base = readFileSync(join(STATUS_FIXTURES, 'wm5.2.2-busy-sleep.out'), 'utf8');
    for (const [k, count] of steps.entries()) {
      const totals = Object.fromEntries(wm.workers.map((w, i) => [w.pid, 1000 * (k + 1) + i]));
      await writeFile(join(capDir, `s${k}.out`), editStatusText(base, { pids, totalRequest: totals, exits: [{ worker: 'HttpApi01', status: 9, count }] }));
      await writeFile(join(capDir, `s${k}.json`), '{"exit_code":0}');
    }
    const cron = wm.pidsOf('cron_jobs')[0]!;
    const stateFile = join(dir, 'state', 'watch-state.json');
    const config = Config.parse({
      hosts: [{ name: 'web-1', ssh: sshd.sshSettings(), workerman: { php: join(FIXTURES, 'bin', 'fake-php'), startFile: app.startFile } }],
      // Everyone in the alert channel may use the read-only commands; only the on-call may trace web-1,
      // and so silence its alerts.
      access: { channels: [ALERTS], rules: [{ name: 'oncall', commands: ['trace', 'status'], hosts: ['web-1'], users: [ONCALL] }] },
      limits: { userBurst: 100, userPerMinute: 600, postIntervalMs: 0 },
      watch: {
        hosts: ['web-1'],
        channel: ALERTS,
        // The schedule runs each bot's first round only; the test drives the others.
        intervalS: 3600,
        statusEveryS: 3600,
        // Status runs when /proc shows the stuck worker, at most every 2 rounds.
        statusMinGapS: 120,
        stateFile,
        hostTimeoutMs: 8_000,
        // An alert's message is edited at most every 3 rounds (unless its severity or evidence kind changes).
        alertEditEveryS: 180,
        thresholds: { crashLoop: { quietMin: 10 } },
      },
    });

    let clock = Date.UTC(2026, 10, 26, 6, 0, 0);
    const events: AlertChangeEvent[] = [];
    const roundsOf = (h: BotHarness): number => h.logLines.filter((l: LogLine) => l['event'] === 'watch_round').length;
    const boot = async (isWatcher: boolean): Promise<BotHarness> => {
      const h = await startBotHarness(standIn, config, { botToken: BOT_TOKEN, isWatcher, watchNow: () => clock, env: { METRICS_PORT: '0' } });
      cleanups.push(() => h.stop());
      if (h.bot.watcher !== null) {
        h.bot.watcher.onAlertChange((e) => events.push(e));
        // The schedule's first round, at start.
        await standIn.waitFor(() => roundsOf(h) >= 1, 20_000, 'the first watch round');
        await h.bot.alerts!.idle();
      }
      return h;
    };
    const round = async (h: BotHarness): Promise<void> => {
      clock += MIN;
      const report = await h.bot.watcher!.runRound();
      expect(report.failures).toEqual([]);
      await h.bot.alerts!.idle();
    };
    const parents = (): StoredMessage[] => standIn.messages(ALERTS);
    const updatesOf = (ts: string): number => standIn.callsOf('chat.update').filter((c) => c.params['ts'] === ts).length;
    const watchAudit = (h: BotHarness, event: string): LogLine[] =>
      h.auditLines.filter((l) => l['command'] === 'watch-alert' && (l['alert'] as { event: string }).event === event);

    // Rounds 0-7: the cron worker is stuck from the third sample on, HttpApi01 crash-loops at the third status run.
    const a = await boot(true);
    for (let r = 1; r <= 7; r++) await round(a);
    const posts = (): { text: string; blocks?: unknown[] }[] =>
      standIn
        .callsOf('chat.postMessage')
        .filter((call) => call.params['channel'] === ALERTS && call.params['thread_ts'] === undefined)
        .map((call) => call.params as { text: string; blocks?: unknown[] });
    expect(posts().map((m) => m.text)).toEqual([
      `Warning: pid ${cron} (cron_jobs) on web-1 is stuck in clock_nanosleep for 2 min`,
      expect.stringMatching(/^Critical: HttpApi01 on web-1 is crash-looping: 3 abnormal exits in \d+ min$/),
    ]);
    const [stuck, crash] = parents() as [StoredMessage, StoredMessage];
    // GET /metrics of the watching replica reads its own watcher (made after the metrics registry).
    const scraped = await (await fetch(`http://127.0.0.1:${a.bot.metricsAddress()!.port}/metrics`)).text();
    expect(scraped).toMatch(/^workerman_ops_watching 1$/m);
    expect(scraped).toMatch(/^workerman_up\{host="web-1"\} 1$/m);
    expect(scraped).toMatch(/^workerman_alerts_open\{host="web-1",kind="stuck",severity="warning"\} 1$/m);
    const stuckKey = `web-1/stuck/${cron}`;
    // The first post carried the buttons: Trace into the trace confirmation (the menu's `host:pid`), Silence 1 h.
    expect(buttonsOf(posts()[0]!).map((b) => [b.action_id, b.value, b.text.text])).toEqual([
      [ACTION_IDS.traceSelect, `web-1:${cron}`, `Trace PID ${cron}`],
      [ACTION_IDS.alertSilence, stuckKey, 'Silence 1 h'],
    ]);
    // The crash loop has no pid to trace: only Silence.
    expect(buttonsOf(crash).map((b) => b.action_id)).toEqual([ACTION_IDS.alertSilence]);
    // Updated in place, throttled: the watcher changed the stuck alert every round (its duration grows),
    // its message was edited less often, and always that same message.
    const stuckChanges = events.filter((e) => e.type === 'updated' && e.alert.key === stuckKey).length;
    expect(stuckChanges).toBeGreaterThanOrEqual(5);
    expect(updatesOf(stuck.ts)).toBeGreaterThanOrEqual(1);
    expect(updatesOf(stuck.ts)).toBeLessThan(stuckChanges);
    expect(standIn.message(ALERTS, stuck.ts)!.text).toMatch(new RegExp(`^Warning: pid ${cron} \\(cron_jobs\\) on web-1 is stuck in clock_nanosleep for [3-7] min$`));
    console.log(`stuck alert: ${stuckChanges} changes in the watcher, ${updatesOf(stuck.ts)} edits of its message`);
    expect(watchAudit(a, 'opened').map((l) => [l['userId'], l['channelId'], l['host'], l['via'], (l['alert'] as { kind: string }).kind])).toEqual([
      ['watch', ALERTS, 'web-1', 'watch', 'stuck'],
      ['watch', ALERTS, 'web-1', 'watch', 'crash-loop'],
    ]);
    expect(watchAudit(a, 'updated').length).toBe(updatesOf(stuck.ts) + updatesOf(crash.ts));

    // Restart in the middle: the state file keeps both alerts with their message ts; the new bot posts
    // neither again. A second replica without WATCH runs no watcher and still answers commands.
    await a.stop();
    const saved = JSON.parse(readFileSync(stateFile, 'utf8')) as { alerts: { key: string; meta: Record<string, string> }[] };
    expect(saved.alerts.map((x) => [x.key, x.meta['ts']])).toEqual([
      [stuckKey, stuck.ts],
      ['web-1/crash-loop/HttpApi01', crash.ts],
    ]);
    const postsBefore = standIn.callsOf('chat.postMessage').length;
    clock += MIN;
    const b = await boot(true);
    const c = await boot(false);
    expect(c.bot.watcher).toBeNull();
    expect(c.logLines).toContainEqual(expect.objectContaining({ event: 'watch_off' }));
    expect(b.logLines).toContainEqual(expect.objectContaining({ event: 'watch_state_loaded', openAlerts: 2 }));
    for (let r = 0; r < 2; r++) await round(b);
    expect(parents()).toHaveLength(2);
    expect(standIn.callsOf('chat.postMessage')).toHaveLength(postsBefore);
    const hostsReply = (await (await sendCommand(c.eventsUrl, { text: 'hosts', responseUrl: responseUrl(), userId: BYSTANDER, channelId: ALERTS })).json()) as { text: string };
    expect(hostsReply.text).toMatch(/configured hosts?: web-1$/);

    // Silence: a bystander is refused (audited), the replica that does not watch says so, the on-call's
    // click on the watcher silences the alert and the thread says who.
    await sendButtonClick(b.eventsUrl, { actionId: ACTION_IDS.alertSilence, value: stuckKey, responseUrl: responseUrl(), channelId: ALERTS, userId: BYSTANDER, messageTs: stuck.ts });
    const refused = await standIn.waitFor(() => standIn.responses.find((r) => String(r.body['text']).includes('silence web-1')));
    expect(String(refused.body['text'])).toContain('`silence web-1` is not allowed: rule "oncall" (access.rules[0]) does not list you');
    await sendButtonClick(c.eventsUrl, { actionId: ACTION_IDS.alertSilence, value: stuckKey, responseUrl: responseUrl(), channelId: ALERTS, userId: ONCALL, messageTs: stuck.ts });
    const elsewhere = await standIn.waitFor(() => standIn.responses.find((r) => String(r.body['text']).includes('does not watch')));
    expect(String(elsewhere.body['text'])).toContain('(alert_not_open)');
    const updatesBeforeSilence = updatesOf(stuck.ts);
    await sendButtonClick(b.eventsUrl, { actionId: ACTION_IDS.alertSilence, value: stuckKey, responseUrl: responseUrl(), channelId: ALERTS, userId: ONCALL, messageTs: stuck.ts });
    const silencedReply = await standIn.waitFor(() => standIn.replies(ALERTS, stuck.ts).find((m) => m.text.includes('silenced this alert')), 10_000, 'the silence reply');
    expect(silencedReply.text).toMatch(new RegExp(`^:mute: <@${ONCALL}> silenced this alert for 1 h \\(until \\d\\d:\\d\\d UTC\\): no updates until then\\.`));
    expect(updatesOf(stuck.ts)).toBe(updatesBeforeSilence + 1);
    const silencedParent = standIn.message(ALERTS, stuck.ts)!;
    expect(JSON.stringify(silencedParent.blocks)).toContain(`Silenced by <@${ONCALL}>`);
    expect(buttonsOf(silencedParent).map((x) => x.action_id)).toEqual([ACTION_IDS.traceSelect]);
    await standIn.waitFor(() => b.auditLines.find((l) => l['command'] === ACTION_IDS.alertSilence && l['userId'] === ONCALL));
    const silenceLines = [...b.auditLines, ...c.auditLines].filter((l) => l['command'] === ACTION_IDS.alertSilence);
    expect(silenceLines.map((l) => [l['userId'], l['outcome'], l['errorCode'], l['rule']])).toEqual(
      expect.arrayContaining([
        [BYSTANDER, 'denied', 'access_denied', '"oncall" (access.rules[0])'],
        [ONCALL, 'error', 'alert_not_open', null],
        [ONCALL, 'ok', null, '"oncall" (access.rules[0])'],
      ]),
    );
    expect(silenceLines.find((l) => l['outcome'] === 'ok')).toMatchObject({ host: 'web-1', via: 'button', alert: { event: 'silenced', kind: 'stuck', subject: String(cron) } });

    // The Trace button leads to the trace confirmation, authorized like the menu.
    await sendButtonClick(b.eventsUrl, { actionId: ACTION_IDS.traceSelect, value: `web-1:${cron}`, responseUrl: responseUrl(), channelId: ALERTS, userId: ONCALL, messageTs: stuck.ts });
    const question = await standIn.waitFor(() => standIn.responses.find((r) => JSON.stringify(r.body).includes(ACTION_IDS.traceConfirm)));
    expect(buttonsOf(question.body as { blocks?: unknown[] }).map((x) => [x.action_id, x.value])).toContainEqual([ACTION_IDS.traceConfirm, JSON.stringify({ h: 'web-1', p: cron, d: 5 })]);

    // While silenced, the stuck alert changes every round and its message stays as it is; the crash loop
    // goes quiet and resolves: a reply in its thread, its parent says resolved.
    const silencedAt = updatesOf(stuck.ts);
    const changesAt = events.filter((e) => e.type === 'updated' && e.alert.key === stuckKey).length;
    for (let r = 0; r < 14 && !events.some((e) => e.type === 'resolved' && e.alert.kind === 'crash-loop'); r++) await round(b);
    expect(events.filter((e) => e.type === 'updated' && e.alert.key === stuckKey).length).toBeGreaterThan(changesAt);
    expect(updatesOf(stuck.ts)).toBe(silencedAt);
    expect(standIn.replies(ALERTS, crash.ts).map((m) => m.text)).toEqual([
      expect.stringMatching(/^:white_check_mark: Resolved at \d\d:\d\d UTC after (\d+ h( \d+ min)?|\d+ (min|s)): no abnormal exit of HttpApi01 for 10 min\.$/),
    ]);
    expect(standIn.message(ALERTS, crash.ts)!.text).toMatch(/^Resolved: HttpApi01 on web-1 is crash-looping/);

    // The stuck process ends: resolved at the next sample, said in its thread even while silenced.
    process.kill(cron, 'SIGKILL');
    await round(b);
    const resolvedReply = standIn.replies(ALERTS, stuck.ts).at(-1)!;
    expect(resolvedReply.text).toMatch(new RegExp(`^:white_check_mark: Resolved at \\d\\d:\\d\\d UTC after \\d+ min: pid ${cron} is gone \\(it exited or was replaced\\)\\.$`));
    expect(standIn.message(ALERTS, stuck.ts)!.text).toMatch(/^Resolved: pid \d+ \(cron_jobs\) on web-1 is stuck/);
    expect(buttonsOf(standIn.message(ALERTS, stuck.ts)!)).toEqual([]);
    expect(watchAudit(b, 'resolved').map((l) => [(l['alert'] as { kind: string }).kind, l['outcome']])).toEqual([
      ['crash-loop', 'ok'],
      ['stuck', 'ok'],
    ]);

    // Never posted twice: two parents in all, across the restart; nothing unescaped or malformed.
    expect(parents()).toHaveLength(2);
    expect(posts()).toHaveLength(2);
    expect(standIn.violations).toEqual([]);
    // The replica without WATCH never sampled.
    expect(c.logLines.filter((l) => l['event'] === 'watch_round')).toEqual([]);
    await b.stop();
    expect(JSON.parse(readFileSync(stateFile, 'utf8')).alerts).toEqual([]);
  }, 180_000);

  it('an alert Slack refused is audited and tried again only later; after a restart with a channel it is posted once', async () => {
    const app = await createFakeApp({ status: ['wm5.2.2-idle'] });
    cleanups.push(() => app.cleanup());
    const wm = await startFakeWorkerman(app.startFile, ['web:idle', 'cron_jobs:sleep']);
    cleanups.push(() => wm.stop());
    const cron = wm.pidsOf('cron_jobs')[0]!;
    const stateFile = join(dir, 'later', 'watch-state.json');
    const configFor = (channel: string): Config =>
      Config.parse({
        hosts: [{ name: 'web-2', ssh: sshd.sshSettings(), workerman: { php: join(FIXTURES, 'bin', 'fake-php'), startFile: app.startFile } }],
        limits: { postIntervalMs: 0 },
        watch: { channel, intervalS: 3600, statusEveryS: 3600, statusMinGapS: 3600, stateFile, hostTimeoutMs: 8_000, alertEditEveryS: 300 },
      });
    let clock = Date.UTC(2026, 10, 27, 9, 0, 0);
    const boot = async (channel: string): Promise<BotHarness> => {
      const h = await startBotHarness(standIn, configFor(channel), { botToken: BOT_TOKEN, isWatcher: true, watchNow: () => clock });
      cleanups.push(() => h.stop());
      await standIn.waitFor(() => h.logLines.some((l) => l['event'] === 'watch_round'), 20_000, 'the first watch round');
      await h.bot.alerts!.idle();
      return h;
    };
    const round = async (h: BotHarness): Promise<void> => {
      clock += MIN;
      await h.bot.watcher!.runRound();
      await h.bot.alerts!.idle();
    };
    const postsTo = (channel: string): number => standIn.callsOf('chat.postMessage').filter((c) => c.params['channel'] === channel).length;

    // The bot is not in the channel: the stuck alert opens at the third sample, Slack refuses it.
    const a = await boot(NOT_MEMBER);
    for (let r = 1; r <= 4; r++) await round(a);
    expect(a.bot.watcher!.openAlerts().map((x) => x.key)).toEqual([`web-2/stuck/${cron}`]);
    // One try (rounds 3 and 4 are within alertEditEveryS of it), said in the log with the hint and audited.
    expect(postsTo(NOT_MEMBER)).toBe(1);
    expect(a.logLines).toContainEqual(expect.objectContaining({ event: 'watch_alert_not_posted', error: 'not_in_channel' }));
    expect(a.auditLines.filter((l) => l['command'] === 'watch-alert')).toEqual([
      expect.objectContaining({ userId: 'watch', channelId: NOT_MEMBER, outcome: 'error', errorCode: 'not_in_channel', alert: { event: 'opened', kind: 'stuck', subject: String(cron) } }),
    ]);
    await a.stop();

    // Restarted with a channel it is in: the open alert, never posted, is posted at start, once.
    clock += MIN;
    const b = await boot(ALERTS_LATER);
    await round(b);
    await round(b);
    expect(standIn.messages(ALERTS_LATER).map((m) => m.text)).toEqual([expect.stringMatching(new RegExp(`^Warning: pid ${cron} \\(cron_jobs\\) on web-2 is stuck`))]);
    expect(postsTo(ALERTS_LATER)).toBe(1);
    expect(postsTo(NOT_MEMBER)).toBe(1);
    // No access section: nobody may trace or silence, so the message offers neither button.
    expect(buttonsOf(standIn.messages(ALERTS_LATER)[0]!)).toEqual([]);
    expect(standIn.violations).toEqual([]);
    await b.stop();
  }, 120_000);
});
