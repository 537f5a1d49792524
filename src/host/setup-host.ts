import type { HostConfig } from '../config/schema.js';
import { quoteArg } from '../transport/quote.js';
import { helperConfPath, helperUsesSudo, loadHelper } from './helper.js';

/** The only sudoers rule the bot needs: the SSH user may run the helper as root, and nothing else. */
export function sudoersLine(sshUser: string, helperPath: string): string {
  return `${sshUser} ALL=(root) NOPASSWD: ${helperPath}`;
}

/**
 * The helper's root-owned config for a host: the app(s), php, the app's user and strace. Under sudo the
 * helper takes these from here, never from its caller.
 */
export function renderHelperConf(host: HostConfig): string {
  const lines = [
    `# workerman-ops helper.conf for ${host.name}: read by ${host.helperPath} under sudo. root:root 0644.`,
    '# One start_file= line per app the bot may trace and query (as the bot config says).',
    `start_file=${host.workerman.startFile ?? '/srv/app/start.php'}`,
    `php=${host.workerman.php}`,
  ];
  if (host.workerman.runAs !== undefined) lines.push(`run_as=${host.workerman.runAs}`);
  else lines.push('# run_as=www-data   (the app\'s user, for status through the helper: workerman.runAs)');
  lines.push(`strace=${host.strace.path}`, `max_duration_s=${Math.ceil(host.strace.maxDurationS)}`);
  return `${lines.join('\n')}\n`;
}

export interface SetupHostOptions {
  /** The address the bot connects from (the `from=` of authorized_keys); a placeholder when unknown. */
  from?: string;
  /** The bot's public key line, when known (else a placeholder). */
  publicKey?: string;
}

/**
 * Returns the commands that set a host up for the bot, in order: the bot's key, the restricted
 * authorized_keys line, the helper installed root-owned, its helper.conf, the sudoers rule checked with
 * visudo, and the check. Every line names values from the config only.
 */
export function renderSetupHost(host: HostConfig, opts: SetupHostOptions = {}): string {
  const ssh = host.ssh;
  const user = ssh?.username ?? 'deploy';
  const target = ssh === undefined ? 'this machine' : host.name;
  const keyFile = ssh?.privateKeyFile ?? '~/.ssh/workerman-ops_ed25519';
  const from = opts.from ?? 'BOT-ADDRESS';
  const publicKey = opts.publicKey ?? 'ssh-ed25519 AAAA…(the .pub of the key above) workerman-ops';
  const sudo = helperUsesSudo(host, 'procs');
  const conf = helperConfPath(host.helperPath);
  const out: string[] = [`# workerman-ops setup-host ${host.name}`, ''];
  if (ssh !== undefined) {
    out.push(
      '# 1. On the bot\'s machine: a key for the bot (or use ssh.agent / ssh.passphraseEnv).',
      `ssh-keygen -t ed25519 -N '' -C workerman-ops -f ${keyFile}`,
      '',
      `# 2. On ${target}, in ~${user}/.ssh/authorized_keys (mode 600): the bot's key, restricted.`,
      '#    restrict: no pty, no forwarding, no agent; from=: only the bot\'s address. No forced command: the',
      '#    bot runs a few different commands (status, the helper); the sudo rule below is what bounds root.',
      `restrict,from="${from}" ${publicKey}`,
      '',
    );
  }
  if (!sudo) {
    out.push(
      `# ${host.name} uses neither strace.sudo nor workerman.runAs: the helper runs as the SSH user (${user}),`,
      '# sent with each command; nothing to install. To trace, that user must be the app\'s user (or root),',
      '# with kernel.yama.ptrace_scope 0 or 1 for the same user. For root-owned or other users\' apps, set',
      '# strace.sudo: true and run this command again for the helper and its sudo rule.',
      '',
      `# Check: workerman-ops doctor ${host.name}`,
    );
    return `${out.join('\n')}\n`;
  }
  const { sha256 } = loadHelper();
  const onHost = ssh === undefined ? '' : `ssh root@${ssh.address}${ssh.port === 22 ? '' : ` -p ${ssh.port}`} `;
  out.push(
    `# 3. The helper, installed root-owned (sha256 ${sha256}). From the bot's machine:`,
    `${onHost}${quoteArg(`install -o root -g root -m 0755 /dev/stdin ${host.helperPath}`)} < "$(workerman-ops setup-host --helper-file)"`,
    '#    (or: workerman-ops setup-host --print-helper > workerman-ops-helper, copy it over, install it as above)',
    '',
    `# 4. On ${target}, as root: its config, root-owned.`,
    `install -d -o root -g root -m 0755 ${dirnameOf(conf)}`,
    `cat > ${conf} <<'WORKERMAN_OPS_CONF'`,
    renderHelperConf(host).trimEnd(),
    'WORKERMAN_OPS_CONF',
    `chown root:root ${conf} && chmod 0644 ${conf}`,
    '',
    `# 5. On ${target}, as root: the only sudo rule the bot needs, checked by visudo before it is installed.`,
    `printf '%s\\n' ${quoteArg(sudoersLine(user, host.helperPath))} > /tmp/workerman-ops.sudoers \\`,
    '  && visudo -cf /tmp/workerman-ops.sudoers \\',
    '  && install -o root -g root -m 0440 /tmp/workerman-ops.sudoers /etc/sudoers.d/workerman-ops; rm -f /tmp/workerman-ops.sudoers',
    '#    Do not add rules for strace or php: `sudo strace` and `sudo php` are each a root shell.',
    '',
    `# 6. Check: workerman-ops doctor ${host.name}`,
  );
  return `${out.join('\n')}\n`;
}

function dirnameOf(path: string): string {
  return path.slice(0, path.lastIndexOf('/')) || '/';
}
