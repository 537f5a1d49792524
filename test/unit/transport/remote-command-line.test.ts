import { describe, expect, it } from 'vitest';
import { remoteCommandLine } from '../../../src/transport/remote-command-line.js';

describe('remoteCommandLine()', () => {
  it('remoteCommandLine() wraps argv in timeout one second past the deadline', () => {
    expect(remoteCommandLine(['php', '/srv/wm/start.php', 'status'], { timeoutMs: 10_000 })).toBe(
      'exec timeout -k 5 11 php /srv/wm/start.php status',
    );
    // Sub-second deadlines round up.
    expect(remoteCommandLine(['true'], { timeoutMs: 1 })).toBe('exec timeout -k 5 2 true');
  });

  it('remoteCommandLine() changes into a quoted cwd first', () => {
    expect(remoteCommandLine(['ls'], { timeoutMs: 2_000, cwd: "/srv/it's here" })).toBe(
      "cd '/srv/it'\\''s here' && exec timeout -k 5 3 ls",
    );
  });

  it('remoteCommandLine() quotes every word and refuses NUL and empty argv', () => {
    expect(remoteCommandLine(['echo', '$(id)', 'a;b'], { timeoutMs: 1_000 })).toBe("exec timeout -k 5 2 echo '$(id)' 'a;b'");
    expect(() => remoteCommandLine([], { timeoutMs: 1_000 })).toThrow(/empty/);
    expect(() => remoteCommandLine(['echo', 'a\0'], { timeoutMs: 1_000 })).toThrow(/NUL/);
  });
});
