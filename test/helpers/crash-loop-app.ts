import { readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { startFakeWorkerman, type FakeWorkerman } from './fake-workerman.js';
import { STATUS_FIXTURES } from './paths.js';
import { editStatusText } from './watch-sequence.js';
import { createFakeApp, type FakeApp } from './workerman-app.js';

/** The workers of wm5.2.2-busy-sleep as fake-workerman specs, in the order of the capture's pids. */
const BUSY_SLEEP_WORKERS = [...Array<string>(4).fill('HttpApi01:idle'), 'ws-notifications-gateway:idle', 'ws-notifications-gateway:idle', 'TextCmd2:idle', 'cron_jobs:sleep'];
const BUSY_SLEEP_PIDS = [19366, 19367, 19368, 19369, 19370, 19371, 19372, 19373];

/**
 * A fake app and the real processes behind it for watch tests: status run k replays wm5.2.2-busy-sleep
 * with the pids of real fake-workerman processes, requests still moving (no stall) and HttpApi01's
 * SIGKILL exits at `exitCounts[k]` (the last capture repeats). The captures are written below `dir`.
 * The caller ends both: `app.cleanup()`, `wm.stop()`.
 */
export async function startCrashLoopApp(dir: string, exitCounts: readonly number[]): Promise<{ app: FakeApp; wm: FakeWorkerman }> {
  const capDir = join(dir, 'caps');
  await mkdir(capDir, { recursive: true });
  const app = await createFakeApp({ status: exitCounts.map((_, k) => join(capDir, `s${k}`)) });
  let wm: FakeWorkerman;
  try {
    wm = await startFakeWorkerman(app.startFile, BUSY_SLEEP_WORKERS);
  } catch (error) {
    await app.cleanup();
    throw error;
  }
  const pids = Object.fromEntries(BUSY_SLEEP_PIDS.map((p, i) => [p, wm.workers[i]!.pid]));
  const base = readFileSync(join(STATUS_FIXTURES, 'wm5.2.2-busy-sleep.out'), 'utf8');
  for (const [k, count] of exitCounts.entries()) {
    const totals = Object.fromEntries(wm.workers.map((w, i) => [w.pid, 1000 * (k + 1) + i]));
    await writeFile(join(capDir, `s${k}.out`), editStatusText(base, { pids, totalRequest: totals, exits: [{ worker: 'HttpApi01', status: 9, count }] }));
    await writeFile(join(capDir, `s${k}.json`), '{"exit_code":0}');
  }
  return { app, wm };
}
