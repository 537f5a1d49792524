import { describe, expect, it } from 'vitest';
import { stopAdvice } from '../../../src/workerman/run-status.js';
import { findOrphanedWorkers, parseWorkermanProcessList, selectAppProcesses, soleRunningApp } from '../../../src/workerman/workerman-processes.js';

// Titles as in the fixtures' `ps` snapshots (test/fixtures/workerman-status/*-master-killed.json), in
// the host helper's `procs` lines: `@@wmops:proc PID PPID STATE START UID<TAB>CWD<TAB>TITLE`.
const APP = '/srv/wm/apps/v5.2.2/start.php';
const listing = [
  `@@wmops:hello 2 procs`,
  `@@wmops:proc 19365 1 S 65000 33\t/srv/wm/apps/v5.2.2\tWorkerMan: master process  start_file=${APP}`,
  '@@wmops:proc 19366 19365 S 65010 33\t/srv/wm/apps/v5.2.2\tWorkerMan: worker process  HttpApi01 http://127.0.0.1:18700',
  '@@wmops:proc 19373 19365 S 65011 33\t/srv/wm/apps/v5.2.2\tWorkerMan: worker process  cron_jobs none',
  '@@wmops:proc 31276 1 S 70000 33\t/srv/other\tWorkerMan: worker process  HttpApi01 http://127.0.0.1:18800',
  '@@wmops:proc 31277 1 S 70001 33\t/\tWorkerMan: worker process  HttpApi01 http://127.0.0.1:18800',
  '@@wmops:proc 40000 1 Z 71000 33\t\tWorkerMan: worker process  dead none',
  'garbage line',
  '@@wmops:done procs',
  '',
].join('\n');

describe('parseWorkermanProcessList()', () => {
  it('reads masters with their start file and workers with name, listen address, start time and cwd', () => {
    const processes = parseWorkermanProcessList(listing);
    expect(processes.map((p) => [p.pid, p.role])).toEqual([
      [19365, 'master'],
      [19366, 'worker'],
      [19373, 'worker'],
      [31276, 'worker'],
      [31277, 'worker'],
      [40000, 'worker'],
    ]);
    expect(processes[0]).toMatchObject({ startFile: APP, ppid: 1, cwd: '/srv/wm/apps/v5.2.2', startTime: 65000, uid: 33 });
    expect(processes[1]).toMatchObject({ workerName: 'HttpApi01', listen: 'http://127.0.0.1:18700' });
    expect(processes[2]).toMatchObject({ workerName: 'cron_jobs', listen: null });
    expect(processes[5]!.cwd).toBeNull();
  });
});

describe('findOrphanedWorkers()', () => {
  it('returns live workers whose parent is not a live master', () => {
    expect(findOrphanedWorkers(parseWorkermanProcessList(listing)).map((p) => p.pid)).toEqual([31276, 31277]);
  });

  it('treats workers of a zombie master as orphaned', () => {
    const zombie = listing.replace('19365 1 S 65000', '19365 1 Z 65000');
    expect(findOrphanedWorkers(parseWorkermanProcessList(zombie)).map((p) => p.pid)).toEqual([19366, 19373, 31276, 31277]);
  });
});

describe('selectAppProcesses()', () => {
  it('while the app has a live master: its workers, and only orphans in its directory', () => {
    const app = selectAppProcesses(parseWorkermanProcessList(listing), APP);
    expect(app.masters.map((p) => p.pid)).toEqual([19365]);
    expect(app.workers.map((p) => p.pid)).toEqual([19366, 19373]);
    expect(app.orphans).toEqual([]);
  });

  it('without a live master: every orphan, wherever it was started (from / too)', () => {
    const dead = listing.replace(/^@@wmops:proc 19365 .*\n/m, '');
    const app = selectAppProcesses(parseWorkermanProcessList(dead), APP);
    expect(app.masters).toEqual([]);
    expect(app.orphans.map((p) => p.pid)).toEqual([19366, 19373, 31276, 31277]);
  });

  it('soleRunningApp() names the one running app and refuses to guess between several', () => {
    expect(soleRunningApp(parseWorkermanProcessList(listing), 'web-1')).toBe(APP);
    const two = `${listing}@@wmops:proc 50000 1 S 1 0\t/srv/b\tWorkerMan: master process  start_file=/srv/b/start.php\n`;
    expect(() => soleRunningApp(parseWorkermanProcessList(two), 'web-1')).toThrow(/Several Workerman apps run on web-1/);
  });
});

describe('stopAdvice()', () => {
  it('names SIGINT (what stop sends; 4.x workers ignore SIGTERM) and the graceful SIGQUIT', () => {
    const advice = stopAdvice([31276, 31277]);
    expect(advice).toContain('kill -INT 31276 31277');
    expect(advice).toContain('kill -QUIT 31276 31277');
    expect(advice).toMatch(/4\.x workers ignore SIGTERM/);
  });
});
