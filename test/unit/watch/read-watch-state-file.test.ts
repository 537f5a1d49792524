import { readdirSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { readWatchStateFile, saveWatchState } from '../../../src/watch/watch-state-file.js';
import { buildHistoryScenario } from '../../helpers/history-scenario.js';

const OPTS = { windowMs: 6 * 3_600_000, maxSamples: 1000 };

describe('readWatchStateFile()', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'wmops-read-state-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  test('readWatchStateFile() gives back what the watcher saved', async () => {
    const { window } = buildHistoryScenario({ minutes: 60 });
    const path = join(dir, 'state.json');
    await saveWatchState(path, { windows: [window], alerts: [] }, 1_800_000_000_000);
    const state = await readWatchStateFile(path, OPTS);
    expect(state.savedAt).toBe(1_800_000_000_000);
    expect(state.windows.get('web-1')!.view()).toEqual(window.view());
  });

  test('readWatchStateFile() leaves a corrupt file where it is (the watcher owns it) and says why: history_unavailable', async () => {
    const path = join(dir, 'corrupt.json');
    await writeFile(path, '{"version":1,"savedAt":1,"alerts":[],"windows":[{"host":"web-1"');
    await expect(readWatchStateFile(path, OPTS)).rejects.toMatchObject({ code: 'history_unavailable', message: expect.stringContaining('not valid JSON (cut short or corrupt)') });
    expect(await readFile(path, 'utf8')).toContain('"host":"web-1"');
    expect(readdirSync(dir).filter((f) => f.startsWith('corrupt'))).toEqual(['corrupt.json']);
    await expect(readWatchStateFile(join(dir, 'none.json'), OPTS)).rejects.toMatchObject({ code: 'history_unavailable', message: expect.stringContaining('does not exist') });
  });
});
