import { describe, expect, it } from 'vitest';
import { BotError } from '../../../src/errors.js';
import { parseConnections } from '../../../src/workerman/parse-connections.js';
import { parseStatus } from '../../../src/workerman/parse-status.js';
import type { WorkermanStatus } from '../../../src/workerman/types.js';
import { thrownBotError } from '../../helpers/bot-error.js';
import { fixtureNamed, loadBuiltStatusFixtures, type BuiltGroundTruth, type StatusFixture } from './status-fixtures.js';

// Workerman 3.0-3.4 status output, BUILT from the source of tags v3.1.1, v3.3.9 and v3.4.7 (see
// test/fixtures/README.md): no Summary row, no status or qps column, a process that does not answer
// the status signal in time has no row at all.
type Built = StatusFixture<BuiltGroundTruth>;

const built = loadBuiltStatusFixtures();

// What each failure scenario must become (the command printed no table).
const FAILURES: Record<string, (f: Built) => { code: string; details?: Record<string, unknown> }> = {
  // 3.1.1 prints "not run"; 3.3.5-3.4.x print nothing at all over a pipe.
  'not-running': (f) => (f.truth.stdout_bytes === 0 ? { code: 'status_unparseable', details: { reason: 'empty' } } : { code: 'workerman_not_running' }),
  'tty-not-running': () => ({ code: 'workerman_not_running' }),
  // Before 5.x Workerman does not name the stale master: "not run" like a stopped app.
  'stale-pidfile': () => ({ code: 'workerman_not_running' }),
  'master-zombie': () => ({ code: 'workerman_not_running', details: { masterAnswered: false } }),
  'unknown-command': () => ({ code: 'status_unparseable' }),
};

function parseFixture(f: Built): WorkermanStatus {
  return parseStatus(f.stdout, { stderr: f.stderr, host: 'built' });
}

/** pids of the process rows in the order printed, read with a plain regex (not the parser). */
function printedPids(stdout: string): number[] {
  return [...stdout.replace(/\r/g, '').matchAll(/^(\d+)\t/gm)].map((m) => Number(m[1]));
}

function expectedOf(f: Built): NonNullable<BuiltGroundTruth['expected']> {
  const e = f.truth.expected;
  if (!e) throw new Error(`${f.base} has no expected values`);
  return e;
}

const tables = built.filter((f) => !(f.truth.scenario in FAILURES));
const failures = built.filter((f) => f.truth.scenario in FAILURES);

