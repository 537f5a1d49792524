import { describe, expect, it } from 'vitest';
import { renderStraceText } from '../../../../src/render/text/strace-summary.js';
import { createStraceSummarizer } from '../../../../src/strace/summarize.js';
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
