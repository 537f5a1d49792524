import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../helpers/paths.js';

// Start-up cost is part of every CLI command: execa costs about 100 ms of CPU to load, ssh2 about 50 ms.
// The transports load their library with their first command, so the pool (imported by every command
// that reaches a host) loads neither, an SSH command never loads execa and a local one never loads ssh2.

/** The modules a source file imports for their values (`import type` is erased by tsc). */
function valueImports(file: string): string[] {
  const source = readFileSync(join(REPO_ROOT, 'src', 'transport', file), 'utf8');
  return [...source.matchAll(/^import\s+(?!type\s)[^;]*?from\s+'([^']+)'/gms)].map((m) => m[1]!);
}

describe('transport imports', () => {
  it('ssh.ts takes its process machinery from process-streams.ts, not from local.ts, and loads no library at import', () => {
    const imports = valueImports('ssh.ts');
    expect(imports).toContain('./process-streams.js');
    expect(imports).not.toContain('./local.js');
    expect(imports).not.toContain('execa');
    expect(imports).not.toContain('ssh2');
  });

  it('the modules ssh.ts connects through load no library at import (ssh2 only through load-ssh2.ts)', () => {
    const steps = [
      'connect-ssh.ts',
      'open-ssh-client.ts',
      'check-host-key.ts',
      'load-ssh-auth-methods.ts',
      'read-private-key-file.ts',
      'explain-ssh-error.ts',
      'start-ssh-command.ts',
      'remote-command-line.ts',
      'ssh-host.ts',
      'load-ssh2.ts',
    ];
    for (const file of steps) {
      const imports = valueImports(file);
      expect(imports, file).not.toContain('execa');
      expect(imports, file).not.toContain('ssh2');
      expect(imports, file).not.toContain('./local.js');
    }
  });

  it('local.ts and process-streams.ts load neither execa nor ssh2 at import', () => {
    for (const file of ['local.ts', 'process-streams.ts']) {
      const imports = valueImports(file);
      expect(imports, file).not.toContain('execa');
      expect(imports, file).not.toContain('ssh2');
    }
    expect(valueImports('process-streams.ts')).not.toContain('./local.js');
  });

  it('the pool imports only the two transports, the ssh2 loader (for preload) and its own types', () => {
    expect(valueImports('pool.ts').sort()).toEqual(['../errors.js', './load-ssh2.js', './local.js', './ssh.js']);
  });
});
