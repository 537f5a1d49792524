// Every secret form of test/helpers/secret-rows.ts through every output a summary has: the terminal
// text, `--json`, the Slack parent, its thread replies and its summary file. The strings are put where
// a trace puts host data (fd paths and peers, unfinished calls, the verdict's text, evidence and peer),
// unredacted, so each output must redact on its own way out. (The raw log is redacted line by line as
// it streams; the Slack trace test checks the uploaded file.)
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { redactStraceSummary } from '../../../src/render/redact-strace-summary.js';
import { renderStraceMessage } from '../../../src/render/slack/strace-blocks.js';
import { renderStraceSummaryFile } from '../../../src/render/slack/strace-files.js';
import { renderStraceJson } from '../../../src/render/text/strace-json.js';
import { renderStraceText } from '../../../src/render/text/strace-summary.js';
import { summarizeStrace } from '../../../src/strace/summarize.js';
import type { StraceSummary } from '../../../src/strace/types.js';
import { STRACE_FIXTURES } from '../../helpers/paths.js';
import { PLAIN_ROWS, SECRET_ROWS, payloadOf, straceQuote, type SecretRow } from '../../helpers/secret-rows.js';

const BASE = await summarizeStrace(readFileSync(join(STRACE_FIXTURES, 'wm5.2.2-idle-f-tt-T-yy.txt'), 'utf8').split('\n'), { host: 'web-1', pids: [21135] });

/** How the row shows in a summary string: C-escaped as strace printed it, or as is for plain rows. */
function shownText(r: SecretRow): string {
  return PLAIN_ROWS.includes(r) ? payloadOf(r) : straceQuote(payloadOf(r));
}

/** A summary that carries `text` in every field a trace or /proc fills in, as nothing redacted it yet. */
function summaryWith(text: string): StraceSummary {
  return {
    ...BASE,
    fds: [{ pid: 21135, fd: 7, description: text, calls: 1_000_000, bytesRead: 10, bytesWritten: 10, timeMs: 5000 }, ...BASE.fds],
    unfinished: [{ pid: 21135, syscall: 'read', fd: 7, description: text, waitedMs: 2000, waitedIsLowerBound: false }],
    verdict: {
      ...BASE.verdict,
      state: 'blocked',
      text: `Blocked for 2.0 s in read on fd 7 (${text})`,
      evidence: [`read(7, ${text}) blocked for 2.0 s`, ...BASE.verdict.evidence],
      peer: text,
    },
  };
}

function slackOutput(summary: StraceSummary): string {
  const message = renderStraceMessage(summary, { host: 'web-1', requestedBy: 'U0123ABCD', rawLogBytes: 100, rawLog: { destination: 'thread', state: 'sent' } });
  return JSON.stringify([message.text, message.blocks, message.threadReplies, message.summaryFile ?? null, renderStraceSummaryFile(summary, 'web-1')]);
}

const ROWS = [...SECRET_ROWS, ...PLAIN_ROWS].map((r) => [r.name, r] as const);

describe('every output of a summary redacts what a trace put in it', () => {
  const outputs: [string, (s: StraceSummary) => string][] = [
    ['text', (s) => renderStraceText(s, { color: false, maxRows: 50 })],
    ['--json', (s) => renderStraceJson(s)],
    ['Slack', slackOutput],
  ];
  for (const [output, render] of outputs) {
    it.each(ROWS)(`the ${output} output hides %s`, (_name, r) => {
      const summary = summaryWith(shownText(r));
      const out = render(summary);
      expect(out).not.toContain(r.secret);
      // A cut (Slack's 120-character fd cell) must not leave half a secret either.
      expect(out).not.toContain(r.secret.slice(0, 8));
      expect(out).toContain('[REDACTED]');
    });
  }

  it('the --json output keeps the contract: same keys, the redacted strings in place', () => {
    const r = SECRET_ROWS.find((x) => x.name === 'Redis RESP AUTH pass')!;
    const parsed = JSON.parse(renderStraceJson(summaryWith(shownText(r)))) as StraceSummary;
    expect(Object.keys(parsed)).toEqual(Object.keys(BASE));
    expect(parsed.fds[0]!.description).toBe(straceQuote(r.redacted));
    expect(parsed.unfinished[0]!.description).toBe(straceQuote(r.redacted));
    expect(parsed.verdict.peer).toBe(straceQuote(r.redacted));
  });

  it('fd tables show PHP session files as sess_[REDACTED] in every output', () => {
    const summary = summaryWith('/var/lib/php/sessions/sess_9u2kq0b1r4jd7s');
    for (const [, render] of outputs) {
      const out = render(summary);
      expect(out).toContain('sess_[REDACTED]');
      expect(out).not.toContain('9u2kq0b1r4');
    }
  });

  it('redactStraceSummary() redacts once: a summary it returned is passed through as is', () => {
    const once = redactStraceSummary(summaryWith(shownText(SECRET_ROWS[0]!)));
    expect(redactStraceSummary(once)).toBe(once);
    // And an unredacted summary is copied, never changed in place.
    const raw = summaryWith(shownText(SECRET_ROWS[0]!));
    redactStraceSummary(raw);
    expect(raw.fds[0]!.description).toContain(SECRET_ROWS[0]!.secret);
  });
});
