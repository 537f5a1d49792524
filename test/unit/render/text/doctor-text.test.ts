import { describe, expect, it } from 'vitest';
import type { DoctorReport } from '../../../../src/host/doctor-types.js';
import { renderDoctorText } from '../../../../src/render/text/doctor-text.js';

const report: DoctorReport = {
  hosts: [
    {
      host: 'web-1',
      ok: false,
      checks: [
        { id: 'ssh.reach', ok: true, detail: '10.0.0.5:22 answers', fix: null },
        { id: 'strace', ok: false, detail: 'strace (/opt/strace) is not installed on web-1', fix: 'install strace on web-1 (`apt-get install strace`)' },
        { id: 'helper', ok: 'warn', detail: 'differs from this bot\'s; reinstall', fix: 'run `workerman-ops setup-host web-1`' },
      ],
    },
    { host: 'db-1', ok: true, checks: [{ id: 'local', ok: true, detail: 'local, no SSH: \u001b[31mred', fix: null }] },
  ],
};

describe('renderDoctorText()', () => {
  it('without colour: ok/FAIL/warn, aligned, a fix under each failure and warning, a summary', () => {
    expect(renderDoctorText(report, { color: false })).toMatchInlineSnapshot(`
      "web-1: 1 problem, 1 warning
        ok    ssh.reach  10.0.0.5:22 answers
        FAIL  strace     strace (/opt/strace) is not installed on web-1
                         fix: install strace on web-1 (\`apt-get install strace\`)
        warn  helper     differs from this bot's; reinstall
                         fix: run \`workerman-ops setup-host web-1\`

      db-1: ok
        ok    local  local, no SSH: \\x1b[31mred

      2 hosts: 1 ok, 1 with problems
      "
    `);
  });

  it('with colour (a terminal): ✔ ✘ ! marks in colour', () => {
    const text = renderDoctorText(report, { color: true });
    expect(text).toContain('\u001b[32m✔\u001b[0m  ssh.reach');
    expect(text).toContain('\u001b[31m✘\u001b[0m  strace');
    expect(text).toContain('\u001b[33m!\u001b[0m  helper');
    expect(text).not.toMatch(/\bFAIL\b/);
    // Host output never drives the terminal, colour or not.
    expect(text).toContain('\\x1b[31mred');
  });
});
