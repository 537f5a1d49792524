import { LogLevel, type Logger } from '@slack/bolt';

const ORDER: Record<LogLevel, number> = {
  [LogLevel.DEBUG]: 0,
  [LogLevel.INFO]: 1,
  [LogLevel.WARN]: 2,
  [LogLevel.ERROR]: 3,
};

// Safety net: whatever a caller passes, tokens, signing-secret-like values and response URLs (bearer-like
// for 30 minutes) never reach the log.
const SECRETS: readonly [RegExp, string][] = [
  [/xox[a-z]-[A-Za-z0-9-]+/g, 'xox*-[redacted]'],
  [/xapp-[A-Za-z0-9-]+/g, 'xapp-[redacted]'],
  [/https:\/\/hooks\.slack\.com\/[^\s"]+/g, 'https://hooks.slack.com/[redacted]'],
];

/** Returns `Name: message` of anything thrown, for a log line's `error` field. */
export function describeError(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

/** Redacts Slack tokens and response URLs from a log line. */
export function redactSecrets(line: string): string {
  return SECRETS.reduce((s, [re, by]) => s.replace(re, by), line);
}

/**
 * Returns a Bolt-compatible Logger writing one JSON object per line. A single plain-object argument becomes
 * the line's fields (`logger.info({ event: 'request', … })`); anything else is joined into `msg`.
 */
export function createJsonLogger(opts: { level?: LogLevel; name?: string; write?: (line: string) => void } = {}): Logger {
  let level = opts.level ?? LogLevel.INFO;
  let name = opts.name ?? 'workerman-ops';
  const write = opts.write ?? ((line: string) => process.stdout.write(`${line}\n`));
  const log =
    (at: LogLevel) =>
    (...msg: unknown[]): void => {
      if (ORDER[at] < ORDER[level]) return;
      const first = msg[0];
      const fields =
        msg.length === 1 && first !== null && typeof first === 'object' && !(first instanceof Error)
          ? (first as Record<string, unknown>)
          : { msg: msg.map((m) => (m instanceof Error ? `${m.name}: ${m.message}` : typeof m === 'string' ? m : safeJson(m))).join(' ') };
      write(redactSecrets(safeJson({ time: new Date().toISOString(), level: at, name, ...fields })));
    };
  return {
    debug: log(LogLevel.DEBUG),
    info: log(LogLevel.INFO),
    warn: log(LogLevel.WARN),
    error: log(LogLevel.ERROR),
    setLevel: (l: LogLevel) => {
      level = l;
    },
    getLevel: () => level,
    setName: (n: string) => {
      name = n;
    },
  };
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}
