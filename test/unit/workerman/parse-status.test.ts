import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseStatus } from '../../../src/workerman/parse-status.js';
import type { WorkermanStatus } from '../../../src/workerman/types.js';
import { thrownBotError } from '../../helpers/bot-error.js';
import { SEED_FIXTURES } from '../../helpers/paths.js';
import { fixtureNamed, isConnectionsCapture, loadStatusFixtures, type StatusFixture } from './status-fixtures.js';

const all = loadStatusFixtures();
const statusCaptures = all.filter((f) => !isConnectionsCapture(f));

// What each failure scenario must become (the capture's command printed no table).
const FAILURES: Record<string, (f: StatusFixture) => { code: string; details?: Record<string, unknown> }> = {
  'not-running': () => ({ code: 'workerman_not_running' }),
  'master-killed': (f) => ({
    code: 'workerman_not_running',
    // 5.x names the dead master; 3.x/4.x only say "not run".
    ...(f.stdout.includes('is not alive') ? { details: { stalePid: Number(/Master pid:(\d+)/.exec(f.stdout)?.[1]) } } : {}),
  }),
  'stale-pidfile': (f) => ({
    code: 'workerman_not_running',
    ...(f.stdout.includes('is not alive') ? { details: { stalePid: f.truth.stale_master_pid } } : {}),
  }),
  'master-zombie': () => ({ code: 'workerman_not_running', details: { masterAnswered: false } }),
  // 5.x warns about the log file on stderr; 3.x/4.x print the same "not run" as a stopped app.
  nonroot: (f) => ({ code: f.stderr.includes('Permission denied') ? 'permission_denied' : 'workerman_not_running' }),
  'unknown-command': () => ({ code: 'status_unparseable' }),
};

function parseFixture(f: StatusFixture): WorkermanStatus {
  return parseStatus(f.stdout, { stderr: f.stderr, host: 'capture' });
}

/** pids of the process rows in the order printed, read with a plain regex (not the parser). */
function printedPidsOfLastFrame(stdout: string): number[] {
  const frames = stdout.replace(/\r/g, '').split(/-+GLOBAL STATUS-+/);
  const last = frames.filter((fr) => /\nSummary\t.*\[Summary\]/.test(fr)).at(-1) ?? '';
  return [...last.matchAll(/^(\d+)\t/gm)].map((m) => Number(m[1]));
}

