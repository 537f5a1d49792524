import type { BotError } from '../errors.js';
import { oneLine } from '../errors.js';
import type { WorkermanStatus } from '../workerman/types.js';
import type { StatusSnapshot, StatusTrigger } from './types.js';

/** Returns the columns of a parsed status that the window keeps (memory, connections, requests, busy, exits). */
export function toStatusSnapshot(status: WorkermanStatus, t: number, trigger: StatusTrigger): StatusSnapshot {
  return {
    t,
    trigger,
    startedAt: status.startedAt,
    processes: status.processes.map((p) => ({
      pid: p.pid,
      worker: p.workerName,
      listen: p.listen,
      memoryBytes: p.memoryBytes,
      connections: p.connections,
      totalRequest: p.totalRequest,
      isBusy: p.status === 'busy',
    })),
    exits: status.workers.map((w) => ({ worker: w.name, status: w.exitStatus, count: w.exitCount })),
    error: null,
  };
}

/** Returns the snapshot of a status run that gave no table (not running, timed out, refused). */
export function failedStatusSnapshot(error: BotError, t: number, trigger: StatusTrigger): StatusSnapshot {
  return { t, trigger, startedAt: null, processes: [], exits: [], error: { code: error.code, message: oneLine(error.message, 300) } };
}
