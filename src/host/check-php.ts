import type { HostConfig } from '../config/host-config.js';
import { asBotError, oneLine } from '../errors.js';
import type { CommandResult } from '../transport/types.js';
import type { DoctorRun } from './doctor-run.js';
import type { DoctorCheck } from './doctor-types.js';

/** `php -v` as the SSH user: the configured PHP CLI runs and says it is PHP. */
export async function checkPhp(host: HostConfig, run: DoctorRun): Promise<DoctorCheck> {
  const php = host.workerman.php;
  const notFound = (): DoctorCheck => ({
    id: 'php',
    ok: false,
    detail: `PHP (workerman.php "${php}") was not found on ${host.name}`,
    fix: `install the PHP CLI on ${host.name}, or set workerman.php for ${host.name} to its full path (\`command -v php\` on the host)`,
  });
  let result: CommandResult;
  try {
    result = await run([php, '-v']);
  } catch (error) {
    const e = asBotError(error);
    return { id: 'php', ok: false, detail: `${e.message} (${e.code})`, fix: `run \`${php} -v\` on ${host.name} by hand` };
  }
  if (result.exitCode === 127 || /: (command )?not found\s*$/m.test(result.stderr)) return notFound();
  const first = oneLine(result.stdout.split('\n').find((l) => l.trim() !== '') ?? '', 120);
  if (result.exitCode !== 0 || !/^PHP \d/.test(first)) {
    return {
      id: 'php',
      ok: false,
      detail: `\`${php} -v\` on ${host.name} ${result.exitCode === 0 ? `printed "${first}"` : `failed (exit ${result.exitCode ?? result.signal ?? '?'}): ${oneLine(result.stderr, 160) || first || 'no output'}`}`,
      fix: `run \`${php} -v\` on ${host.name} by hand; set workerman.php to a working PHP CLI`,
    };
  }
  const asWho = host.workerman.runAs === undefined ? '' : ` (as the SSH user; status runs the php of helper.conf as ${host.workerman.runAs})`;
  return { id: 'php', ok: true, detail: `${php}: ${first}${asWho}`, fix: null };
}
