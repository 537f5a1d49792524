import { existsSync, readdirSync, statSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WatchThresholds } from '../../../src/config/watch-settings.js';
import { evaluateAlerts } from '../../../src/watch/evaluate-alerts.js';
import { createHostWindow } from '../../../src/watch/host-window.js';
import { loadWatchState, saveWatchState } from '../../../src/watch/watch-state-file.js';
import { createSequence } from '../../helpers/watch-sequence.js';

const OPTS = { windowMs: 6 * 3_600_000, maxSamples: 1000 };
const NOW = Date.UTC(2026, 10, 26, 7, 0, 0);

/** A window with a stuck pid, and the alert it opened. */
function scenario() {
  const seq = createSequence('wm5.2.2-busy-sleep');
  const window = createHostWindow('web-1', OPTS);
  for (let i = 0; i < 4; i++) window.push(seq.proc({ blocked: { 19366: { syscall: 'poll', wchan: 'poll_schedule_timeout' } } }));
  seq.status({ busy: [19366] });
  const { open } = evaluateAlerts(window.view(), [], seq.t, WatchThresholds.parse({}));
  return { window, alerts: open.map((a) => ({ ...a, meta: { slackTs: '1700000000.000100' } })) };
}

describe('saveWatchState() / loadWatchState()', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'wmops-state-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('a restart gets back the window and the open alerts (with their meta), file mode 0600, no temp file left', async () => {
    const path = join(dir, 'sub', 'watch-state.json');
    const { window, alerts } = scenario();
    expect(alerts).toHaveLength(1);
    const { bytes } = await saveWatchState(path, { windows: [window], alerts }, NOW);
    expect(bytes).toBe(statSync(path).size);
    expect((statSync(path).mode & 0o777).toString(8)).toBe('600');
    expect(readdirSync(join(dir, 'sub'))).toEqual(['watch-state.json']);
    const loaded = await loadWatchState(path, OPTS, NOW);
    expect(loaded.warning).toBeNull();
    expect(loaded.alerts).toEqual(alerts);
    expect(loaded.windows.get('web-1')!.view()).toEqual(window.view());
  });

  it('replaces the file atomically: a second save leaves a whole new file', async () => {
    const path = join(dir, 'atomic.json');
    const { window, alerts } = scenario();
    await saveWatchState(path, { windows: [window], alerts }, NOW);
    await saveWatchState(path, { windows: [window], alerts: [] }, NOW + 1);
    const json = JSON.parse(await readFile(path, 'utf8'));
    expect(json).toMatchObject({ version: 1, savedAt: NOW + 1, alerts: [] });
  });

  it('a missing file is a first start: empty, no warning', async () => {
    const loaded = await loadWatchState(join(dir, 'none.json'), OPTS, NOW);
    expect(loaded).toMatchObject({ alerts: [], warning: null, setAsidePath: null });
    expect(loaded.windows.size).toBe(0);
  });

  it.each([
    ['truncated', (text: string) => text.slice(0, Math.floor(text.length / 2)), /not valid JSON \(cut short or corrupt\)/],
    ['another version', (text: string) => text.replace('"version":1', '"version":7'), /not a state file of version 1 \(version:/],
    ['rows that do not add up', (text: string) => text.replace(/"ints":\[\d+,/, '"ints":['), /its content does not add up \(window of web-1: row count\)/],
    ['garbage', () => '\u0000\u0001binary', /not valid JSON/],
  ])('a %s file is set aside with a warning, never a crash', async (name, damage, why) => {
    const path = join(dir, `${name.replace(/ /g, '-')}.json`);
    const { window, alerts } = scenario();
    await saveWatchState(path, { windows: [window], alerts }, NOW);
    const damaged = damage(await readFile(path, 'utf8'));
    await writeFile(path, damaged);
    const loaded = await loadWatchState(path, OPTS, NOW);
    expect(loaded.windows.size).toBe(0);
    expect(loaded.alerts).toEqual([]);
    expect(loaded.warning).toMatch(why);
    expect(loaded.setAsidePath).toBe(`${path}.corrupt-20261126T070000Z`);
    expect(loaded.warning).toContain(`set aside as ${path}.corrupt-20261126T070000Z; starting with an empty window`);
    expect(existsSync(path)).toBe(false);
    expect(await readFile(loaded.setAsidePath!, 'utf8')).toBe(damaged);
  });
});
