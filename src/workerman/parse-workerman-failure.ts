import { BotError, oneLine } from '../errors.js';
import { splitOutputLines, type OutputLine } from './split-output-lines.js';

const FIRST_LINE = /^Workerman\[(.*)\] (status|connections)\s*$/;
const NOT_RUN = /^Workerman\[(.*)\] not run\s*$/;
const STALE_MASTER = /Master pid:\s*(\d+) is not alive/;
const PHP_ERROR = /(?:^|\s)(?:PHP )?(?:Fatal error|Parse error)\s*:/;
const INPUT_FILE = /^Could not open input file:\s*(.*)$/;
// 3.5+: `Usage: php yourfile <command> [mode]`; 3.0-3.4: `Usage: php yourfile.php {start|stop|restart|reload|status}`.
const USAGE = /^Usage: php \S+ (?:<command>|\{[a-z|]+\}\s*$)/;

/**
 * Recognises Workerman's (and PHP's) failure texts in the output of `status` or `connections`; returns
 * the typed error, or undefined when the output is not one of them. Workerman exits 0 in every case,
 * so the text is all there is to go by.
 *
 * @example
 * Workerman[start.php] status
 * Workerman[start.php] not run
 */
export function parseWorkermanFailure(
  lines: readonly OutputLine[],
  stderr: string,
  command: 'status' | 'connections',
): BotError | undefined {
  const errLines = splitOutputLines(stderr);
  const all = [...lines, ...errLines];

  const inputFile = firstMatch(all, INPUT_FILE);
  if (inputFile) {
    const startFile = inputFile.match[1]?.trim() ?? '';
    return new BotError(
      'start_file_missing',
      `PHP could not open the start file ${oneLine(startFile, 120)}: check workerman.startFile for this host (a path on the target, relative to the start file's directory or absolute).`,
      { details: { startFile } },
    );
  }

  const phpError = all.find((l) => PHP_ERROR.test(l.text));
  if (phpError) {
    return new BotError(
      'workerman_php_error',
      `PHP failed while running the start file: "${oneLine(phpError.text)}". Fix the start file or its dependencies (run \`php <startFile> ${command}\` on the host to see the whole error).`,
      { details: { line: oneLine(phpError.text) } },
    );
  }

  const denied = all.find((l) => /Permission denied|Operation not permitted/.test(l.text)) ??
    errLines.find((l) => l.text.startsWith('sudo:'));
  if (denied) {
    return new BotError(
      'permission_denied',
      `Workerman ${command} was not allowed to do its work: "${oneLine(denied.text)}". Run ${command} as the user the app runs as (set workerman.runAs for this host; it needs passwordless \`sudo -n -u\`).`,
      { details: { line: oneLine(denied.text) } },
    );
  }

  // Before 3.3.3 Workerman went on after "not run" (3.1.x-3.3.1 even signal their own process group
  // and die of it, or warn on stderr that the statistics file is missing): the line is what counts.
  const notRun = firstMatch(lines, NOT_RUN);
  if (notRun) {
    const startFile = notRun.match[1] ?? '';
    const stale = firstMatch(lines, STALE_MASTER);
    const stalePid = stale ? Number(stale.match[1]) : undefined;
    const staleText = stalePid === undefined ? '' : ` (its pid file names master ${stalePid}, which is not alive)`;
    return new BotError(
      'workerman_not_running',
      `Workerman says ${startFile || 'the start file'} is not running${staleText}. Start it (\`php ${startFile || 'start.php'} start -d\`). If it should be running: its master may have died while workers still serve, or ${command} ran as a user that cannot signal the master (set workerman.runAs).`,
      { details: stalePid === undefined ? { startFile } : { startFile, stalePid } },
    );
  }

  const usage = lines.find((l) => USAGE.test(l.text) || /^Unknown command:/.test(l.text));
  if (usage) {
    const unknown = lines.find((l) => /^Unknown command:/.test(l.text));
    const quoted = unknown ? ` ("${oneLine(unknown.text)}")` : '';
    return new BotError(
      'status_unparseable',
      `The start file printed its usage instead of a ${command} table${quoted}: is it a Workerman start file? (If it is, check that this Workerman version supports \`${command}\`.)`,
      { details: { line: usage.lineNo } },
    );
  }

  // The master answers by writing the statistics file; a dead (zombie) or hung master never does, and
  // the command then prints only its first line (5.x also warns on stderr that the file is missing).
  const meaningful = lines.filter((l) => l.text.trim() !== '' && !/^Start worker in \w+ mode\.?$/.test(l.text.trim()));
  const first = meaningful[0];
  const firstLine = first ? FIRST_LINE.exec(first.text) : null;
  if (meaningful.length === 1 && firstLine && firstLine[2] === command) {
    const startFile = firstLine[1] ?? '';
    return new BotError(
      'workerman_not_running',
      `The Workerman master of ${startFile || 'the start file'} did not answer ${command}: it is dead (a zombie not yet reaped) or not answering signals. Check \`ps\` for "WorkerMan: master process" and its workers, then restart the app.`,
      { details: { startFile, masterAnswered: false } },
    );
  }
  return undefined;
}

function firstMatch(lines: readonly OutputLine[], re: RegExp): { line: OutputLine; match: RegExpExecArray } | undefined {
  for (const line of lines) {
    const match = re.exec(line.text);
    if (match) return { line, match };
  }
  return undefined;
}
