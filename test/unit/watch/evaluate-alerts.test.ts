import { describe, expect, it } from 'vitest';
import { WatchThresholds } from '../../../src/config/watch-settings.js';
import { evaluateAlerts } from '../../../src/watch/evaluate-alerts.js';
import { createHostWindow } from '../../../src/watch/host-window.js';
import type { Alert, AlertChanges, WatchSample } from '../../../src/watch/types.js';
import { createSequence, type ProcEdits, type Sequence, type StatusEdits } from '../../helpers/watch-sequence.js';

// The alert engine on recorded sequences: the wm5.2.2-busy-sleep capture (4 HttpApi01 processes
// 19366-19369, 2 websocket, TextCmd2, cron_jobs) with its memory, busy, exit and request columns
// changed step by step, and /proc samples of the same processes, one a minute.

const CAPTURE = 'wm5.2.2-busy-sleep';
const HTTP = [19366, 19367, 19368, 19369];

interface Event {
  type: 'opened' | 'updated' | 'resolved';
  alert: Alert;
  step: number;
}

/** The real window and engine, fed one sample at a time, with every change recorded. */
function createEngine(seq: Sequence, over: Record<string, unknown> = {}) {
  const thresholds = WatchThresholds.parse(over);
  const window = createHostWindow('web-1', { windowMs: 6 * 3_600_000, maxSamples: 1000 });
  let open: Alert[] = [];
  const events: Event[] = [];
  let step = 0;
  const feed = (sample: WatchSample): AlertChanges => {
    window.push(sample);
    const changes = evaluateAlerts(window.view(), open, sample.t, thresholds);
    open = changes.open;
    step += 1;
    for (const type of ['opened', 'updated', 'resolved'] as const) for (const alert of changes[type]) events.push({ type, alert, step });
    return changes;
  };
  return {
    events,
    open: () => open,
    /** One /proc sample (and a status one when `status` is given). */
    tick(proc: ProcEdits = {}, status?: StatusEdits): AlertChanges {
      const sample = seq.proc(proc);
      if (status !== undefined) seq.status(status);
      return feed(sample);
    },
    feed,
    kinds: (type: Event['type']) => events.filter((e) => e.type === type).map((e) => `${e.alert.kind}:${e.alert.subject}`),
  };
}

/** A deterministic wiggle of about ±`kb` KB (RSS moves by pages at rest). */
function jitter(i: number, kb: number): number {
  return (((i * 7919) % 13) - 6) / 6 * (kb / 1024);
}

