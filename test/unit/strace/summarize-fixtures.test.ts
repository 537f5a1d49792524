import { describe, expect, it } from 'vitest';
import type { VerdictState } from '../../../src/strace/types.js';
import { createStraceSummarizer, summarizeStrace, summarizeStraceChunksWithDetails } from '../../../src/strace/summarize.js';
import { linesOf, loadSeedStrace, loadStraceFixtures, type StraceFixture } from './fixture-helpers.js';

const fixtures = loadStraceFixtures();

/** The fixtures README's "Expected verdicts" table, by scenario (what the file alone supports). */
const EXPECTED: Record<string, VerdictState[]> = {
  idle: ['idle'],
  'idle-timer': ['idle'],
  load: ['active'],
  'blocked-sleep': ['sleeping'],
  'blocked-sleep-attached-late': ['blocked', 'sleeping'],
  'blocked-upstream': ['blocked'],
  'blocked-upstream-attached-late': ['blocked'],
  'cpu-busy': ['silent'],
  'cpu-busy-attached-late': ['silent'],
  'master-status': ['idle'],
  'master-respawn': ['idle', 'active'],
  'exit-kill9': ['exited'],
  'exit-reload': ['exited'],
  'master-stop': ['exited'],
};

/**
 * `strace -c` does not count a call that never finished, and prints no table at all when none did. So an
 * idle worker's `-c` capture is empty and a sleeping worker's shows only the request read: from those
 * files the honest verdict is `silent` (nothing finished), not `idle`/`sleeping`.
 */
const C_TABLE_EXCEPTIONS: Record<string, VerdictState[]> = {
  idle: ['silent'],
  'blocked-sleep': ['silent'],
};

/**
 * An attached-late capture is one line, `restart_syscall(<... resuming interrupted read ...>` unfinished,
 * the same for a worker sleeping and one blocked on an upstream ("read" is strace's leftover at attach).
 * The verdict never says blocked without a call that blocks on something, so from the file alone it says
 * `waiting` (sleeping or blocked, cannot tell which). The README's blocked/sleeping is what a live trace
 * says with /proc evidence of the call, fd and peer: test/unit/strace/verdict-live.test.ts holds that.
 */
const FILE_ALONE_EXCEPTIONS: Record<string, VerdictState[]> = {
  'blocked-sleep-attached-late': ['waiting'],
  'blocked-upstream-attached-late': ['waiting'],
};

function expectedStates(f: StraceFixture): VerdictState[] {
  if (f.meta.scenario.startsWith('err-')) return ['not-traced'];
  if (FILE_ALONE_EXCEPTIONS[f.meta.scenario] !== undefined) return FILE_ALONE_EXCEPTIONS[f.meta.scenario] as VerdictState[];
  if (f.meta.flagset === 'c-f' && C_TABLE_EXCEPTIONS[f.meta.scenario] !== undefined) return C_TABLE_EXCEPTIONS[f.meta.scenario] as VerdictState[];
  const states = EXPECTED[f.meta.scenario];
  if (states === undefined) throw new Error(`no expected verdict for scenario ${f.meta.scenario}`);
  return states;
}

function summarizeFixture(f: StraceFixture, withDuration = true) {
  const s = createStraceSummarizer({ durationMs: withDuration && f.meta.time_box_s !== undefined ? f.meta.time_box_s * 1000 : null });
  for (const line of linesOf(f.text)) s.push(line);
  return { summary: s.finish(), details: s.details() };
}

function countsOf(summary: { syscalls: { name: string; count: number }[] }): Record<string, number> {
  return Object.fromEntries(summary.syscalls.map((s) => [s.name, s.count]).sort(([a], [b]) => String(a).localeCompare(String(b))));
}

function sorted(o: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(o).sort(([a], [b]) => a.localeCompare(b)));
}