describe('parseStatus() on every real capture', () => {
  it('the fixture folder has captures of every generation', () => {
    const prefixes = new Set(statusCaptures.map((f) => f.truth.file_prefix));
    expect([...prefixes].sort()).toEqual(['wm3.5.35', 'wm4.0.47', 'wm4.1.17', 'wm5.2.2']);
    expect(statusCaptures.length).toBeGreaterThan(60);
  });

  const tables = statusCaptures.filter((f) => !(f.truth.scenario in FAILURES));
  const failures = statusCaptures.filter((f) => f.truth.scenario in FAILURES);

  describe.each(tables.map((f) => [f.base, f] as const))('%s', (_name, f) => {
    const t = f.truth;
    const status = parseFixture(f);

    it('lists exactly the worker processes ps saw, once each, in printed order', () => {
      expect(t.processes_changed_during_command).toBe(false);
      const pids = status.processes.map((p) => p.pid);
      expect(pids).toEqual(printedPidsOfLastFrame(f.stdout));
      expect([...pids].sort((a, b) => a - b)).toEqual(t.worker_processes.map((w) => w.pid).sort((a, b) => a - b));
      expect(new Set(pids).size).toBe(pids.length);
    });

    it('names each process by its worker and listen address (none -> null)', () => {
      for (const p of status.processes) {
        const ps = t.worker_processes.find((w) => w.pid === p.pid);
        expect(p.workerName).toBe(ps?.name);
        expect(p.listen).toBe(ps?.listen === 'none' ? null : ps?.listen);
        const configured = t.configured_workers.find((w) => w.name === p.workerName);
        expect(p.listen).toBe(configured?.listen);
      }
    });

    it('reads the versions, event loop, counts and global lines', () => {
      expect(status.host).toBe('capture');
      // 4.0.47's constant says 4.0.46: the json's workerman_version is the constant, not the tag.
      expect(status.workerman.version).toBe(t.workerman_version);
      expect(status.workerman.phpVersion).toBe(t.php_version);
      expect(status.workerman.eventLoop?.toLowerCase()).toBe(/stream_select|Select/.test(t.event_loop) ? 'select' : 'event');
      expect(status.workerCount).toBe(t.configured_workers.length);
      expect(status.processCount).toBe(t.worker_process_count);
      expect(status.startedAt).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
      expect(status.uptime).toMatch(/^\d+ days \d+ hours$/);
      expect(status.loadAverage).toHaveLength(3);
      for (const n of status.loadAverage ?? []) expect(Number.isFinite(n)).toBe(true);
    });

    it('reads the exit table: every configured worker, abnormal exits as the ground truth says', () => {
      expect(new Set(status.workers.map((w) => w.name))).toEqual(new Set(t.configured_workers.map((w) => w.name)));
      const exited: Record<string, Record<string, number>> = {};
      for (const w of status.workers) {
        if (w.exitCount === 0) continue;
        (exited[w.name] ??= {})[String(w.exitStatus)] = w.exitCount;
      }
      if (t.expected?.exit_status_rows) {
        expect(exited).toEqual(t.expected.exit_status_rows);
      } else if (!/kill|reload/.test(f.base)) {
        expect(exited).toEqual({});
      }
    });

    it('reads counters: total_request by worker, connections, busy rows', () => {
      const e = t.expected ?? {};
      const byName: Record<string, number> = {};
      for (const p of status.processes) byName[p.workerName] = (byName[p.workerName] ?? 0) + (p.totalRequest ?? 0);
      for (const [name, total] of Object.entries(e.total_request_by_worker_name ?? {})) expect(byName[name]).toBe(total);
      if (e.total_requests !== undefined) expect(Object.values(byName).reduce((a, b) => a + b, 0)).toBe(e.total_requests);
      if (e.processes !== undefined) expect(status.processes).toHaveLength(e.processes);
      if (e.workers !== undefined) expect(status.workerCount).toBe(e.workers);
      if (e.connections_total !== undefined) {
        expect(status.processes.reduce((a, p) => a + (p.connections ?? 0), 0)).toBe(e.connections_total);
      }
      const busy = status.processes.filter((p) => p.status === 'busy').map((p) => p.pid);
      const expectedBusy = e.busy_pids ?? (e.cpu_busy_pid === undefined ? undefined : [e.cpu_busy_pid]);
      if (expectedBusy) expect(busy).toEqual(expectedBusy);
      else if (t.scenario !== 'busy-sleep') expect(busy).toEqual([]);
      for (const p of status.processes) {
        if (p.status === 'busy') {
          expect([p.memoryBytes, p.connections, p.sendFail, p.timers, p.totalRequest, p.qps]).toEqual([null, null, null, null, null, null]);
        } else {
          expect(p.status).toBe('idle');
          expect(p.memoryBytes).toBeGreaterThan(0);
        }
      }
      expect(status.findings.filter((x) => x.kind === 'busy').map((x) => x.pid)).toEqual(busy);
      if (e.killed_pid_absent !== undefined) expect(status.processes.map((p) => p.pid)).not.toContain(e.killed_pid_absent);
      for (const pid of e.new_pid_present ?? []) expect(status.processes.map((p) => p.pid)).toContain(pid);
    });

    it('sets qps only from a later live frame, never the meaningless 0 of a one-shot status', () => {
      const frames = f.stdout.split('GLOBAL STATUS').length - 1;
      if (frames > 1) for (const p of status.processes) expect(p.qps === null).toBe(p.status === 'busy');
      else for (const p of status.processes) expect(p.qps).toBeNull();
    });
  });

  describe.each(failures.map((f) => [f.base, f] as const))('%s', (_name, f) => {
    it(`becomes the typed error for "${f.truth.scenario}"`, () => {
      const want = (FAILURES[f.truth.scenario] as (f: StatusFixture) => { code: string; details?: Record<string, unknown> })(f);
      const error = thrownBotError(() => parseFixture(f));
      expect(error.code).toBe(want.code);
      if (want.details) expect(error.details).toMatchObject(want.details);
      expect(error.message.length).toBeGreaterThan(40);
      expect(error.message).not.toMatch(/[\u0000-\u001f]/);
    });
  });
});