describe('evaluateAlerts(): memory growth', () => {
  it('opens on a steady climb only once 30 min of samples show it, with MiB/h, evidence and the time to memory_limit', () => {
    const seq = createSequence(CAPTURE);
    const engine = createEngine(seq, { memoryGrowth: { memoryLimitMb: 128 } });
    const pid = HTTP[0]!;
    let openedAt = -1;
    for (let i = 0; i <= 45; i++) {
      // +6 MB/h (0.1 MB a minute) with page-sized noise; the status sample every 10 min shows the heap too
      const rss = 11.6 + 0.1 * i + jitter(i, 40);
      const changes = engine.tick({ rssMb: { [pid]: rss } }, i % 10 === 0 ? { memoryMb: { [pid]: 1.2 + 0.1 * i } } : undefined);
      if (changes.opened.length > 0 && openedAt < 0) openedAt = i;
    }
    expect(openedAt).toBe(30);
    const opened = engine.events.filter((e) => e.type === 'opened');
    expect(opened).toHaveLength(1);
    const alert = opened[0]!.alert;
    expect(alert).toMatchObject({ key: 'web-1/memory-growth/HttpApi01', kind: 'memory-growth', subject: 'HttpApi01', state: 'open', pids: [pid] });
    expect(alert.metrics.mbPerHour).toBeGreaterThan(5);
    expect(alert.metrics.mbPerHour).toBeLessThan(7);
    expect(alert.title).toMatch(/^HttpApi01 on web-1: memory grows 6\.\d MiB\/h$/);
    expect(alert.evidence[0]).toMatch(/^pid 19366: RSS 11\.\d MiB → 14\.\d MiB in 30 min, \+6\.\d MiB\/h \(Theil–Sen over 31 samples, \d+% of the changes up\)$/);
    expect(alert.evidence.some((l) => /^PHP heap of pid 19366 \(status memory\): 1\.2 MiB → 4\.2 MiB over 4 status samples$/.test(l))).toBe(true);
    // memory_limit 128 MB, heap 4.2 MB growing ~6 MB/h (its own trend: 4 points over 30 min) → about 20 h
    expect(alert.evidence.at(-1)).toMatch(/^memory_limit 128 MiB reached in about (19|20|21) h \d+ min at this rate \(PHP heap 4\.2 MiB now\)$/);
    expect(alert.nextStep).toContain('/workerman trace web-1 19366');
    expect(engine.kinds('resolved')).toEqual([]);
  });

  it('a spike is not a leak: one jump that stays, or one that comes back, opens nothing', () => {
    for (const comesBack of [false, true]) {
      const seq = createSequence(CAPTURE);
      const engine = createEngine(seq);
      for (let i = 0; i <= 90; i++) {
        const spiked = i >= 20 && (!comesBack || i < 25);
        engine.tick({ rssMb: { [HTTP[1]!]: 11.4 + jitter(i, 40) + (spiked ? 40 : 0) } });
      }
      expect(engine.events, `comesBack=${comesBack}`).toEqual([]);
    }
  });

  it('a flat series with noise opens nothing', () => {
    const seq = createSequence(CAPTURE);
    const engine = createEngine(seq);
    for (let i = 0; i <= 120; i++) engine.tick({ rssMb: Object.fromEntries(HTTP.map((p, k) => [p, 11.5 + jitter(i + k, 200)])) });
    expect(engine.events).toEqual([]);
  });

  it('sawtooth: a reload resets memory (new pids), the alert stays open until the new processes prove flat, then resolves once', () => {
    const seq = createSequence(CAPTURE);
    const engine = createEngine(seq);
    const pid = HTTP[2]!;
    for (let i = 0; i <= 40; i++) engine.tick({ rssMb: { [pid]: 11.5 + 0.2 * i } });
    expect(engine.kinds('opened')).toEqual(['memory-growth:HttpApi01']);
    const renamed = seq.reload();
    // Right after the reload: memory back to 11.5 MB under new pids. Not a "drop", not resolved.
    const after = engine.tick();
    expect(after.resolved).toEqual([]);
    expect(after.updated[0]!.evidence.at(-1)).toMatch(/^Processes replaced \(a reload or restart\): memory is back down/);
    // The new processes stay flat for 30 min: only then is it over, once.
    for (let i = 0; i < 30; i++) engine.tick({ rssMb: { [renamed[pid]!]: 11.5 + jitter(i, 30) } });
    expect(engine.kinds('resolved')).toEqual(['memory-growth:HttpApi01']);
    expect(engine.events.find((e) => e.type === 'resolved')!.alert.resolution).toMatch(/memory is flat again/);
    expect(engine.kinds('opened')).toEqual(['memory-growth:HttpApi01']);
  });

  it('sawtooth: when the new processes leak again the same alert is updated, never opened twice', () => {
    const seq = createSequence(CAPTURE);
    const engine = createEngine(seq);
    const pid = HTTP[2]!;
    for (let i = 0; i <= 40; i++) engine.tick({ rssMb: { [pid]: 11.5 + 0.2 * i } });
    const renamed = seq.reload();
    for (let i = 0; i <= 40; i++) engine.tick({ rssMb: { [renamed[pid]!]: 11.5 + 0.2 * i } });
    expect(engine.kinds('opened')).toEqual(['memory-growth:HttpApi01']);
    expect(engine.kinds('resolved')).toEqual([]);
    expect(engine.open()[0]!.pids).toEqual([renamed[pid]]);
  });

  it('does not flap at the threshold: opens above 2 MB/h, stays open between 1 and 2, resolves below 1, once each', () => {
    const seq = createSequence(CAPTURE);
    const engine = createEngine(seq, { memoryGrowth: { fitMin: 30 } });
    const pid = HTTP[0]!;
    let rss = 11.5;
    // 2.4 MB/h for 40 min, then 1.5 MB/h (between the levels) for 60 min, then 2.1 / 1.9 alternating
    // every 10 min, then flat.
    const rates = [...Array(40).fill(2.4), ...Array(60).fill(1.5), ...Array(60).fill(0).map((_, i) => (Math.floor(i / 10) % 2 === 0 ? 2.1 : 1.9)), ...Array(60).fill(0)];
    for (const rate of rates) {
      rss += rate / 60;
      engine.tick({ rssMb: { [pid]: rss } });
    }
    expect(engine.kinds('opened')).toEqual(['memory-growth:HttpApi01']);
    expect(engine.kinds('resolved')).toEqual(['memory-growth:HttpApi01']);
    const resolvedAt = engine.events.find((e) => e.type === 'resolved')!.step;
    expect(resolvedAt).toBeGreaterThan(160);
  });
});

