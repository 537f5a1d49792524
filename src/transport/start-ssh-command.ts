import type { ClientChannel } from 'ssh2';
import { BotError, oneLine } from '../errors.js';
import type { SshConnection } from './connect-ssh.js';
import type { CommandExit, StartedCommand } from './process-streams.js';
import { describeSshEndpoint, type SshHost } from './ssh-host.js';
import type { RunOptions } from './types.js';

/**
 * Opens a channel on the connection that runs commandLine (argv, as remoteCommandLine quoted it) and
 * returns its streams, its end and a stop that asks for TERM then drops the channel. `release` runs
 * once the channel closes. A connection lost under the command ends it with `ssh_connect_failed`.
 */
export async function startSshCommand(
  host: SshHost,
  connection: SshConnection,
  commandLine: string,
  argv: readonly string[],
  opts: RunOptions,
  release: () => void,
): Promise<StartedCommand> {
  let exit: CommandExit | null = null;
  const channel = await new Promise<ClientChannel>((resolve, reject) => {
    connection.client.exec(commandLine, (error, stream) => {
      if (error) {
        reject(
          new BotError('ssh_connect_failed', `Could not open an SSH channel on ${describeSshEndpoint(host, 'host')}: ${oneLine(error.message)}.`, {
            cause: error,
          }),
        );
        return;
      }
      // Listen here, synchronously: a short command's exit-status can arrive in the same packet batch
      // as the channel confirmation and is emitted before an awaiting caller would resume.
      stream.on('exit', (code: number | null, signal?: string) => {
        exit = typeof code === 'number' ? { exitCode: code, signal: null } : { exitCode: null, signal: signal ?? null };
      });
      resolve(stream);
    });
  });
  if (opts.input !== undefined) channel.end(opts.input);
  else channel.end();
  let isStopped = false;
  const ended = new Promise<CommandExit>((resolve, reject) => {
    channel.once('close', () => {
      release();
      // After our TERM, `timeout` exits 124: report it as what it is, the end by our signal.
      if (isStopped) resolve({ exitCode: null, signal: exit === null ? null : 'SIGTERM' });
      else if (exit !== null) resolve(exit);
      else if (connection.isLost && !isStopped) {
        reject(
          new BotError('ssh_connect_failed', `The SSH connection to ${describeSshEndpoint(host, 'host')} was lost while running ${oneLine(argv[0] ?? '', 60)}.`),
        );
      } else resolve({ exitCode: null, signal: null });
    });
  });
  // Marked handled here; the caller awaits it.
  ended.catch(() => {});
  return {
    stdout: channel,
    stderr: channel.stderr,
    ended,
    stop: () => {
      if (isStopped) return;
      isStopped = true;
      // Ask sshd to pass TERM to `timeout` (which forwards it to the command); servers may ignore
      // the request, so the remote `timeout` stays the guarantee. Then drop the channel.
      try {
        channel.signal('TERM');
      } catch {
        // The channel is already gone.
      }
      channel.close();
    },
  };
}