describe('parseStatus() details', () => {
  const byBase = (base: string): StatusFixture => fixtureNamed(all, base);

  it('parseStatus() converts memory to bytes: 1.09M, 2M (3.5.35 whole MB) and N/A', () => {
    const v4 = parseFixture(byBase('wm4.1.17-live-load'));
    expect(v4.processes.find((p) => p.pid === 19521)?.memoryBytes).toBe(Math.round(1.09 * 1024 * 1024));
    const v3 = parseFixture(byBase('wm3.5.35-busy-cpu'));
    expect(v3.processes.find((p) => p.pid === 20035)?.memoryBytes).toBe(2 * 1024 * 1024);
    expect(v3.processes.find((p) => p.pid === 20036)?.memoryBytes).toBeNull();
  });

  it('parseStatus() takes the event loop of 5.x from the exit table and of 4.x from the global line', () => {
    expect(parseFixture(byBase('wm5.2.2-idle')).workerman.eventLoop).toBe('event');
    expect(parseFixture(byBase('wm4.0.47-idle')).workerman.eventLoop).toBe('Select');
    expect(parseFixture(byBase('wm4.1.17-idle')).workerman.eventLoop).toBe('Event');
  });

  it('parseStatus() reads the global lines of 3.x/4.x and of 5.x', () => {
    const v4 = parseFixture(byBase('wm4.1.17-after-kill9'));
    expect([v4.startedAt, v4.uptime, v4.loadAverage]).toEqual(['2026-11-26 04:34:19', '0 days 0 hours', [0.17, 0.2, 0.18]]);
    const v5 = parseFixture(byBase('wm5.2.2-idle'));
    expect([v5.startedAt, v5.uptime, v5.loadAverage]).toEqual(['2026-11-26 04:33:43', '0 days 0 hours', [0.14, 0.2, 0.18]]);
    // 3.5.35 rounds the 2nd and 3rd load values to integers (its bug), we keep what it printed.
    expect(parseFixture(byBase('wm3.5.35-busy-cpu')).loadAverage).toEqual([0.13, 0, 0]);
  });

  it('parseStatus() keeps several exit rows of one worker (reload + kill -9)', () => {
    const s = parseFixture(byBase('wm4.1.17-after-reload-kill9'));
    expect(s.workers.filter((w) => w.name === 'HttpApi01')).toEqual([
      { name: 'HttpApi01', exitStatus: 0, exitCount: 4 },
      { name: 'HttpApi01', exitStatus: 9, exitCount: 1 },
    ]);
    // The reload's exits are clean (status 0); the one kill -9 is an abnormal exit, not a crash loop.
    expect(s.findings.map((x) => [x.kind, x.worker])).toEqual([['abnormal-exit', 'HttpApi01']]);
    expect(s.findings[0]?.message).toContain('killed by SIGKILL');
  });

  it('parseStatus() reads the last complete live frame and its real qps, ignoring a cut frame after it', () => {
    const f = byBase('wm5.2.2-live-load');
    const summaries = [...f.stdout.matchAll(/^Summary\t.*$/gm)];
    const second = summaries[1];
    if (second?.index === undefined) throw new Error('fixture has fewer than 2 frames');
    // Cut the text in the middle of the third frame: the second frame is the last complete one.
    const cut = f.stdout.slice(0, (second.index as number) + second[0].length + 400);
    const s = parseStatus(cut);
    expect(s.processes.find((p) => p.pid === 19366)?.qps).toBeGreaterThan(0);
    expect(s.processes.reduce((a, p) => a + (p.qps ?? 0), 0)).toBe(2685);
    // Only the first frame: its qps is 0 for lack of a previous sample, so null.
    const first = summaries[0];
    const one = parseStatus(f.stdout.slice(0, (first?.index as number) + (first?.[0].length as number) + 30));
    for (const p of one.processes) expect(p.qps).toBeNull();
  });

  it('parseStatus() reads CRLF and ANSI clear codes of a pseudo-terminal like plain output', () => {
    const tty = parseFixture(byBase('wm5.2.2-tty-live'));
    const plain = parseStatus(byBase('wm5.2.2-tty-live').stdout.replace(/\r/g, '').replace(/\x1b\[[0-9;]*[A-Za-z]|\x1b\(B/g, ''), { host: 'capture' });
    expect(tty).toEqual(plain);
    expect(JSON.stringify(tty)).not.toMatch(/\\r|\\u001b/);
  });

  it('parseStatus() reads the 43-character worker name that breaks alignment', () => {
    for (const base of ['wm3.5.35-longname-single', 'wm4.0.47-longname-single', 'wm5.2.2-longname-single']) {
      const s = parseFixture(byBase(base));
      expect(s.processes.map((p) => p.workerName)).toEqual(['order-settlement-reconciliation-worker-2024']);
    }
  });

  it('parseStatus() keeps a worker name with spaces whole, in the process and exit tables', () => {
    const f = byBase('wm4.1.17-idle');
    const s = parseStatus(f.stdout.replaceAll('cron_jobs', 'cron jobs  nightly'));
    expect(s.processes.at(-1)?.workerName).toBe('cron jobs nightly');
    expect(s.processes.at(-1)?.timers).toBe(1);
    expect(s.workers.at(-1)).toEqual({ name: 'cron jobs nightly', exitStatus: 0, exitCount: 0 });
  });

  it('parseStatus() reads output whose tabs became spaces (copied from a terminal)', () => {
    const f = byBase('wm4.1.17-busy-upstream');
    const expanded = f.stdout.replace(/\t/g, '   ');
    expect(expanded).not.toContain('\t');
    expect(parseStatus(expanded)).toEqual(parseStatus(f.stdout));
  });

  it('parseStatus() keeps unknown columns in extra by header name', () => {
    const f = byBase('wm5.2.2-idle');
    const text = f.stdout
      .replace(' qps    status', ' qps    coroutines status')
      .replace(/(\d+ +)(\[idle\])/g, '$1 7 $2')
      .replace(/(\d+ +)(\[Summary\])/, '$1 56 $2');
    const s = parseStatus(text);
    expect(s.processes.every((p) => p.extra.coroutines === '7')).toBe(true);
    expect(s.processes[0]?.status).toBe('idle');
  });

  it('parseStatus() finds columns by name, not position', () => {
    // Swap two columns in the header and in every row: the values must follow their names.
    const f = byBase('wm4.0.47-after-load');
    const swapped = f.stdout
      .split('\n')
      .map((line) => {
        const m = /^(\d+|pid)\t(\S+)( +)(\S+)( +)(\S+)( +)(.*)$/.exec(line);
        return m ? `${m[1]}\t${m[2]}${m[3]}${m[6]}${m[5]}${m[4]}${m[7]}${m[8]}` : line;
      })
      .join('\n');
    expect(swapped).toContain('memory  worker_name');
    const a = parseStatus(f.stdout);
    const b = parseStatus(swapped);
    expect(b.processes).toEqual(a.processes);
  });

  it('parseStatus() reports a Master pid line of 5.x as a stale pid in details', () => {
    const error = thrownBotError(() => parseFixture(byBase('wm5.2.2-stale-pidfile')));
    expect(error.details).toEqual({ startFile: 'start.php', stalePid: 31275 });
    expect(error.message).toContain('31275');
  });

  it('parseStatus() tells the user what to do for 5.x permission warnings: run as the app user', () => {
    const error = thrownBotError(() => parseFixture(byBase('wm5.2.2-nonroot')));
    expect(error.code).toBe('permission_denied');
    expect(error.message).toContain('workerman.runAs');
  });

  it('parseStatus() says the master is dead or not answering when only the first line came back', () => {
    const error = thrownBotError(() => parseFixture(byBase('wm5.2.2-master-zombie')));
    expect(error.message).toMatch(/dead|not answering/);
  });

  it('parseStatus() answers usage text with "is it a Workerman start file?"', () => {
    const error = thrownBotError(() => parseFixture(byBase('wm3.5.35-unknown-command')));
    expect(error.message).toContain('is it a Workerman start file?');
    expect(error.message).toContain('Unknown command: stats');
  });
});

describe('parseStatus() typed errors for texts not captured', () => {
  it('parseStatus() turns a PHP fatal error into workerman_php_error quoting the line', () => {
    const stderr = `PHP Fatal error:  Uncaught Error: Class "Workerman\\Worker" not found in /srv/app/start.php:4\n${'Stack trace:\n'.repeat(3)}`;
    const error = thrownBotError(() => parseStatus('', { stderr }));
    expect(error.code).toBe('workerman_php_error');
    expect(error.message).toContain('Class "Workerman\\Worker" not found');
    const long = thrownBotError(() => parseStatus(`\nParse error: syntax error, unexpected ${'x'.repeat(500)}\n`));
    expect(long.code).toBe('workerman_php_error');
    expect(long.message.length).toBeLessThan(420);
  });

  it('parseStatus() turns "Could not open input file" into start_file_missing', () => {
    const error = thrownBotError(() => parseStatus('Could not open input file: /srv/app/start.php\n'));
    expect(error.code).toBe('start_file_missing');
    expect(error.details).toEqual({ startFile: '/srv/app/start.php' });
    expect(error.message).toContain('workerman.startFile');
  });

  it('parseStatus() refuses empty and whitespace-only output', () => {
    for (const text of ['', '\n', '  \r\n\r\n']) expect(thrownBotError(() => parseStatus(text)).code).toBe('status_unparseable');
  });

  it('parseStatus() refuses output that is not Workerman status, naming the line', () => {
    const error = thrownBotError(() => parseStatus('bash: php: command not found\n'));
    expect(error.code).toBe('status_unparseable');
    expect(error.message).toContain('line 1');
  });

  it('parseStatus() refuses a process row with a column missing, naming the line and the counts', () => {
    const f = loadStatusFixtures().find((x) => x.base === 'wm4.1.17-idle') as StatusFixture;
    const broken = f.stdout.replace(/(19520\t\S+ +\S+ +\S+ +)\S+ +/, '$1');
    const error = thrownBotError(() => parseStatus(broken));
    expect(error.code).toBe('status_unparseable');
    expect(error.message).toMatch(/line 14 has 9 columns, expected 10/);
  });

  it('parseStatus() refuses the seed: the 3.0.1 layout with translated (Portuguese) headers', () => {
    // seed-status-3.0.1-translated.out is not real output: a documentation example whose translation
    // also translated the headers ("STATUS GLOBAL", "memória", "nome_do_worker"), with other columns
    // (timestamp, packet_err, ...: Workerman 2.x's layout, not the one 3.0.x prints; see
    // test/fixtures/README.md) and no Summary row. Columns cannot be found by name, so the parser says
    // why instead of guessing a table (real 3.0-3.4 output is read: parse-status-built.test.ts).
    const seed = readFileSync(join(SEED_FIXTURES, 'seed-status-3.0.1-translated.out'), 'utf8');
    const error = thrownBotError(() => parseStatus(seed));
    expect(error.code).toBe('status_unparseable');
    expect(error.message).toContain('line 2');
    expect(error.message).toContain('STATUS GLOBAL');
  });
});