describe('evaluateAlerts(): stuck', () => {
  it('briefly busy is not stuck: [busy] in one status sample, or blocked in two /proc samples, opens nothing', () => {
    const seq = createSequence(CAPTURE);
    const engine = createEngine(seq);
    const pid = HTTP[0]!;
    engine.tick({}, {});
    engine.tick({}, { busy: [pid] });
    engine.tick({ idle: [pid] }, { busy: [] });
    const poll = { syscall: 'poll', wchan: 'poll_schedule_timeout.constprop.0' };
    engine.tick({ blocked: { [pid]: poll } });
    engine.tick({ blocked: { [pid]: poll } });
    engine.tick({ idle: [pid] });
    engine.tick();
    expect(engine.events).toEqual([]);
  });

  it('opens on the same blocking call with no CPU progress in 3 /proc samples, with the call and the trace command', () => {
    const seq = createSequence(CAPTURE);
    const engine = createEngine(seq);
    const pid = HTTP[1]!;
    engine.tick();
    const poll = { syscall: 'poll', wchan: 'poll_schedule_timeout.constprop.0' };
    engine.tick({ blocked: { [pid]: poll } });
    engine.tick({ blocked: { [pid]: poll } });
    const third = engine.tick({ blocked: { [pid]: poll } });
    expect(third.opened).toHaveLength(1);
    const alert = third.opened[0]!;
    expect(alert).toMatchObject({ key: `web-1/stuck/${pid}`, pids: [pid], severity: 'warning' });
    expect(alert.title).toBe(`pid ${pid} (HttpApi01) on web-1 is stuck in poll for 2 min`);
    expect(alert.evidence[0]).toMatch(/^\/proc: in poll \(poll_schedule_timeout\) with no CPU progress for 2 min \(3 samples, CPU time \d+ ticks unchanged\)$/);
    expect(alert.nextStep).toContain(`/workerman trace web-1 ${pid}`);
    // Still stuck: updated (the duration grows), never opened again.
    engine.tick({ blocked: { [pid]: poll } });
    expect(engine.kinds('opened')).toEqual([`stuck:${pid}`]);
    expect(engine.events.at(-1)!.type).toBe('updated');
    // Back in the event loop: resolved after clearSamples (3) clean samples, not before.
    engine.tick({ idle: [pid] });
    engine.tick();
    expect(engine.kinds('resolved')).toEqual([]);
    engine.tick();
    expect(engine.kinds('resolved')).toEqual([`stuck:${pid}`]);
    expect(engine.events.at(-1)!.alert.resolution).toBe(`pid ${pid} is moving again (its CPU time grows or it left the call)`);
  });

  it('opens on [busy] in two status samples in a row; a pid that goes away resolves at once', () => {
    const seq = createSequence(CAPTURE);
    const engine = createEngine(seq);
    const pid = HTTP[3]!;
    engine.tick({}, { busy: [pid] });
    const second = engine.tick({ running: { [pid]: 1 } }, { busy: [pid] });
    expect(second.opened.map((a) => a.key)).toEqual([`web-1/stuck/${pid}`]);
    expect(second.opened[0]!.evidence).toContain('status: [busy] (did not answer within 1 s) in the last 2 status samples, over 60 s');
    seq.reload();
    const gone = engine.tick();
    expect(gone.resolved.map((a) => a.resolution)).toEqual([`pid ${pid} is gone (it exited or was replaced)`]);
  });

  it('does not flap: a pid alternating between stuck and moving stays one open alert', () => {
    const seq = createSequence(CAPTURE);
    const engine = createEngine(seq);
    const pid = HTTP[0]!;
    const sleep = { syscall: 'clock_nanosleep', wchan: 'hrtimer_nanosleep' };
    for (let i = 0; i < 3; i++) engine.tick({ blocked: { [pid]: sleep } });
    for (let round = 0; round < 5; round++) {
      engine.tick({ idle: [pid] });
      engine.tick({ blocked: { [pid]: sleep } });
      engine.tick({ blocked: { [pid]: sleep } });
    }
    expect(engine.kinds('opened')).toEqual([`stuck:${pid}`]);
    expect(engine.kinds('resolved')).toEqual([]);
  });
});