describe('parseStatus() on every fixture built from Workerman 3.1-3.4 source', () => {
  it('the fixture folder has built fixtures of each pre-3.5 layout, each naming its source', () => {
    expect([...new Set(built.map((f) => f.truth.git_tag))].sort()).toEqual(['v3.1.1', 'v3.3.9', 'v3.4.7']);
    expect(tables.length).toBeGreaterThanOrEqual(8);
    expect(failures.length).toBeGreaterThanOrEqual(8);
    for (const f of built) expect(f.truth.built.source.startsWith(`${f.truth.git_tag}:`)).toBe(true);
  });

  describe.each(tables.map((f) => [f.base, f] as const))('%s', (_name, f) => {
    const t = f.truth;
    const e = expectedOf(f);
    const status = parseFixture(f);
    const missing = new Set(e.not_reported_pids ?? []);

    it('lists the processes that answered, once each, in printed order; the others are missing', () => {
      const pids = status.processes.map((p) => p.pid);
      expect(pids).toEqual(printedPids(f.stdout));
      expect(new Set(pids).size).toBe(pids.length);
      const answered = t.worker_processes.map((w) => w.pid).filter((pid) => !missing.has(pid));
      expect([...pids].sort((a, b) => a - b)).toEqual(answered.sort((a, b) => a - b));
      expect(pids).toHaveLength(e.processes as number);
      for (const pid of missing) expect(pids).not.toContain(pid);
    });

    it('names each process by its worker and listen address (none -> null)', () => {
      for (const p of status.processes) {
        const ps = t.worker_processes.find((w) => w.pid === p.pid);
        expect(p.workerName).toBe(ps?.name);
        expect(p.listen).toBe(ps?.listen === 'none' ? null : ps?.listen);
        expect(p.listen).toBe(t.configured_workers.find((w) => w.name === p.workerName)?.listen);
      }
    });

    it('reads the global section: version, PHP, event loop, start time, uptime, load, counts', () => {
      expect(status.host).toBe('built');
      expect(status.workerman.version).toBe(t.workerman_version);
      expect(status.workerman.phpVersion).toBe(t.php_version);
      expect(status.workerman.eventLoop).toBe(e.event_loop_printed?.split('\\').at(-1) ?? null);
      expect(status.startedAt).toBe(e.start_time_printed);
      expect(status.uptime).toBe(e.uptime_printed);
      expect(status.loadAverage).toEqual(e.load_average_printed);
      expect(status.workerCount).toBe(t.configured_workers.length);
      expect(status.processCount).toBe(e.worker_process_count_printed);
      expect(status.processCount).toBe(t.worker_process_count);
    });

    it('reads the exit table: every configured worker, abnormal exits as the scenario says', () => {
      expect(new Set(status.workers.map((w) => w.name))).toEqual(new Set(t.configured_workers.map((w) => w.name)));
      const exits: Record<string, Record<string, number>> = {};
      for (const w of status.workers) {
        if (w.exitCount !== 0) (exits[w.name] ??= {})[String(w.exitStatus)] = w.exitCount;
      }
      expect(exits).toEqual(e.exit_status_rows ?? {});
      if (e.killed_pid_absent !== undefined) expect(status.processes.map((p) => p.pid)).not.toContain(e.killed_pid_absent);
      for (const pid of e.new_pid_present ?? []) expect(status.processes.map((p) => p.pid)).toContain(pid);
    });

    it('maps the counters onto the model: total_request, connections, send_fail, timers, memory', () => {
      const byName: Record<string, number> = {};
      for (const p of status.processes) {
        expect(p.totalRequest).toBe(e.total_request_by_pid[String(p.pid)]);
        byName[p.workerName] = (byName[p.workerName] ?? 0) + (p.totalRequest ?? 0);
        expect(p.sendFail).toBe(0);
        // PHP prints MiB rounded to 2 places: the parse is within half a hundredth of the real value.
        const bytes = e.memory_usage_bytes_by_pid[String(p.pid)] as number;
        expect(Math.abs((p.memoryBytes as number) - bytes)).toBeLessThanOrEqual(0.005 * 1024 * 1024);
        expect(p.timers).toBe(e.timers_by_pid === undefined ? null : e.timers_by_pid[String(p.pid)]);
      }
      for (const [name, total] of Object.entries(e.total_request_by_worker_name ?? {})) expect(byName[name] ?? 0).toBe(total);
      expect(status.processes.reduce((a, p) => a + (p.connections ?? 0), 0)).toBe(e.connections_total);
    });

    it('keeps columns the model has no field for in extra, and sets no status or qps (none printed)', () => {
      const columns = t.built.process_columns ?? [];
      const unknown = columns.filter((c) => c === 'throw_exception');
      for (const p of status.processes) {
        expect(Object.keys(p.extra)).toEqual(unknown);
        if (unknown.length > 0) expect(p.extra.throw_exception).toBe('0');
        expect(p.status).toBeNull();
        expect(p.qps).toBeNull();
      }
    });

    it('finds abnormal exits (one) and crash loops (more) from the exit table, and the processes that did not answer', () => {
      // Non-zero exit statuses per worker, from the ground truth: one is an abnormal exit, more a crash loop.
      const abnormal = Object.entries(e.exit_status_rows ?? {})
        .map(([name, rows]) => [name, Object.entries(rows).reduce((n, [s, count]) => n + (s === '0' ? 0 : count), 0)] as const)
        .filter(([, n]) => n > 0);
      expect(status.findings.filter((x) => x.kind === 'abnormal-exit').map((x) => x.worker)).toEqual(abnormal.filter(([, n]) => n === 1).map(([name]) => name));
      expect(status.findings.filter((x) => x.kind === 'crash-loop').map((x) => x.worker)).toEqual(abnormal.filter(([, n]) => n > 1).map(([name]) => name));
      const notReported = status.findings.filter((x) => x.kind === 'not-reported');
      expect(notReported).toHaveLength(missing.size > 0 ? 1 : 0);
      if (missing.size > 0) expect(notReported[0]?.message).toContain(`${missing.size} did not report in time. Before Workerman 3.5`);
      expect(status.findings.filter((x) => x.kind === 'busy')).toEqual([]);
    });
  });

  describe.each(failures.map((f) => [f.base, f] as const))('%s', (_name, f) => {
    it(`becomes the typed error for "${f.truth.scenario}"`, () => {
      const want = (FAILURES[f.truth.scenario] as (f: Built) => { code: string; details?: Record<string, unknown> })(f);
      const error = thrownBotError(() => parseFixture(f));
      expect(error.code).toBe(want.code);
      if (want.details) expect(error.details).toMatchObject(want.details);
      expect(error.message.length).toBeGreaterThan(40);
      expect(error.message).not.toMatch(/[\u0000-\u001f]/);
    });
  });
});