/** Signal lines counted the way the fixtures' count_method counts syscalls: a grep over the file. */
function grepSignals(text: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const m of text.matchAll(/^(?:\[pid +\d+\] )?(?:[\d:.]+ )?--- (SIG[A-Z0-9]+)/gm)) out[m[1] as string] = (out[m[1] as string] ?? 0) + 1;
  return out;
}

describe('summarizeStrace() on every strace fixture', () => {
  it('finds the fixtures', () => {
    expect(fixtures.length).toBeGreaterThan(100);
  });

  for (const f of fixtures) {
    describe(f.name, () => {
      const { summary, details } = summarizeFixture(f);

      if (f.meta.syscall_counts !== null && f.meta.syscall_counts_exact) {
        it('counts every syscall exactly as the ground truth', () => {
          expect(countsOf(summary)).toEqual(sorted(f.meta.syscall_counts as Record<string, number>));
          expect(summary.syscallCount).toBe(Object.values(f.meta.syscall_counts as Record<string, number>).reduce((a, b) => a + b, 0));
          expect(details.countSource).toBe(summary.syscallCount > 0 ? 'trace' : 'none');
        });
      }
      const byPid = f.meta.syscall_counts_by_pid;
      if (byPid != null && Object.keys(byPid).length > 0 && f.meta.syscall_counts_exact) {
        it('counts syscalls per [pid N] prefix exactly', () => {
          const expected = Object.fromEntries(Object.entries(byPid).map(([k, v]) => [k, sorted(v)]));
          expect(details.countsByPrefix).toEqual(expected);
        });
      }
      if (f.meta.flagset === 'c-f') {
        it('reads the -c table (total row = sum of rows) or reports no calls without one', () => {
          const total = /^\s*100\.00\s+\S+\s+\S+\s+(\d+)\s+(\d+)?\s*total$/m.exec(f.text);
          if (total === null) {
            expect(summary.syscallCount).toBe(0);
            expect(details.countSource).toBe('none');
          } else {
            expect(details.countSource).toBe('table');
            expect(summary.syscallCount).toBe(Number(total[1]));
            expect(summary.syscalls.reduce((a, s) => a + s.errors, 0)).toBe(Number(total[2] ?? 0));
            expect(summary.syscalls.every((s) => s.maxTimeMs === null && s.totalTimeMs !== null)).toBe(true);
          }
        });
      }

      it(`gives the expected verdict (${expectedStates(f).join(' or ')})`, () => {
        expect(expectedStates(f)).toContain(summary.verdict.state);
        expect(summary.verdict.text.length).toBeGreaterThan(10);
        expect(summary.verdict.evidence.length).toBeGreaterThan(0);
        // The same from the file alone, without knowing the time box.
        expect(expectedStates(f)).toContain(summarizeFixture(f, false).summary.verdict.state);
      });

      it('reads every line (nothing unparsed)', () => {
        expect(summary.unparsedLines).toBe(0);
      });

      it('counts signals as they appear in the file', () => {
        const got = Object.fromEntries(summary.signals.map((s) => [s.signal, s.count]));
        expect(got).toEqual(grepSignals(f.text));
        if (f.meta.status_signal !== undefined && f.meta.flagset !== 'c-f') {
          expect(Object.keys(got)).toContain(f.meta.status_signal.startsWith('SIGIOT') ? 'SIGABRT' : f.meta.status_signal);
        }
        if (f.meta.reload_signal !== undefined) expect(Object.keys(got)).toContain(f.meta.reload_signal);
      });

      it('records exits', () => {
        const exitLines = f.text.split('\n').filter((l) => l.includes('+++ ')).length;
        expect(summary.exits).toHaveLength(exitLines);
        if (f.meta.scenario === 'exit-kill9') expect(summary.exits).toContainEqual({ pid: f.meta.killed_pid, code: null, signal: 'SIGKILL' });
        if (f.meta.scenario === 'exit-reload' || f.meta.scenario === 'master-stop') {
          expect(summary.exits).toContainEqual({ pid: f.meta.target?.pid, code: 0, signal: null });
        }
      });

      if (f.meta.scenario === 'blocked-upstream' && f.meta.flagset !== 'c-f') {
        it('names the blocked call, its fd and peer, and how long it waited', () => {
          const v = summary.verdict;
          expect(v.syscall).toBe('poll');
          expect(v.fd).toBe(f.meta.blocked?.upstream_fd);
          expect(v.peer).toBe(f.meta.blocked?.upstream_peer);
          expect(v.text).toContain(`fd ${f.meta.blocked?.upstream_fd}`);
          expect(v.text).toContain(f.meta.blocked?.upstream_peer);
          const u = summary.unfinished.find((x) => x.syscall === 'poll');
          expect(u?.fd).toBe(f.meta.blocked?.upstream_fd);
          if (f.meta.flagset.includes('-tt') || f.meta.flagset.includes('ttt')) {
            // The request came 0.8 s into a 3 s time box: about 2.2 s of waiting.
            expect(v.waitedMs).toBeGreaterThan(2000);
            expect(v.waitedMs).toBeLessThan(2400);
          }
          if (f.meta.flagset.includes('yy')) {
            expect(u?.description).toContain(`-> ${f.meta.blocked?.upstream_peer}`);
          }
        });
      }

      if (f.meta.scenario === 'blocked-sleep' && f.meta.flagset !== 'c-f') {
        it('names clock_nanosleep after the request read', () => {
          expect(summary.verdict.syscall).toBe('clock_nanosleep');
          expect(summary.verdict.evidence.join('\n')).toMatch(/request/);
        });
      }

      // The ground truth's route is the request sent during the trace; an attached-late trace starts after
      // it was read, and a -c table has no data at all.
      const route = f.meta.blocked?.route ?? f.meta.busy?.route;
      if (route !== undefined) {
        const readDuringTrace = !f.meta.scenario.endsWith('attached-late') && f.meta.flagset !== 'c-f';
        it(readDuringTrace ? `quotes the request line read before it (GET ${route})` : 'quotes no request line (none was read during the trace)', () => {
          const evidence = summary.verdict.evidence.join('\n');
          // -s 256 holds the whole line; the plain captures' -s 32 cuts some (`HTTP/1.…`).
          if (readDuringTrace) expect(evidence).toMatch(new RegExp(`the request "GET ${route.replace(/[?.]/g, '\\$&')} HTTP/1\\.(1"|…")`));
          else expect(evidence).not.toContain('the request "');
        });
      }

      if (f.meta.scenario === 'exit-kill9') {
        it('calls one kill -9 an abnormal exit, with where to look, not a crash loop', () => {
          expect(summary.verdict.text).toBe(`Abnormal exit: killed by ${f.meta.killed_with} during the trace (pid ${f.meta.killed_pid})`);
          expect(summary.verdict.evidence).toContain('killed by SIGKILL: the OOM killer? check `dmesg`/`journalctl -k`');
        });
      }
      if (f.meta.scenario === 'exit-reload' || f.meta.scenario === 'master-stop') {
        it('calls a clean exit(0) an exit, neither abnormal nor a crash loop', () => {
          expect(summary.verdict.text).toMatch(/^Exited with code 0 during the trace \(pid \d+\)$/);
        });
      }

      if (f.meta.scenario.endsWith('attached-late') && f.meta.scenario.startsWith('blocked')) {
        it('says the trace cannot tell which call', () => {
          expect(summary.verdict.syscall).toBe('restart_syscall');
          expect(summary.verdict.text).toMatch(/cannot tell which call/);
          expect(summary.verdict.waitedMs).toBe(3000);
        });
      }

      if (f.meta.scenario === 'master-respawn' && f.meta.flagset !== 'c-f') {
        it('cites the child exit and the fork of its replacement', () => {
          const evidence = summary.verdict.evidence.join('\n');
          expect(evidence).toMatch(/SIGCHLD/);
          for (const pid of f.meta.new_child_pids ?? []) expect(evidence).toContain(String(pid));
          for (const pid of f.meta.new_child_pids ?? []) expect(summary.pids).toContain(pid);
        });
      }
    });
  }
});

