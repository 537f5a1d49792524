import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';

// Workerman titles its master `WorkerMan: master process  start_file=/srv/app/start.php`
// (cli_set_process_title rewrites the command line, which /proc/PID/cmdline shows).
const MASTER_TITLE = 'WorkerMan: master process';
// Files read at once: enough to be quick on a busy machine, few enough to leave the thread pool to others.
const BATCH = 32;

/**
 * Returns whether any process on this machine is a Workerman master, from `/proc/PID/cmdline` (no
 * process is started and nothing is signalled). Stops at the first one. False where there is no
 * /proc (or it cannot be read); a process that ends while it is read is skipped.
 */
export async function hasLocalWorkermanMaster(procDir = '/proc'): Promise<boolean> {
  let names: string[];
  try {
    names = (await readdir(procDir)).filter((name) => /^\d+$/.test(name));
  } catch {
    return false;
  }
  for (let i = 0; i < names.length; i += BATCH) {
    const titles = await Promise.all(
      names.slice(i, i + BATCH).map((pid) =>
        readFile(join(procDir, pid, 'cmdline'), 'latin1').catch(() => ''),
      ),
    );
    if (titles.some((title) => title.startsWith(MASTER_TITLE))) return true;
  }
  return false;
}