describe('parseStatus() details of the pre-3.5 layouts', () => {
  const byBase = (base: string): Built => fixtureNamed(built, base);

  it('parseStatus() reads the three event-loop forms: none (3.1.1), a bare name (3.3.9), a class (3.4.7)', () => {
    expect(parseFixture(byBase('wm3.1.1-built-idle')).workerman.eventLoop).toBeNull();
    expect(parseFixture(byBase('wm3.3.9-built-after-load')).workerman.eventLoop).toBe('event');
    expect(parseFixture(byBase('wm3.4.7-built-with-connections')).workerman.eventLoop).toBe('Select');
  });

  it('parseStatus() reads memory printed without a trailing zero (0.8M) and a multi-day uptime', () => {
    const s = parseFixture(byBase('wm3.1.1-built-after-kill9'));
    expect(s.processes.find((p) => p.pid === 11203)?.memoryBytes).toBe(Math.round(0.8 * 1024 * 1024));
    expect(parseFixture(byBase('wm3.3.9-built-after-load')).uptime).toBe('2 days 9 hours');
  });

  it('parseStatus() explains an abnormal exit from the 3.x exit table like the 4.x one', () => {
    const s = parseFixture(byBase('wm3.4.7-built-after-reload-kill9'));
    expect(s.workers.filter((w) => w.name === 'HttpApi01')).toEqual([
      { name: 'HttpApi01', exitStatus: 0, exitCount: 4 },
      { name: 'HttpApi01', exitStatus: 9, exitCount: 1 },
    ]);
    // One kill -9 after a reload (whose exits were clean): an abnormal exit, not a crash loop.
    expect(s.findings.map((x) => [x.kind, x.worker])).toEqual([['abnormal-exit', 'HttpApi01']]);
    expect(s.findings[0]?.message).toContain('killed by SIGKILL');
    expect(s.findings[0]?.message).toContain('the OOM killer? check `dmesg`/`journalctl -k`');
  });

  it('parseStatus() reads a pseudo-terminal capture (CRLF, log line first) like plain output', () => {
    const f = byBase('wm3.4.7-built-tty');
    expect(f.stdout).toContain('\r\n');
    const plain = f.stdout.replace(/\r/g, '').replace(/^Workerman\[start\.php\] status \n/, '');
    expect(parseStatus(plain, { host: 'built' })).toEqual(parseFixture(f));
  });

  it('parseStatus() reads a table whose trailing spaces were trimmed (copied from a terminal)', () => {
    const f = byBase('wm3.1.1-built-after-kill9');
    const trimmed = f.stdout.replace(/ +\n/g, '\n').replace(/\t/g, '   ');
    expect(trimmed).not.toMatch(/ \n|\t/);
    expect(parseStatus(trimmed)).toEqual(parseStatus(f.stdout));
  });

  it('parseStatus() finds columns by name: 3.0.0-3.0.2 had no connections column, 3.0.3 briefly "connection"', () => {
    const f = byBase('wm3.1.1-built-after-kill9');
    const full = parseStatus(f.stdout);
    const dropConnections = (line: string): string => line.replace(/^(\d+|pid)(\t\S+ +\S+ +\S+ +)\S+ +/, '$1$2');
    const v300 = f.stdout.split('\n').map(dropConnections).join('\n');
    expect(v300).toContain('worker_name              total_request');
    const s300 = parseStatus(v300);
    expect(s300.processes.map((p) => p.connections)).toEqual(full.processes.map(() => null));
    expect(s300.processes.map((p) => p.totalRequest)).toEqual(full.processes.map((p) => p.totalRequest));
    const s303 = parseStatus(f.stdout.replace(' connections ', ' connection  '));
    expect(s303.processes).toEqual(full.processes);
  });

  it('parseStatus() refuses a last row without its newline: the pre-3.5 table has no end marker', () => {
    const f = byBase('wm3.4.7-built-with-connections');
    const error = thrownBotError(() => parseStatus(f.stdout.trimEnd()));
    expect(error.code).toBe('status_unparseable');
    expect(error.details).toMatchObject({ reason: 'truncated' });
    expect(error.message).toContain('cut short inside the process table');
  });

  it('parseStatus() says what an empty answer means for Workerman 3.3.5-3.4.x', () => {
    const error = thrownBotError(() => parseFixture(byBase('wm3.4.7-built-not-running')));
    expect(error.message).toContain('3.3.5 to 3.4.x print nothing at all when the app is not running');
    expect(error.message).toContain('workerman.startFile');
  });

  it('parseStatus() takes "not run" of 3.1.1 even when the stale-pidfile warning is on stderr', () => {
    const f = byBase('wm3.1.1-built-stale-pidfile');
    expect(f.stderr).toContain('PHP Warning:  readfile(');
    expect(thrownBotError(() => parseFixture(f)).message).toContain('start.php is not running');
  });

  it('parseStatus() answers the 3.x usage text with "is it a Workerman start file?"', () => {
    for (const base of ['wm3.1.1-built-unknown-command', 'wm3.4.7-built-unknown-command']) {
      expect(thrownBotError(() => parseFixture(byBase(base))).message).toContain('is it a Workerman start file?');
    }
  });

  it('parseConnections() explains that 3.0-3.4, which have no connections command, print their usage', () => {
    // `php start.php connections` on 3.4.6+ prints exactly this usage text (the command is not in the list).
    const error = thrownBotError(() => parseConnections(byBase('wm3.4.7-built-unknown-command').stdout));
    expect(error.code).toBe('status_unparseable');
    expect(error.message).toContain('supports `connections`');
  });
});