describe('summarizeStrace() on strace error captures', () => {
  const reasons: Record<string, RegExp> = {
    'err-nopid': /does not exist/,
    'err-perm-pid1': /not permitted/,
    'err-already-traced': /already traced/,
    'err-invalid-pid-abc': /invalid process id/,
    'err-invalid-pid-0': /invalid process id/,
    'err-self': /trace itself/,
  };
  for (const f of fixtures.filter((x) => x.meta.scenario.startsWith('err-'))) {
    it(`${f.name} is not-traced with the reason`, () => {
      const { summary, details } = summarizeFixture(f);
      expect(summary.verdict.state).toBe('not-traced');
      expect(summary.verdict.text).toMatch(reasons[f.meta.scenario] as RegExp);
      expect(summary.verdict.evidence.join(' ')).toContain('strace said');
      expect(details.straceErrors).toHaveLength(1);
    });
  }
});

describe('summarizeStrace() on the translated seed (strace 4.x, Portuguese descriptions)', () => {
  const seed = loadSeedStrace();
  it('reads names, errnos and signals whatever the language', async () => {
    const summary = await summarizeStrace(linesOf(seed.text));
    expect(countsOf(summary)).toEqual(sorted(seed.meta.syscall_counts));
    const errors: Record<string, Record<string, number>> = {};
    for (const e of summary.errors) (errors[e.syscall] ??= {})[e.errno] = e.count;
    expect(errors).toEqual(seed.meta.errors);
    expect(Object.fromEntries(summary.signals.map((s) => [s.signal, s.count]))).toEqual(seed.meta.signals);
    expect(summary.verdict.state).toBe('idle');
    expect(summary.verdict.text).toMatch(/epoll_wait/);
    // The translated "Processo 10354 conectado" line is not strace's English message: counted, not a crash.
    expect(summary.unparsedLines).toBe(1);
  });
});

