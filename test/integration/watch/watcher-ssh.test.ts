import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HostConfig } from '../../../src/config/host-config.js';
import { WatchSettings } from '../../../src/config/watch-settings.js';
import { createTransports, type TransportPool } from '../../../src/transport/pool.js';
import { createWatcher } from '../../../src/watch/create-watcher.js';
import type { AlertChangeEvent, Watcher, WatchLogger } from '../../../src/watch/watcher.js';
import { startFakeWorkerman, type FakeWorkerman } from '../../helpers/fake-workerman.js';
import { FIXTURES, STATUS_FIXTURES } from '../../helpers/paths.js';
import { sshdUnavailableReason, startSshd, type SshdHandle } from '../../helpers/sshd.js';
import { createFakeApp, type FakeApp } from '../../helpers/workerman-app.js';
import { editStatusText } from '../../helpers/watch-sequence.js';

// The watcher end to end: real loopback sshd, the host helper's /proc sample of real processes titled
// like Workerman's (fake-workerman), Workerman's status replayed by fake-php from captures that change
// between samples. Rounds are driven one by one with a bot clock that moves a minute a round, so the
// thresholds in minutes apply as in production while the test takes seconds.

const MIN = 60_000;
const SIGNALLING_PHP = join(FIXTURES, 'bin', 'fake-php-signals');

function settings(stateFile: string, over: Record<string, unknown> = {}): WatchSettings {
  return WatchSettings.parse({ intervalS: 60, statusEveryS: 120, statusMinGapS: 120, stateFile, hostTimeoutMs: 8_000, thresholds: { crashLoop: { quietMin: 10 } }, ...over });
}

function collectingLogger(): WatchLogger & { lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  return { lines, info: (f) => lines.push({ level: 'info', ...f }), warn: (f) => lines.push({ level: 'warn', ...f }) };
}