describe('evaluateAlerts(): saturation', () => {
  it('opens when every HttpApi01 process is busy in 3 samples in a row, not 2', () => {
    const seq = createSequence(CAPTURE);
    const engine = createEngine(seq);
    const all = Object.fromEntries(HTTP.map((p) => [p, 1]));
    engine.tick();
    engine.tick({ running: all });
    engine.tick();
    expect(engine.events).toEqual([]);
    engine.tick({ idle: HTTP });
    engine.tick({ running: all });
    const third = engine.tick();
    expect(third.opened.map((a) => a.key)).toEqual([]);
    const opened = engine.tick().opened;
    expect(opened.map((a) => a.key)).toEqual(['web-1/saturation/HttpApi01']);
    expect(opened[0]).toMatchObject({ severity: 'critical', pids: HTTP });
    expect(opened[0]!.title).toBe('HttpApi01 on web-1 is saturated: all 4 processes busy');
    expect(opened[0]!.nextStep).toContain('/workerman trace web-1 HttpApi01');
  });

  it('opens on a status sample where all processes of a worker are [busy]', () => {
    const seq = createSequence(CAPTURE);
    const engine = createEngine(seq);
    engine.tick({}, {});
    expect(engine.tick({}, { busy: HTTP }).opened.map((a) => a.kind)).toContain('saturation');
  });
});

describe('evaluateAlerts(): crash loop', () => {
  const status9 = (count: number) => ({ exits: [{ worker: 'HttpApi01', status: 9, count }] });

  it('one restart is no crash loop; three abnormal exits within 30 min are, with what the status means', () => {
    const seq = createSequence(CAPTURE);
    const engine = createEngine(seq);
    engine.tick({}, status9(0));
    for (let i = 0; i < 9; i++) engine.tick();
    engine.tick({}, status9(1)); // one exit: a restart
    for (let i = 0; i < 30; i++) engine.tick();
    expect(engine.events).toEqual([]);
    engine.tick({}, status9(2));
    engine.tick({}, status9(3));
    expect(engine.events).toEqual([]); // 2 within 30 min
    const third = engine.tick({}, status9(5));
    expect(third.opened).toHaveLength(1);
    const alert = third.opened[0]!;
    expect(alert.key).toBe('web-1/crash-loop/HttpApi01');
    expect(alert.evidence).toContain('exit_status 9: killed by SIGKILL (status 9), +4 (the OOM killer, or someone ran kill -9: check `dmesg | grep -i oom`)');
    expect(alert.title).toBe('HttpApi01 on web-1 is crash-looping: 4 abnormal exits in 2 min');
    // Quiet for 30 min: resolved, once.
    for (let i = 0; i < 31; i++) engine.tick({}, i % 10 === 0 ? status9(5) : undefined);
    expect(engine.kinds('resolved')).toEqual(['crash-loop:HttpApi01']);
    expect(engine.kinds('opened')).toEqual(['crash-loop:HttpApi01']);
  });

  it('quiet for quietMin clears it even while the burst is still within windowMin, and it does not reopen', () => {
    const seq = createSequence(CAPTURE);
    const engine = createEngine(seq, { crashLoop: { quietMin: 10 } });
    engine.tick({}, status9(0));
    engine.tick({}, status9(3));
    expect(engine.kinds('opened')).toEqual(['crash-loop:HttpApi01']);
    for (let i = 0; i < 25; i++) engine.tick({}, i % 2 === 0 ? status9(3) : undefined);
    expect(engine.kinds('resolved')).toEqual(['crash-loop:HttpApi01']);
    // the burst at minute 1; the first status sample 10+ min later is minute 12 (step 13)
    expect(engine.events.find((e) => e.type === 'resolved')!.step).toBe(13);
    expect(engine.kinds('opened')).toEqual(['crash-loop:HttpApi01']);
  });

  it('exits with status 0 (reloads) never count, and a new master starts the counts afresh', () => {
    const seq = createSequence(CAPTURE);
    const engine = createEngine(seq);
    engine.tick({}, { exits: [{ worker: 'HttpApi01', status: 0, count: 0 }] });
    for (let i = 1; i <= 4; i++) engine.tick({}, { exits: [{ worker: 'HttpApi01', status: 0, count: 4 * i }] });
    // A restarted master shows old-looking totals: history, not a rise.
    engine.tick({}, { startTime: '2026-11-26 06:10:00', exits: [{ worker: 'HttpApi01', status: 255 * 256, count: 7 }] });
    expect(engine.events).toEqual([]);
  });
});