async function* chunksOf(buf: Buffer, size: number): AsyncGenerator<Uint8Array> {
  for (let i = 0; i < buf.length; i += size) yield buf.subarray(i, i + size);
}

describe('summarizeStraceChunks() chunk boundaries', () => {
  const picks = fixtures.filter((f) => /load-f-tt-T-yy|master-respawn-f-tt-T-yy|blocked-upstream-f-ttt|blocked-upstream-plain|blocked-sleep-f-tt|cpu-busy-f-tt|idle-plain|exit-kill9|-c-f|err-self/.test(f.name));
  for (const f of picks) {
    it(`${f.name}: chunks of 1, 7 and 4096 bytes give the same summary as whole lines`, async () => {
      const opts = { durationMs: 3000, host: 'web-1' };
      const whole = await summarizeStrace(linesOf(f.text), opts);
      const buf = Buffer.from(f.text, 'utf8');
      for (const size of [1, 7, 4096]) {
        const { summary } = await summarizeStraceChunksWithDetails(chunksOf(buf, size), opts);
        expect(summary).toEqual(whole);
      }
    });
  }

  it('decodes a multi-byte character split across chunks', async () => {
    const seed = loadSeedStrace();
    const buf = Buffer.from(seed.text, 'utf8');
    const whole = await summarizeStrace(linesOf(seed.text));
    const { summary, details } = await summarizeStraceChunksWithDetails(chunksOf(buf, 1));
    expect(summary).toEqual(whole);
    expect(details.unparsedSamples[0]).toBe('Processo 10354 conectado - interrompa para sair');
    // "€" is 3 bytes: split after its first byte.
    const line = Buffer.from('write(1, "€ price", 9) = 9\n', 'utf8');
    const at = line.indexOf(0xe2) + 1;
    async function* two() {
      yield line.subarray(0, at);
      yield line.subarray(at);
    }
    const r = await summarizeStraceChunksWithDetails(two());
    expect(r.summary.syscalls).toEqual([{ name: 'write', count: 1, errors: 0, totalTimeMs: null, maxTimeMs: null }]);
    expect(r.summary.fds[0]?.bytesWritten).toBe(9);
  });

  it('counts an overlong line and keeps going', async () => {
    const f = fixtures.find((x) => x.name === 'wm5.2.2-blocked-upstream-f-tt-T-yy') as StraceFixture;
    const lines = linesOf(f.text);
    const huge = `04:43:14.826000 write(1</srv/wm/run/v5.2.2/main.stdout>, "${'x'.repeat(300_000)}", 300000) = 300000 <0.000100>`;
    const text = [lines[0], lines[1], huge, ...lines.slice(2)].join('\n') + '\n';
    const { summary, details } = await summarizeStraceChunksWithDetails(chunksOf(Buffer.from(text), 4096));
    expect(details.overlongLines).toBe(1);
    expect(summary.syscalls.find((s) => s.name === 'write')?.count).toBe(1);
    expect(summary.syscallCount).toBe(12);
    expect(summary.verdict.state).toBe('blocked');
    expect(summary.verdict.fd).toBe(8);
  });

  it('counts garbage lines as unparsed and keeps up to 5 redacted samples', async () => {
    const garbage = ['#!/bin/sh', '\u0000\u0001binary', 'hello world', '[pid abc] nope', 'Authorization: Bearer s3cr3tTOKEN', '12:xx:00 foo(', 'ÿÿÿ', '--- nothing ---'];
    const s = createStraceSummarizer();
    s.push('epoll_wait(4, [], 32, 2040)             = 0');
    for (const g of garbage) s.push(g);
    const summary = s.finish();
    expect(summary.unparsedLines).toBe(garbage.length);
    expect(summary.syscallCount).toBe(1);
    const samples = s.details().unparsedSamples;
    expect(samples).toHaveLength(5);
    expect(samples.join('\n')).not.toContain('s3cr3tTOKEN');
  });
});

