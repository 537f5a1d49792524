import { describe, expect, it } from 'vitest';
import { exitHint, isAbnormalExit } from '../../../src/workerman/exit-hint.js';

describe('exitHint()', () => {
  it('exitHint() points SIGKILL at the OOM killer, crash signals at core dumps, exit 255 at the PHP log', () => {
    expect(exitHint({ signal: 'SIGKILL', code: null })).toBe('the OOM killer? check `dmesg`/`journalctl -k`');
    for (const signal of ['SIGSEGV', 'SIGBUS', 'SIGILL', 'SIGFPE', 'SIGABRT']) expect(exitHint({ signal, code: null })).toMatch(/^a crash in PHP or an extension/);
    expect(exitHint({ signal: null, code: 255 })).toBe('a PHP fatal error: check the PHP error log');
  });

  it('exitHint() says nothing where the cause points nowhere in particular', () => {
    expect(exitHint({ signal: 'SIGTERM', code: null })).toBeNull();
    expect(exitHint({ signal: null, code: 1 })).toBeNull();
    expect(exitHint({ signal: null, code: 0 })).toBeNull();
  });

  it('isAbnormalExit() is true for any signal and any non-zero code, false for exit(0)', () => {
    expect(isAbnormalExit({ signal: 'SIGKILL', code: null })).toBe(true);
    expect(isAbnormalExit({ signal: null, code: 1 })).toBe(true);
    expect(isAbnormalExit({ signal: null, code: 0 })).toBe(false);
    expect(isAbnormalExit({ signal: null, code: null })).toBe(false);
  });
});
