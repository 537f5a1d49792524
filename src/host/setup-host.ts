import type { HostConfig } from '../config/host-config.js';
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
  /** For a host without SSH (this machine): the user the bot runs as, who gets the sudo rule. */
  localUser?: string;
}

/**
 * Returns the commands that set a host up for the bot, in order, each block saying where it runs: the
 * bot's key, the restricted authorized_keys line, and where the host uses sudo the helper installed
 * root-owned, its helper.conf, the sudoers rule checked with visudo before it is installed, and the
 * check. Every line names values from the config (or the options) only.
 */
export function renderSetupHost(host: HostConfig, opts: SetupHostOptions = {}): string {
  const ssh = host.ssh;
  const user = ssh?.username ?? opts.localUser ?? 'deploy';
  const target = ssh === undefined ? 'this machine' : host.name;
  const keyFile = ssh?.privateKeyFile ?? '~/.ssh/workerman-ops_ed25519';
  const from = opts.from ?? 'BOT-ADDRESS';
  const publicKey = opts.publicKey ?? 'ssh-ed25519 AAAA…(the .pub of the key above) workerman-ops';
  const sudo = helperUsesSudo(host, 'procs');
  const conf = helperConfPath(host.helperPath);
  const out: string[] = [`# workerman-ops setup-host ${host.name}: run each block where its comment says.`, ''];
  let step = 0;
  if (ssh !== undefined) {
    out.push(
      `# ${++step}. On the bot's machine: a key for the bot (skip if ${keyFile} exists; or use ssh.agent / ssh.passphraseEnv).`,
      `ssh-keygen -t ed25519 -N '' -C workerman-ops -f ${keyFile}`,
      '',
      `# ${++step}. On ${target}, one line in ~${user}/.ssh/authorized_keys (directory 0700, file 0600, both ${user}'s):`,
      '#    the bot\'s key, restricted. `restrict` (OpenSSH 7.2+): no pty, no port, agent or X11 forwarding, no',
      '#    ~/.ssh/rc; `from=`: only from the bot\'s address. No forced command (command="…"): the bot runs',
      '#    several commands (id, test, php … status, the helper), each an argv of its own, and a forced',
      '#    command would have to parse them back out of SSH_ORIGINAL_COMMAND, a shell string: more to get',
      '#    wrong on the host than it would bound. What bounds root is the sudo rule below, naming only the helper.',
      `restrict,from="${from}" ${publicKey}`,
      '',
    );
  }
  if (!sudo) {
    out.push(
      `# ${host.name} uses neither strace.sudo nor workerman.runAs: the helper runs as ${ssh === undefined ? 'the bot\'s user' : 'the SSH user'} (${user}),`,
      '# sent with each command; nothing to install. To trace, that user must run the app (or be root):',
      '# without sudo the helper traces only processes of its own uid, and only with',
      '# kernel.yama.ptrace_scope 0 (1 and 2 need CAP_SYS_PTRACE: root). For an app of another user, set',
      '# strace.sudo: true and run this command again for the helper and its sudo rule.',
      '',
      `# Check, on the bot's machine: workerman-ops doctor ${host.name}`,
    );
    return `${out.join('\n')}\n`;
  }
  const helper = loadHelper();
  const helperDir = dirnameOf(host.helperPath);
  out.push(`# ${++step}. The helper, installed root-owned (sha256 ${helper.sha256}).`);
  if (ssh === undefined) {
    out.push('#    On this machine, as root:', `install -o root -g root -m 0755 ${quoteArg(helper.file)} ${host.helperPath}`);
  } else {
    out.push(
      `#    Copy it to ${host.name} with your own admin account (not the bot's), e.g. from the bot's machine:`,
      `scp${ssh.port === 22 ? '' : ` -P ${ssh.port}`} "$(workerman-ops setup-host --helper-file)" ${ssh.address}:workerman-ops-helper.sh`,
      '#    (or: workerman-ops setup-host --print-helper > workerman-ops-helper.sh, and copy that file)',
      `#    then on ${host.name}, as root, in the directory it was copied to:`,
      `install -o root -g root -m 0755 workerman-ops-helper.sh ${host.helperPath} && rm workerman-ops-helper.sh`,
    );
  }
  out.push(
    `sha256sum ${host.helperPath}    # must print ${helper.sha256}`,
    `#    ${helperDir} and every directory above it must be root's and not group/world-writable, or the helper`,
    `#    refuses to run (old Debian made /usr/local/sbin group "staff"-writable: \`chmod g-w ${helperDir}\`).`,
    '',
    `# ${++step}. On ${target}, as root: the helper's config, root's alone (the helper refuses it otherwise).`,
  );
  if (host.workerman.startFile === undefined) {
    out.push('#    This host has no workerman.startFile: replace /srv/app/start.php with the app\'s start file.');
  }
  out.push(
    `install -d -o root -g root -m 0755 ${dirnameOf(conf)}`,
    `cat > ${conf} <<'WORKERMAN_OPS_CONF'`,
    renderHelperConf(host).trimEnd(),
    'WORKERMAN_OPS_CONF',
    `chown root:root ${conf} && chmod 0644 ${conf}`,
    '',
    `# ${++step}. On ${target}, as root: the only sudo rule the bot needs, checked by visudo before it is installed`,
    '#    (a private temp file: a fixed name in /tmp could be swapped by another user between check and install).',
    'tmp=$(mktemp) \\',
    `  && printf '%s\\n' ${quoteArg(sudoersLine(user, host.helperPath))} > "$tmp" \\`,
    '  && visudo -cf "$tmp" \\',
    '  && install -o root -g root -m 0440 "$tmp" /etc/sudoers.d/workerman-ops; rm -f "$tmp"',
    '#    Do not add rules for strace or php: `sudo strace` and `sudo php` are each a root shell.',
    `#    Where sudoers has \`Defaults requiretty\` (old RHEL/CentOS), also add \`Defaults:${user} !requiretty\`: the bot has no tty.`,
    '',
    `# ${++step}. Check, on the bot's machine: workerman-ops doctor ${host.name}`,
  );
  return `${out.join('\n')}\n`;
}

function dirnameOf(path: string): string {
  return path.slice(0, path.lastIndexOf('/')) || '/';
}
