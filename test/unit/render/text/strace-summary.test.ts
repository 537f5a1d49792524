import { describe, expect, it } from 'vitest';
import { renderStraceText } from '../../../../src/render/text/strace-summary.js';
import { createStraceSummarizer, summarizeStrace } from '../../../../src/strace/summarize.js';
import type { StraceSummary } from '../../../../src/strace/types.js';
import { linesOf, loadStraceFixtures } from '../../strace/fixture-helpers.js';

const fixtures = new Map(loadStraceFixtures().map((f) => [f.name, f]));

function summarize(name: string): { summary: StraceSummary; samples: string[] } {
  const f = fixtures.get(name);
  if (f === undefined) throw new Error(`fixture ${name} missing`);
  const s = createStraceSummarizer({ host: 'web-1', durationMs: (f.meta.time_box_s ?? 3) * 1000 });
  for (const line of linesOf(f.text)) s.push(line);
  return { summary: s.finish(), samples: s.details().unparsedSamples };
}

describe('renderStraceText()', () => {
  for (const name of ['wm5.2.2-blocked-upstream-f-tt-T-yy', 'wm4.1.17-load-f-tt-T-yy', 'wm5.2.2-master-respawn-f-tt-T-yy', 'wm5.2.2-blocked-sleep-attached-late-f-tt-T-yy']) {
    it(`renderStraceText() renders ${name} verdict first, then the tables`, async () => {
      const { summary, samples } = summarize(name);
      const text = renderStraceText(summary, { color: false, unparsedSamples: samples });
      expect(text.startsWith(`${summary.verdict.state.toUpperCase()}: ${summary.verdict.text}\n`)).toBe(true);
      await expect(text).toMatchFileSnapshot(`__snapshots__/${name}.txt`);
    });
  }

  it('renderStraceText() says a file\'s duration is only its timestamps\' span and a wait it bounds is ≥', async () => {
    const f = fixtures.get('wm5.2.2-master-respawn-f-tt-T-yy');
    const file = await summarizeStrace(linesOf(f?.text ?? ''));
    const text = renderStraceText(file, { color: false });
    expect(text).toContain('pids 21131, 22098 | timestamps span 2.0 s | 88 syscalls');
    // The child's epoll_wait began at 04:44:58.965720; the file's last timestamp is 0.94 s later, its end unknown.
    expect(text).toMatch(/^22098 {2}epoll_wait {3}2 {6}≥ 944 {2}epoll$/m);
    const live = renderStraceText(summarize('wm5.2.2-master-respawn-f-tt-T-yy').summary, { color: false });
    expect(live).toContain('| traced 3.0 s |');
    expect(live).not.toContain('≥');
  });

  it('renderStraceText() ranks the top syscalls like strace -c: by time with % time, by count without times', async () => {
    const timed = renderStraceText(summarize('wm5.2.2-blocked-upstream-f-tt-T-yy').summary, { color: false });
    expect(timed).toMatch(/Top syscalls \(by time\)\nSYSCALL +CALLS +ERRORS +% TIME +TOTAL MS +MAX MS\nepoll_wait +1 +99\.91 +784 +784\nfcntl +3 +0\.04 /);
    const untimed = renderStraceText(summarize('wm5.2.2-blocked-upstream-plain').summary, { color: false });
    expect(untimed).toMatch(/Top syscalls \(by count\)\nSYSCALL +CALLS +ERRORS +% TIME +TOTAL MS +MAX MS\nfcntl +3 +- +- +-\n/);
  });

  it('renderStraceText() shows the unparsed samples, then how many more there are and how to see them', () => {
    const { summary } = summarize('wm5.2.2-idle-f-tt-T-yy');
    const text = renderStraceText({ ...summary, unparsedLines: 7 }, { color: false, unparsedSamples: ['one', 'two'], moreUnparsedHint: '--show-unparsed lists them all' });
    expect(text.endsWith('7 line(s) not understood\n  one\n  two\n  (5 more not shown: --show-unparsed lists them all)\n')).toBe(true);
    const all = renderStraceText({ ...summary, unparsedLines: 2 }, { color: false, unparsedSamples: ['one', 'two'], moreUnparsedHint: 'x' });
    expect(all).not.toContain('more not shown');
  });

  it('renderStraceText() escapes control characters from the trace and colours only on request', () => {
    const { summary } = summarize('wm5.2.2-blocked-upstream-f-tt-T-yy');
    const evil: StraceSummary = {
      ...summary,
      unparsedLines: 1,
      fds: [{ pid: 1, fd: 3, description: '/tmp/\u001b[2Jx', calls: 1, bytesRead: 0, bytesWritten: 0, timeMs: null }],
    };
    const plain = renderStraceText(evil, { color: false, unparsedSamples: ['bad \u0007 line'] });
    expect(plain).not.toMatch(/\u001b|\u0007/);
    expect(plain).toContain('/tmp/\\x1b[2Jx');
    expect(plain).toContain('bad \\x07 line');
    expect(renderStraceText(evil, { color: true })).toContain('\u001b[31mBLOCKED');
  });
});