describe('summarizeStraceChunks() request lines across chunks', () => {
  const blocked = fixtures.filter((f) => /^wm5\.2\.2-blocked-(upstream|sleep)-f-tt-T-yy$|cpu-busy-f-tt-T-yy$/.test(f.name));

  /** One chunk per line: the read's line lies whole in a chunk that has ended before the blocking call comes. */
  async function* linePerChunk(text: string): AsyncGenerator<Uint8Array> {
    for (const line of text.split(/(?<=\n)/)) yield Buffer.from(line);
  }

  /** One buffer, overwritten for every chunk (a source may reuse its memory once the next chunk is asked for). */
  async function* reusedBuffer(text: string, size: number): AsyncGenerator<Uint8Array> {
    const all = Buffer.from(text);
    const mem = Buffer.alloc(size);
    for (let i = 0; i < all.length; i += size) {
      const n = all.copy(mem, 0, i, Math.min(all.length, i + size));
      yield mem.subarray(0, n);
      mem.fill(0x3f); // '?': what a reused buffer holds once the consumer has moved on
    }
  }

  for (const f of blocked) {
    it(`${f.name}: the request line is the same whatever the chunks, even when the source reuses its buffer`, async () => {
      const whole = await summarizeStrace(linesOf(f.text));
      expect(whole.verdict.evidence.join('\n')).toMatch(/the request "GET \/\S+ HTTP\/1\.1"/);
      expect((await summarizeStraceChunksWithDetails(linePerChunk(f.text))).summary).toEqual(whole);
      for (const size of [64, 1000, 4096]) expect((await summarizeStraceChunksWithDetails(reusedBuffer(f.text, size))).summary).toEqual(whole);
    });
  }

  it('quotes the request line redacted, cut, and only when the data is text', async () => {
    const secret = 'GET /pay?token=s3cr3tTOKEN&x=' + 'y'.repeat(300) + ' HTTP/1.1';
    const lines = (data: string) => [
      'strace: Process 7 attached',
      `04:43:14.825242 recvfrom(7<TCP:[127.0.0.1:18700->127.0.0.1:38986]>, "${data}", 87380, 0, NULL, NULL) = 84 <0.000092>`,
      '04:43:14.835011 poll([{fd=8<TCP:[127.0.0.1:52468->127.0.0.1:18790]>, events=POLLIN|POLLERR|POLLHUP}], 1, 30000 <detached ...>',
    ];
    const v = (await summarizeStrace(lines(`${secret}\\r\\nHost: a\\r\\n\\r\\n`))).verdict;
    const evidence = v.evidence.join('\n');
    expect(evidence).not.toContain('s3cr3tTOKEN');
    expect(evidence).toContain('the request "GET /pay?token=[REDACTED]&x=yyy');
    expect(evidence).toMatch(/y…" was read on fd 7/);
    const binary = (await summarizeStrace(lines('\\x81\\x85\\x37\\xfa'))).verdict.evidence.join('\n');
    expect(binary).toContain('a request was read on fd 7');
  });
});

describe('summarizeStrace() exits, waits and durations from a file', () => {
  it('calls two abnormal exits a crash loop and says where to look for each cause', async () => {
    const v = (
      await summarizeStrace(['strace: Process 100 attached', 'strace: Process 101 attached', '[pid   100] +++ killed by SIGKILL +++', '[pid   101] +++ exited with 255 +++'], { pids: [100, 101] })
    ).verdict;
    expect(v.state).toBe('exited');
    expect(v.text).toBe('Crash loop: 2 abnormal exits during the trace (100: SIGKILL, 101: exit 255)');
    expect(v.evidence).toContain('killed by SIGKILL: the OOM killer? check `dmesg`/`journalctl -k`');
    expect(v.evidence).toContain('exited with code 255: a PHP fatal error: check the PHP error log');
  });

  for (const f of fixtures.filter((x) => x.meta.flagset !== 'c-f' && !x.meta.scenario.startsWith('err-'))) {
    it(`${f.name}: a file's duration is its timestamps' span, and its waits lower bounds; a live trace's are measured`, () => {
      const { summary: file, details } = summarizeFixture(f, false);
      const hasSpan = file.durationMs !== null;
      expect(file.durationSource).toBe(hasSpan ? 'timestamps' : null);
      for (const u of file.unfinished) expect(u.waitedIsLowerBound).toBe(u.waitedMs !== null);
      expect(file.verdict.waitedIsLowerBound).toBe(file.verdict.waitedMs !== null);
      if (file.verdict.waitedIsLowerBound) expect([file.verdict.text, ...file.verdict.evidence].join('\n')).toContain('at least');

      const live = summarizeFixture(f, true).summary;
      expect(live.durationSource).toBe('measured');
      // Only a call in progress since before the attach waited longer than the trace shows: restart_syscall,
      // or (without timestamps) the first call, which is given the whole time box.
      for (const u of live.unfinished) expect(u.waitedIsLowerBound).toBe(u.waitedMs !== null && (u.syscall === 'restart_syscall' || details.firstTimeMs === null));
    });
  }

  it('keeps as many unparsed samples as asked for (--show-unparsed)', async () => {
    const lines = ['epoll_wait(4, [], 32, 2040)             = 0', ...Array.from({ length: 12 }, (_, i) => `garbage ${i} password=hunter2`)];
    const s = createStraceSummarizer({ maxUnparsedSamples: 20 });
    for (const line of lines) s.push(line);
    expect(s.finish().unparsedLines).toBe(12);
    const samples = s.details().unparsedSamples;
    expect(samples).toHaveLength(12);
    expect(samples[11]).toBe('garbage 11 password=[REDACTED]');
  });
});
