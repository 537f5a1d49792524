import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BotError } from '../../../src/errors.js';
import { parseStatus } from '../../../src/workerman/parse-status.js';
import { isConnectionsCapture, loadStatusFixtures } from './status-fixtures.js';

// Output can be cut anywhere (deadline, output cap, a dropped SSH channel). The parser must then give
// the right table (for live output: a complete earlier frame) or a typed error, never a half row.
const CUT_CODES = new Set(['status_unparseable', 'workerman_not_running']);
const ANY_TEXT_CODES = new Set([...CUT_CODES, 'workerman_php_error', 'permission_denied', 'start_file_missing']);

const captures = loadStatusFixtures().filter((f) => !isConnectionsCapture(f));

type Outcome = { ok: string } | { code: string };

function outcome(text: string, allowed: Set<string>): Outcome {
  try {
    return { ok: JSON.stringify(parseStatus(text)) };
  } catch (error) {
    if (!(error instanceof BotError)) throw error;
    expect(allowed, `${error.code}: ${error.message}`).toContain(error.code);
    expect(error.message).not.toMatch(/[\u0000-\u001f]/);
    return { code: error.code };
  }
}

/** Every table a prefix may legitimately show: the one of each complete frame. */
function completeFrameResults(stdout: string): Set<string> {
  const results = new Set<string>();
  for (const m of stdout.matchAll(/^Summary\t.*$/gm)) {
    results.add(JSON.stringify(parseStatus(stdout.slice(0, (m.index as number) + m[0].length))));
  }
  return results;
}

describe('parseStatus() on output cut short', () => {
  it.each(captures.map((f) => [f.base, f] as const))('%s cut every 50 bytes: right table or typed error', (_name, f) => {
    const valid = completeFrameResults(f.stdout);
    const bytes = Buffer.from(f.stdout, 'utf8');
    // No table can be complete before the first `[Summary]` marker has been printed.
    const firstSummaryEnd = bytes.indexOf('[Summary]') + '[Summary]'.length;
    for (let end = 0; end < bytes.length; end += 50) {
      const result = outcome(bytes.subarray(0, end).toString('utf8'), CUT_CODES);
      if ('ok' in result) {
        expect(valid, `cut at byte ${end}`).toContain(result.ok);
        expect(end).toBeGreaterThanOrEqual(firstSummaryEnd);
      }
    }
  });

  it.each(['wm4.1.17-live-load', 'wm5.2.2-busy-upstream', 'wm3.5.35-tty-live', 'wm4.0.47-after-reload-kill9'])(
    '%s cut at every byte: right table or typed error',
    (base) => {
      const f = captures.find((x) => x.base === base);
      if (!f) throw new Error(`fixture ${base} missing`);
      const valid = completeFrameResults(f.stdout);
      const full = JSON.stringify(parseStatus(f.stdout));
      let sawFull = false;
      for (let end = 0; end <= f.stdout.length; end++) {
        const result = outcome(f.stdout.slice(0, end), CUT_CODES);
        if ('ok' in result) {
          expect(valid).toContain(result.ok);
          sawFull ||= result.ok === full;
        }
      }
      expect(sawFull).toBe(true);
    },
  );

  it('parseStatus() refuses a one-shot table without its Summary row, naming the last line', () => {
    const f = captures.find((x) => x.base === 'wm5.2.2-idle');
    const text = (f?.stdout ?? '').replace(/\n[-]+PROCESS STATUS[-]+\nSummary.*\n$/, '\n');
    expect(text).not.toContain('Summary');
    try {
      parseStatus(text);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(BotError);
      expect((error as BotError).code).toBe('status_unparseable');
      expect((error as BotError).message).toMatch(/cut short inside the process table \(last line 21:/);
    }
  });
});

describe('parseStatus() on arbitrary text', () => {
  it('parseStatus() gives a table or a typed error for any string, never another exception', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 400 }), (text) => {
        outcome(text, ANY_TEXT_CODES);
      }),
      { numRuns: 500 },
    );
  });

  it('parseStatus() survives real lines shuffled, dropped and repeated', () => {
    const lines = [...new Set(captures.flatMap((f) => f.stdout.split('\n')))];
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...lines), { maxLength: 60 }), (picked) => {
        const result = outcome(picked.join('\n'), ANY_TEXT_CODES);
        if ('ok' in result) {
          const status = JSON.parse(result.ok) as { processes: { pid: number }[] };
          const pids = status.processes.map((p) => p.pid);
          expect(new Set(pids).size).toBe(pids.length);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('parseStatus() refuses garbage binary and a lone separator', () => {
    expect(outcome('\u0000\u0001\u00ff\ufffd garbage \x1b[2J', ANY_TEXT_CODES)).toEqual({ code: 'status_unparseable' });
    expect(outcome(`${'-'.repeat(46)}GLOBAL STATUS${'-'.repeat(52)}\n`, ANY_TEXT_CODES)).toEqual({ code: 'status_unparseable' });
  });
});