describe('evaluateAlerts(): stall', () => {
  it('opens when total_request stays flat for 10 min with a connection open; a websocket with idle clients is fine', () => {
    const seq = createSequence(CAPTURE);
    const engine = createEngine(seq);
    const totals = { 19366: 1, 19367: 268, 19368: 829, 19369: 908, 19371: 3 };
    const flat = { totalRequest: totals, connections: { 19369: 1, 19371: 1 } };
    engine.tick({}, flat);
    for (let i = 0; i < 9; i++) engine.tick();
    const changes = engine.tick({}, flat);
    expect(changes.opened.map((a) => a.key)).toEqual(['web-1/stall/HttpApi01']);
    expect(changes.opened[0]!.title).toBe('HttpApi01 on web-1 serves nothing: total_request flat for 10 min with 1 connection open');
    // Requests move again in two status intervals: resolved.
    engine.tick({}, { ...flat, totalRequest: { ...totals, 19369: 950 } });
    expect(engine.kinds('resolved')).toEqual([]);
    engine.tick({}, { ...flat, totalRequest: { ...totals, 19369: 990 } });
    expect(engine.kinds('resolved')).toEqual(['stall:HttpApi01']);
    expect(engine.events.at(-1)!.alert.resolution).toBe('HttpApi01 serves requests again');
    expect(engine.kinds('opened')).toEqual(['stall:HttpApi01']);
  });
});

describe('evaluateAlerts(): host and app state', () => {
  it('unreachable opens after 2 samples in a row, not 1, and keeps app alerts as they are meanwhile', () => {
    const seq = createSequence(CAPTURE);
    const engine = createEngine(seq);
    const sleep = { syscall: 'clock_nanosleep', wchan: 'hrtimer_nanosleep' };
    for (let i = 0; i < 3; i++) engine.tick({ blocked: { [HTTP[0]!]: sleep } });
    expect(engine.kinds('opened')).toEqual([`stuck:${HTTP[0]}`]);
    engine.feed(seq.unreachable());
    engine.tick({ blocked: { [HTTP[0]!]: sleep } });
    engine.feed(seq.unreachable());
    expect(engine.kinds('opened')).toEqual([`stuck:${HTTP[0]}`]);
    const second = engine.feed(seq.unreachable());
    expect(second.opened.map((a) => a.key)).toEqual(['web-1/host-unreachable/host']);
    expect(second.opened[0]!.evidence).toEqual(['last error: connect ECONNREFUSED (ssh_connect_failed)']);
    expect(second.resolved).toEqual([]);
    engine.tick({ blocked: { [HTTP[0]!]: sleep } });
    expect(engine.kinds('resolved')).toEqual([]);
    engine.tick({ blocked: { [HTTP[0]!]: sleep } });
    expect(engine.kinds('resolved')).toEqual(['host-unreachable:host']);
  });

  it('master down with workers left, then orphans beside a new master, then the app stopped', () => {
    const seq = createSequence(CAPTURE);
    const engine = createEngine(seq);
    engine.tick();
    seq.killMaster();
    engine.tick();
    const down = engine.tick();
    expect(down.opened.map((a) => a.key)).toEqual(['web-1/master-down//srv/wm/apps/v5.2.2/start.php']);
    expect(down.opened[0]!.nextStep).toContain('kill -INT 19366 19367');
    expect(down.opened[0]!.evidence[1]).toBe('workers without a master: pids 19366, 19367, 19368, 19369, 19370, 19371, 19372, 19373; nothing respawns, reloads or stops them');
    // Someone starts the app again; the old workers are still there.
    seq.startNewMaster();
    engine.tick();
    const orphaned = engine.tick();
    expect(orphaned.opened.map((a) => a.kind)).toEqual(['orphaned-workers']);
    expect(orphaned.opened[0]!.pids).toEqual([19366, 19367, 19368, 19369, 19370, 19371, 19372, 19373]);
    expect(orphaned.resolved.map((a) => a.kind)).toEqual(['master-down']);
    seq.stopApp();
    engine.tick();
    const stopped = engine.tick();
    expect(stopped.opened.map((a) => a.kind)).toEqual(['app-not-running']);
    expect(stopped.opened[0]!.title).toBe('The Workerman app /srv/wm/apps/v5.2.2/start.php on web-1 is not running');
    expect(stopped.resolved.map((a) => a.kind)).toEqual(['orphaned-workers']);
  });

  it('evaluating the same window twice changes nothing', () => {
    const seq = createSequence(CAPTURE);
    const thresholds = WatchThresholds.parse({});
    const window = createHostWindow('web-1', { windowMs: 6 * 3_600_000, maxSamples: 1000 });
    const poll = { syscall: 'poll', wchan: 'poll_schedule_timeout' };
    for (let i = 0; i < 4; i++) window.push(seq.proc({ blocked: { [HTTP[0]!]: poll } }));
    const first = evaluateAlerts(window.view(), [], seq.t, thresholds);
    expect(first.opened).toHaveLength(1);
    const again = evaluateAlerts(window.view(), first.open, seq.t, thresholds);
    expect(again).toMatchObject({ opened: [], updated: [], resolved: [] });
    expect(again.open).toEqual(first.open);
  });
});