describe.skipIf(sshdUnavailableReason !== null)('createWatcher() over the real loopback sshd', () => {
  let sshd: SshdHandle;
  let dir: string;
  const cleanups: (() => unknown)[] = [];

  beforeAll(async () => {
    sshd = await startSshd();
    dir = await mkdtemp(join(tmpdir(), 'wmops-watch-'));
  });
  afterAll(async () => {
    for (const c of cleanups.reverse()) await c();
    await sshd?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('/proc samples deliver no signal; the status sample, at its cadence, delivers one per worker', async () => {
    const records = [join(dir, 'rec-a.txt'), join(dir, 'rec-b.txt')];
    const app = await createFakeApp({ status: ['wm5.2.2-idle'] });
    cleanups.push(() => app.cleanup());
    const wm = await startFakeWorkerman(app.startFile, [`rec-a:sleep-record:${records[0]}`, `rec-b:sleep-record:${records[1]}`]);
    cleanups.push(() => wm.stop());
    // fake-php-signals does what Workerman's status does to an app: one signal to each worker.
    const host = HostConfig.parse({ name: 'sig-1', ssh: sshd.sshSettings(), workerman: { php: SIGNALLING_PHP, startFile: app.startFile } });
    const transports = createTransports([host]);
    cleanups.push(() => transports.closeAll());
    let clock = Date.UTC(2026, 10, 26, 6, 0, 0);
    // statusMinGapS = statusEveryS: the two blocked recorders look stuck to /proc, but no earlier status may run.
    const watcher = createWatcher({ settings: settings(join(dir, 'sig.json'), { statusEveryS: 180, statusMinGapS: 180 }), hosts: [host], transports, now: () => clock });
    const signals = (): number[] => records.map((f) => readFileSync(f, 'utf8').split('\n').filter((l) => l !== '').length);
    const statusRuns: number[] = [];
    for (let round = 0; round < 9; round++) {
      const report = await watcher.runRound();
      expect(report.failures).toEqual([]);
      if (report.statusRuns.length > 0) statusRuns.push(round);
      // Every recorder has exactly one signal per status run so far: none from the /proc samples.
      const runs = statusRuns.length;
      // Signals arrive asynchronously: wait for the expected count (a surplus would fail just the same).
      for (let i = 0; i < 60 && signals().join() !== `${runs},${runs}`; i++) await new Promise((r) => setTimeout(r, 50));
      expect(signals(), `after round ${round}`).toEqual([runs, runs]);
      clock += MIN;
    }
    expect(statusRuns).toEqual([0, 3, 6]);
    expect(Number(readFileSync(`${app.startFile}.status.count`, 'utf8'))).toBe(3);
    expect(readFileSync(records[0]!, 'utf8')).toBe('USR2\nUSR2\nUSR2\n');
    await watcher.stop();
  });

  it('alerts open, update and resolve once each; a restart keeps the window and the open alerts', async () => {
    // The status captures the app will print, one per status run (the last repeats): built from
    // wm5.2.2-busy-sleep with the pids of the real processes below and its exit column changing.
    const capDir = join(dir, 'caps');
    const steps = [0, 1, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3];
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
    const { mkdir } = await import('node:fs/promises');
    await mkdir(capDir);
    for (const [k, count] of steps.entries()) {
      // requests keep coming (no stall); HttpApi01 processes killed by SIGKILL: 0, 1, then 3
      const totals = Object.fromEntries(wm.workers.map((w, i) => [w.pid, 1000 * (k + 1) + i]));
      const text = editStatusText(base, { pids, totalRequest: totals, exits: [{ worker: 'HttpApi01', status: 9, count }] });
      await writeFile(join(capDir, `s${k}.out`), text);
      await writeFile(join(capDir, `s${k}.json`), '{"exit_code":0}');
    }
    const host = HostConfig.parse({ name: 'web-1', ssh: sshd.sshSettings(), workerman: { php: join(FIXTURES, 'bin', 'fake-php'), startFile: app.startFile } });
    const stateFile = join(dir, 'state', 'watch-state.json');
    let clock = Date.UTC(2026, 10, 26, 6, 0, 0);
    const events: (AlertChangeEvent & { round: number })[] = [];
    let round = 0;
    const boot = (): { watcher: Watcher; transports: TransportPool; logger: ReturnType<typeof collectingLogger> } => {
      const transports = createTransports([host]);
      const logger = collectingLogger();
      const watcher = createWatcher({ settings: settings(stateFile), hosts: [host], transports, logger, now: () => clock });
      watcher.onAlertChange((e) => events.push({ ...e, round }));
      return { watcher, transports, logger };
    };
    const cron = wm.pidsOf('cron_jobs')[0]!;

    let bot = boot();
    for (; round < 7; round++, clock += MIN) await bot.watcher.runRound();
    const opened = (): string[] => events.filter((e) => e.type === 'opened').map((e) => `${e.alert.kind}:${e.alert.subject}@${e.round}`);
    // cron_jobs sleeps in clock_nanosleep with no CPU progress: stuck from the third /proc sample on.
    // HttpApi01's SIGKILL exits: 1 (a restart, round 2), then 3 (round 4): a crash loop.
    expect(opened()).toEqual([`stuck:${cron}@2`, 'crash-loop:HttpApi01@4']);
    const crash = events.find((e) => e.alert.kind === 'crash-loop')!.alert;
    expect(crash.evidence).toContain('exit_status 9: killed by SIGKILL (status 9), +3 (the OOM killer, or someone ran kill -9: check `dmesg | grep -i oom`)');
    expect(events.some((e) => e.type === 'updated' && e.alert.kind === 'stuck')).toBe(true);
    const before = { open: bot.watcher.openAlerts(), samples: bot.watcher.window('web-1')!.samples.length };
    expect(before.samples).toBe(7);

    // Had the bot crashed here, the file would still hold both alerts: they are saved as they open
    // (the samples only every saveEveryS).
    expect(JSON.parse(readFileSync(stateFile, 'utf8')).alerts.map((a: { key: string }) => a.key)).toEqual(before.open.map((a) => a.key));
    // Restart: a new watcher and new connections over the same state file.
    bot.watcher.setAlertMeta(crash.key, { slackTs: '1700000000.000200' });
    await bot.watcher.stop();
    await bot.transports.closeAll();
    bot = boot();
    await bot.watcher.runRound();
    round++;
    clock += MIN;
    expect(bot.watcher.window('web-1')!.samples.length).toBe(before.samples + 1);
    expect(bot.watcher.openAlerts().map((a) => a.key)).toEqual(before.open.map((a) => a.key));
    expect(bot.watcher.openAlerts().find((a) => a.key === crash.key)!.meta).toEqual({ slackTs: '1700000000.000200' });
    expect(bot.logger.lines).toContainEqual(expect.objectContaining({ event: 'watch_state_loaded', openAlerts: 2 }));

    // The stuck process ends: resolved at the next sample. The crash loop goes quiet: resolved 10 min after the last rise.
    process.kill(cron, 'SIGKILL');
    for (; round < 16; round++, clock += MIN) await bot.watcher.runRound();
    const resolved = events.filter((e) => e.type === 'resolved').map((e) => `${e.alert.kind}:${e.alert.subject}@${e.round}`);
    expect(resolved).toEqual([`stuck:${cron}@8`, 'crash-loop:HttpApi01@14']);
    expect(events.find((e) => e.type === 'resolved' && e.alert.kind === 'stuck')!.alert.resolution).toBe(`pid ${cron} is gone (it exited or was replaced)`);
    // Never opened twice, across the restart too.
    expect(opened()).toEqual([`stuck:${cron}@2`, 'crash-loop:HttpApi01@4']);
    expect(bot.watcher.openAlerts()).toEqual([]);
    await bot.watcher.stop();
    await bot.transports.closeAll();
    expect(JSON.parse(readFileSync(stateFile, 'utf8')).alerts).toEqual([]);
  });

  it('a corrupt state file is set aside with a warning; the watcher starts empty and works', async () => {
    const app = await createFakeApp({ status: ['wm5.2.2-idle'] });
    cleanups.push(() => app.cleanup());
    const stateDir = join(dir, 'corrupt');
    const { mkdir } = await import('node:fs/promises');
    await mkdir(stateDir);
    const stateFile = join(stateDir, 'watch-state.json');
    await writeFile(stateFile, '{"version":1,"savedAt":1,"alerts":[],"windows":[{"host":"web-1","strings":[');
    const host = HostConfig.parse({ name: 'web-1', ssh: sshd.sshSettings(), workerman: { php: join(FIXTURES, 'bin', 'fake-php'), startFile: app.startFile } });
    const transports = createTransports([host]);
    cleanups.push(() => transports.closeAll());
    const logger = collectingLogger();
    const watcher = createWatcher({ settings: settings(stateFile), hosts: [host], transports, logger });
    const report = await watcher.runRound();
    expect(report.sampled).toEqual(['web-1']);
    const warning = logger.lines.find((l) => l.event === 'watch_state_set_aside')!;
    expect(warning.message).toMatch(/is unreadable \(not valid JSON \(cut short or corrupt\)\); set aside as .*watch-state\.json\.corrupt-\d{8}T\d{6}Z; starting with an empty window\./);
    expect(readdirSync(stateDir).sort()).toEqual([expect.stringMatching(/^watch-state\.json$/), expect.stringMatching(/^watch-state\.json\.corrupt-/)].sort());
    // No Workerman runs for this start file: the app-not-running check counts it (opens at the 2nd).
    await watcher.runRound();
    expect(watcher.openAlerts().map((a) => a.kind)).toEqual(['app-not-running']);
    await watcher.stop();
  });

  it('a host whose sample hangs is cut at hostTimeoutMs, then skipped (and logged) while it still runs; the others go on', async () => {
    // A TCP server that accepts and never speaks: the SSH handshake hangs until connectTimeoutMs.
    const sockets: Socket[] = [];
    const silent: Server = createServer((s) => sockets.push(s));
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    cleanups.push(() => {
      for (const s of sockets) s.destroy();
      return new Promise((r) => silent.close(r));
    });
    const port = (silent.address() as { port: number }).port;
    const app = await createFakeApp({ status: ['wm5.2.2-idle'] });
    cleanups.push(() => app.cleanup());
    const good = HostConfig.parse({ name: 'good-1', ssh: sshd.sshSettings(), workerman: { php: join(FIXTURES, 'bin', 'fake-php'), startFile: app.startFile } });
    const hung = HostConfig.parse({ name: 'hung-1', ssh: sshd.sshSettings({ port, connectTimeoutMs: 6_000 }), workerman: { startFile: '/srv/app/start.php' } });
    const transports = createTransports([good, hung]);
    cleanups.push(() => transports.closeAll());
    const logger = collectingLogger();
    const watcher = createWatcher({ settings: settings(join(dir, 'hung.json'), { hostTimeoutMs: 1_500 }), hosts: [good, hung], transports, logger });
    const first = await watcher.runRound();
    expect(first.failures).toEqual([{ host: 'hung-1', code: 'command_timed_out' }]);
    // Cut at hostTimeoutMs (1.5 s), long before the transport's own 6 s connect timeout.
    const cut = watcher.window('hung-1')!.samples[0]!;
    expect(cut.durationMs).toBeGreaterThanOrEqual(1_400);
    expect(cut.durationMs).toBeLessThan(4_000);
    expect(cut.error).toEqual({ code: 'command_timed_out', message: 'hung-1 did not answer the watch sample within 2 s.' });
    const second = await watcher.runRound();
    expect(second.sampled).toEqual(['good-1']);
    expect(second.skipped.map((s) => s.host)).toEqual(['hung-1']);
    expect(logger.lines).toContainEqual(expect.objectContaining({ level: 'warn', event: 'watch_sample_skipped', host: 'hung-1' }));
    expect(String(logger.lines.find((l) => l.event === 'watch_sample_skipped')!.message)).toMatch(/^hung-1: the previous sample is still running after \d+ s; skipped this round$/);
    expect(watcher.window('hung-1')!.samples.map((s) => s.outcome)).toEqual(['unreachable']);
    await watcher.stop();
    expect(existsSync(join(dir, 'hung.json'))).toBe(true);
  });

  it('start() samples every intervalS on its own and stop() saves', async () => {
    const app = await createFakeApp({ status: ['wm5.2.2-idle'] });
    cleanups.push(() => app.cleanup());
    const host = HostConfig.parse({ name: 'web-1', ssh: sshd.sshSettings(), workerman: { php: join(FIXTURES, 'bin', 'fake-php'), startFile: app.startFile } });
    const transports = createTransports([host]);
    cleanups.push(() => transports.closeAll());
    const stateFile = join(dir, 'timer.json');
    const watcher = createWatcher({ settings: settings(stateFile, { intervalS: 1, statusEveryS: 1, statusMinGapS: 1 }), hosts: [host], transports });
    await watcher.start();
    // Nobody calls runRound here: the schedule does (a loaded machine may take a while per round).
    for (let i = 0; i < 300 && watcher.window('web-1')!.samples.length < 2; i++) await new Promise((r) => setTimeout(r, 50));
    await watcher.stop();
    const samples = watcher.window('web-1')!.samples.length;
    expect(samples).toBeGreaterThanOrEqual(2);
    const times = watcher.window('web-1')!.samples.map((s) => s.t);
    expect(times[1]! - times[0]!).toBeGreaterThanOrEqual(900);
    expect(JSON.parse(readFileSync(stateFile, 'utf8')).windows[0].samples).toHaveLength(samples);
  });
});
