/** Types of a parsed `php start.php status` (the `--json` contract, see README "JSON contract"). */

export interface WorkermanInfo {
  version: string | null;
  phpVersion: string | null;
  /** `Event`, `Select`, `event`, … as Workerman prints it (class short name in 3.x/4.x). */
  eventLoop: string | null;
}

export interface WorkerExitRow {
  name: string;
  /** Raw wait status as printed (a number when numeric). */
  exitStatus: number | string;
  exitCount: number;
}

export interface ProcessRow {
  pid: number;
  workerName: string;
  listen: string | null;
  memoryBytes: number | null;
  connections: number | null;
  sendFail: number | null;
  timers: number | null;
  totalRequest: number | null;
  /** Real requests/s from two samples (`--qps`) or from live-mode frames; null when not measured. */
  qps: number | null;
  status: 'idle' | 'busy' | null;
  /** Columns this parser does not know, by header name, raw text. */
  extra: Record<string, string>;
}

/** `abnormal-exit`: one abnormal exit of a worker since start; `crash-loop`: two or more. */
export type FindingKind = 'busy' | 'abnormal-exit' | 'crash-loop' | 'memory-outlier' | 'not-reported' | 'orphaned-workers';

export interface Finding {
  kind: FindingKind;
  pid: number | null;
  worker: string | null;
  message: string;
}

export interface WorkermanStatus {
  host: string | null;
  workerman: WorkermanInfo;
  startedAt: string | null;
  uptime: string | null;
  loadAverage: number[] | null;
  workerCount: number | null;
  processCount: number | null;
  workers: WorkerExitRow[];
  processes: ProcessRow[];
  findings: Finding[];
}

/** A worker's exit row with its raw status in words (`killed by SIGKILL (status 9)`), for people to read. */
export interface DescribedWorkerExit extends WorkerExitRow {
  meaning: string;
}

/** A status whose exit rows carry their meaning: what the terminal renderer is given (not the `--json` contract, which keeps the raw rows). */
export interface DescribedStatus extends Omit<WorkermanStatus, 'workers'> {
  workers: DescribedWorkerExit[];
}

/** One row of `php start.php connections`. */
export interface ConnectionRow {
  pid: number;
  worker: string;
  cid: number;
  transport: string;
  protocol: string;
  ipv4: boolean;
  ipv6: boolean;
  recvQueue: string;
  sendQueue: string;
  bytesRead: string;
  bytesWritten: string;
  status: string;
  localAddress: string;
  foreignAddress: string;
}

export interface WorkermanConnections {
  host: string | null;
  connections: ConnectionRow[];
}
