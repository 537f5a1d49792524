import { describe, expect, it } from 'vitest';
import { WatchSettings } from '../../../src/config/watch-settings.js';
import { decideStatusRun } from '../../../src/watch/decide-status-run.js';
import { createSequence } from '../../helpers/watch-sequence.js';

// When the watcher also runs Workerman's status (which signals every worker): at the cadence, or when
// /proc shows something worth a look, never twice within statusMinGapS.
const settings = WatchSettings.parse({ statusEveryS: 600, statusMinGapS: 120 });
const MIN = 60_000;

describe('decideStatusRun()', () => {
  it('runs at the cadence: first round, then every statusEveryS', () => {
    const seq = createSequence('wm5.2.2-busy-sleep');
    const a = seq.proc();
    expect(decideStatusRun({ previous: null, current: a, lastStatusT: null }, settings)).toBe('cadence');
    let prev = a;
    const fired: number[] = [];
    let last = a.t;
    for (let i = 1; i <= 25; i++) {
      const cur = seq.proc();
      const why = decideStatusRun({ previous: prev, current: cur, lastStatusT: last }, settings);
      if (why !== null) {
        fired.push(i);
        last = cur.t;
      }
      prev = cur;
    }
    expect(fired).toEqual([10, 20]);
  });

  it('runs sooner when a worker is stuck in the same call, pinned on a CPU, re-forked, or all its processes are busy', () => {
    const cases: [string, (seq: ReturnType<typeof createSequence>) => void, string][] = [
      ['stuck', (seq) => seq.proc({ blocked: { 19367: { syscall: 'poll', wchan: 'poll_schedule_timeout' } } }), 'stuck'],
      ['pinned', (seq) => seq.proc({ running: { 19368: 0.95 } }), 'cpu-pinned'],
      ['reload', (seq) => seq.reload(), 'new-pid'],
      // both processes of ws-notifications-gateway leave the event loop at once (new calls: not stuck)
      ['saturated', (seq) => seq.proc(), 'saturation'],
    ];
    for (const [name, before, want] of cases) {
      const seq = createSequence('wm5.2.2-busy-sleep');
      const first = seq.proc();
      const lastStatusT = first.t;
      for (let i = 0; i < 2; i++) seq.proc();
      before(seq);
      const prev = seq.samples.at(-1)!;
      const cur = name === 'saturated' ? seq.proc({ blocked: { 19370: { syscall: 'read', wchan: 'wait_woken' }, 19371: { syscall: 'recvfrom', wchan: 'wait_woken' } } }) : seq.proc();
      expect(decideStatusRun({ previous: name === 'reload' ? seq.samples.at(-3)! : prev, current: cur, lastStatusT }, settings), name).toBe(want);
    }
  });

  it('never within statusMinGapS of the last status, and never without a live master', () => {
    const seq = createSequence('wm5.2.2-busy-sleep');
    seq.proc();
    const stuck = { 19367: { syscall: 'poll', wchan: 'poll_schedule_timeout' } };
    const prev = seq.proc({ blocked: stuck });
    const cur = seq.proc({ blocked: stuck });
    expect(decideStatusRun({ previous: prev, current: cur, lastStatusT: cur.t - 1 * MIN }, settings)).toBeNull();
    expect(decideStatusRun({ previous: prev, current: cur, lastStatusT: cur.t - 2 * MIN }, settings)).toBe('stuck');
    seq.killMaster();
    expect(decideStatusRun({ previous: cur, current: seq.proc(), lastStatusT: null }, settings)).toBeNull();
  });
});
