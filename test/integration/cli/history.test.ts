// `workerman-ops history` spawned from the BUILT CLI (npm test compiles first), reading a watch state
// file built from real captures (test/helpers/history-scenario.ts) without any bot running.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { saveWatchState } from '../../../src/watch/watch-state-file.js';
import { buildHistoryScenario, RATE_PER_PROCESS } from '../../helpers/history-scenario.js';
import { REPO_ROOT } from '../../helpers/paths.js';
import { readPng } from '../../helpers/png.js';

const BIN = join(REPO_ROOT, 'dist', 'src', 'cli', 'bin.js');
const dir = mkdtempSync(join(tmpdir(), 'wmops-history-cli-'));
const stateFile = join(dir, 'watch-state.json');
const config = join(dir, 'ops.yml');

function cli(args: string[]) {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd: dir, encoding: 'utf8', env: { PATH: process.env.PATH, HOME: dir }, timeout: 55_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

beforeAll(async () => {
  const { window } = buildHistoryScenario();
  await saveWatchState(stateFile, { windows: [window], alerts: [] }, Date.now());
  writeFileSync(
    config,
    [
      'hosts:',
      '  - name: web-1',
      '    workerman: { startFile: /srv/app/start.php }',
      '  - name: web-2',
      '    workerman: { startFile: /srv/app/start.php }',
      'watch:',
      '  hosts: [web-1, web-2]',
      `  stateFile: ${stateFile}`,
      '',
    ].join('\n'),
  );
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('workerman-ops history', () => {
  it('history <host> --png FILE writes a PNG that decodes, 900 × 640, and prints the numbers', () => {
    const r = cli(['history', 'web-1', '--config', config, '--png', 'web-1.png']);
    expect(r.code, r.stderr).toBe(0);
    const png = readPng(readFileSync(join(dir, 'web-1.png')));
    expect([png.width, png.height]).toEqual([900, 640]);
    expect(r.stdout).toMatch(/^web-1: 11-26 06:00–11:59 UTC \(6 h\), 357 \/proc samples, 3 unanswered, 34 status intervals\n/);
    expect(r.stdout).toMatch(/\n {2}HttpApi01 +40\.\d → +40\.\d {3}min 40\.\d {2}max 5\d\.\d\n/);
    expect(r.stdout).toContain('8 process(es) started counting requests again (a reload or a restart): counted from 0.');
    expect(r.stdout).toMatch(/Wrote web-1\.png \(900 × 640 px, \d+\.\d KiB\)\.\n$/);
  });

  it('history <host> [window] --json prints the buckets and one series per worker', () => {
    const r = cli(['history', 'web-1', '2h', '--config', config, '--json']);
    expect(r.code, r.stderr).toBe(0);
    const json = JSON.parse(r.stdout);
    expect(Object.keys(json)).toEqual(['host', 'windowS', 'from', 'to', 'missedSamples', 'counterResets', 'memory', 'requests']);
    expect(json).toMatchObject({ host: 'web-1', windowS: 7200, from: '2026-11-26T09:59:00.000Z', to: '2026-11-26T11:59:00.000Z', missedSamples: 3, counterResets: 0 });
    expect(json.memory.unit).toBe('MB');
    expect(json.memory.series.map((s: { name: string }) => s.name).sort()).toEqual(Object.keys(RATE_PER_PROCESS).sort());
    for (const chart of [json.memory, json.requests]) {
      for (const s of chart.series) expect(s.values).toHaveLength(chart.buckets.length);
      expect(chart.buckets[0]).toEqual({ start: expect.stringMatching(/^2026-11-26T09:59:00\.000Z$/), end: expect.any(String) });
    }
    const http = json.requests.series.find((s: { name: string }) => s.name === 'HttpApi01');
    expect(http.values.filter((v: number | null) => v !== null).every((v: number) => v === 20)).toBe(true);
    // A gap where the host did not answer (minutes 240-242 of the scenario).
    expect(json.memory.series[0].values).toContain(null);
  });

  it('history reads the state file read-only and never needs a running bot; --state-file reads a copy', () => {
    const before = statSync(stateFile).mtimeMs;
    const copy = join(dir, 'copy.json');
    writeFileSync(copy, readFileSync(stateFile));
    const r = cli(['history', 'web-1', '30m', '--state-file', 'copy.json', '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).windowS).toBe(1800);
    expect(statSync(stateFile).mtimeMs).toBe(before);
  });

  it('history without a history exits 60 and says why; a corrupt state file is left where it is', () => {
    const none = cli(['history', 'web-2', '--config', config]);
    expect(none.code).toBe(60);
    expect(none.stderr).toContain(`${stateFile} has no samples of web-2 (it has web-1).`);
    const corrupt = join(dir, 'corrupt.json');
    writeFileSync(corrupt, '{"version":1,"savedAt":');
    const bad = cli(['history', 'web-1', '--state-file', corrupt, '--json']);
    expect(bad.code).toBe(60);
    expect(JSON.parse(bad.stdout).error).toMatchObject({ code: 'history_unavailable', message: expect.stringContaining('not valid JSON (cut short or corrupt)') });
    expect(readdirSync(dir).filter((f) => f.startsWith('corrupt'))).toEqual(['corrupt.json']);
    expect(cli(['history', 'web-1', 'soon', '--config', config]).code).toBe(2);
    expect(cli(['history', 'nosuch', '--config', config]).code).toBe(4);
  });
});
