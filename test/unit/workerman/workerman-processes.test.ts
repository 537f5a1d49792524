import { describe, expect, it } from 'vitest';
import { findOrphanedWorkers, parseWorkermanProcessList } from '../../../src/workerman/workerman-processes.js';

// Titles as in the fixtures' `ps` snapshots (test/fixtures/workerman-status/*-master-killed.json).
const listing = [
  '19365\t1\tSs\t/srv/wm/apps/v5.2.2\tWorkerMan: master process  start_file=/srv/wm/apps/v5.2.2/start.php',
  '19366\t19365\tS\t/srv/wm/apps/v5.2.2\tWorkerMan: worker process  HttpApi01 http://127.0.0.1:18700',
  '19373\t19365\tS\t/srv/wm/apps/v5.2.2\tWorkerMan: worker process  cron_jobs none',
  '31276\t1\tS\t/srv/other\tWorkerMan: worker process  HttpApi01 http://127.0.0.1:18800',
  '40000\t1\tZ\t\tWorkerMan: worker process  dead none',
  'garbage line',
  '',
].join('\n');

describe('parseWorkermanProcessList()', () => {
  it('reads masters with their start file and workers with name and listen address', () => {
    const processes = parseWorkermanProcessList(listing);
    expect(processes.map((p) => [p.pid, p.role])).toEqual([
      [19365, 'master'],
      [19366, 'worker'],
      [19373, 'worker'],
      [31276, 'worker'],
      [40000, 'worker'],
    ]);
    expect(processes[0]).toMatchObject({ startFile: '/srv/wm/apps/v5.2.2/start.php', ppid: 1, cwd: '/srv/wm/apps/v5.2.2' });
    expect(processes[1]).toMatchObject({ workerName: 'HttpApi01', listen: 'http://127.0.0.1:18700' });
    expect(processes[2]).toMatchObject({ workerName: 'cron_jobs', listen: null });
    expect(processes[4]!.cwd).toBeNull();
  });
});

describe('findOrphanedWorkers()', () => {
  it('returns live workers whose parent is not a live master', () => {
    expect(findOrphanedWorkers(parseWorkermanProcessList(listing)).map((p) => p.pid)).toEqual([31276]);
  });

  it('treats workers of a zombie master as orphaned', () => {
    const zombie = listing.replace('19365\t1\tSs', '19365\t1\tZs');
    expect(findOrphanedWorkers(parseWorkermanProcessList(zombie)).map((p) => p.pid)).toEqual([19366, 19373, 31276]);
  });
});
