import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { describeExitStatus, describeExits } from '../../../src/workerman/describe-exit-status.js';
import { parseStatus } from '../../../src/workerman/parse-status.js';
import { STATUS_FIXTURES } from '../../helpers/paths.js';

describe('describeExitStatus()', () => {
  it('describeExitStatus() decodes raw wait statuses: signals, exit codes, core dumps, text', () => {
    expect(describeExitStatus(9)).toBe('killed by SIGKILL (status 9)');
    expect(describeExitStatus(256)).toBe('exit(1) (status 256)');
    expect(describeExitStatus(139)).toBe('killed by SIGSEGV, core dumped (status 139)');
    expect(describeExitStatus('abc')).toBe('status abc');
    expect(describeExitStatus(0)).toBe('exit(0) (status 0)');
  });

  it('describeExits() gives each exit row its meaning and leaves the status it was given as it was', () => {
    const status = parseStatus(readFileSync(join(STATUS_FIXTURES, 'wm5.2.2-after-reload-kill9.out'), 'utf8'));
    const before = JSON.stringify(status);
    const described = describeExits(status);
    expect(described.workers.filter((w) => w.name === 'HttpApi01').map((w) => [w.exitStatus, w.meaning])).toEqual([
      [0, 'exit(0) (status 0)'],
      [9, 'killed by SIGKILL (status 9)'],
    ]);
    expect(described.processes).toBe(status.processes);
    expect(JSON.stringify(status)).toBe(before);
  });
});
