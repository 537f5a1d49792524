import { describe, expect, it } from 'vitest';
import { createHostWindow, restoreHostWindow } from '../../../src/watch/host-window.js';
import { createSequence } from '../../helpers/watch-sequence.js';

const HOUR = 3_600_000;

describe('createHostWindow()', () => {
  it('gives back what was pushed, decoded, including status snapshots and failed samples', () => {
    const seq = createSequence('wm5.2.2-busy-sleep');
    const window = createHostWindow('web-1', { windowMs: 6 * HOUR, maxSamples: 100 });
    seq.proc();
    seq.status({ busy: [19366], exits: [{ worker: 'HttpApi01', status: 9, count: 2 }] });
    seq.proc({ rssMb: { 19367: 20.25 }, blocked: { 19368: { syscall: 'poll', wchan: 'poll_schedule_timeout.constprop.0' } } });
    seq.unreachable();
    for (const s of seq.samples) window.push(s);
    expect(window.view()).toEqual({ host: 'web-1', samples: seq.samples });
    expect(window.latest()).toEqual(seq.samples.at(-1));
  });

  it('keeps only the last windowMs of samples, and at most maxSamples', () => {
    const seq = createSequence('wm5.2.2-busy-sleep');
    const byTime = createHostWindow('web-1', { windowMs: HOUR, maxSamples: 10_000 });
    const byCount = createHostWindow('web-1', { windowMs: 24 * HOUR, maxSamples: 50 });
    for (let i = 0; i < 200; i++) {
      const s = seq.proc();
      byTime.push(s);
      byCount.push(s);
    }
    expect(byTime.length).toBe(61);
    expect(byTime.view().samples[0]!.t).toBe(seq.t - HOUR);
    expect(byCount.length).toBe(50);
    expect(byCount.view().samples).toEqual(seq.samples.slice(-50));
  });

  it('stays correct and bounded through thousands of pushes (row storage reused, not grown)', () => {
    const seq = createSequence('wm5.2.2-busy-sleep');
    const window = createHostWindow('web-1', { windowMs: 6 * HOUR, maxSamples: 360 });
    let maxBytes = 0;
    for (let i = 0; i < 3000; i++) {
      window.push(seq.proc({ rssMb: { 19366: 11 + (i % 100) / 10 } }));
      if (i > 720) maxBytes = Math.max(maxBytes, window.rowBytes());
    }
    expect(window.view().samples).toEqual(seq.samples.slice(-360));
    // 360 samples of 9 rows: 44 bytes a row, 44 a sample, live; the arrays stay within 2x that.
    expect(maxBytes).toBeLessThanOrEqual(2 * (360 * 9 * 44 + 360 * 44));
  });

  it('refuses samples out of time order', () => {
    const seq = createSequence('wm5.2.2-busy-sleep');
    const window = createHostWindow('web-1', { windowMs: HOUR, maxSamples: 10 });
    const a = seq.proc();
    const b = seq.proc();
    window.push(b);
    expect(() => window.push(a)).toThrow(RangeError);
  });
});

describe('restoreHostWindow()', () => {
  it('round-trips through JSON', () => {
    const seq = createSequence('wm5.2.2-busy-sleep');
    const window = createHostWindow('web-1', { windowMs: 6 * HOUR, maxSamples: 100 });
    for (let i = 0; i < 30; i++) {
      window.push(seq.proc({ rssMb: { 19369: 12 + i } }));
      if (i % 10 === 0) seq.status({ connections: { 19369: 3 } });
    }
    window.push(seq.unreachable());
    const json = JSON.parse(JSON.stringify(window.toJSON()));
    const restored = restoreHostWindow(json, { windowMs: 6 * HOUR, maxSamples: 100 });
    expect(restored.view()).toEqual(window.view());
  });

  it('throws on data that does not add up', () => {
    const seq = createSequence('wm5.2.2-busy-sleep');
    const window = createHostWindow('web-1', { windowMs: HOUR, maxSamples: 10 });
    window.push(seq.proc());
    const good = window.toJSON();
    const opts = { windowMs: HOUR, maxSamples: 10 };
    expect(() => restoreHostWindow({ ...good, ints: good.ints.slice(1) }, opts)).toThrow(/row count/);
    expect(() => restoreHostWindow({ ...good, ints: good.ints.map((v, i) => (i === 5 ? 999 : v)) }, opts)).toThrow(/string id/);
    expect(() => restoreHostWindow({ ...good, samples: [['x']] }, opts)).toThrow(TypeError);
  });
});