describe('parseStatus() on pre-3.5 output cut short', () => {
  it.each(tables.map((f) => [f.base, f] as const))('%s cut at every byte: a prefix of the rows, or a typed error', (_name, f) => {
    const full = parseStatus(f.stdout);
    const headerEnd = f.stdout.indexOf('\n', f.stdout.indexOf('\npid\t') + 1) + 1;
    let tables = 0;
    for (let end = 0; end <= f.stdout.length; end++) {
      const text = f.stdout.slice(0, end);
      let status: WorkermanStatus;
      try {
        status = parseStatus(text);
      } catch (error) {
        if (!(error instanceof BotError)) throw error;
        expect(['status_unparseable', 'workerman_not_running']).toContain(error.code);
        // Whole lines after the header always make a table: only a cut inside a line is refused.
        expect(end >= headerEnd && text.endsWith('\n'), `cut at ${end}`).toBe(false);
        continue;
      }
      tables += 1;
      expect(end).toBeGreaterThanOrEqual(headerEnd);
      expect(text.endsWith('\n')).toBe(true);
      // The rows so far, as the full table has them; the ones not yet printed count as not reported.
      expect(status.processes).toEqual(full.processes.slice(0, status.processes.length));
      const missing = (status.processCount ?? 0) - status.processes.length;
      expect(status.findings.some((x) => x.kind === 'not-reported')).toBe(missing > 0);
    }
    expect(tables).toBe(full.processes.length + 1);
  });
});
