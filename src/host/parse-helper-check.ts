import { HELPER_MARKER, parseHelperError, type HelperRefusal } from './helper.js';

/** What the helper's `check` printed (host/workerman-ops-helper.sh, cmd_check). */
export interface HelperCheckOutput {
  /** Protocol of the `hello` line; null when none was printed (the helper did not run). */
  protocol: string | null;
  mode: 'sudo' | 'user' | null;
  /** The uid the helper ran as (0 under sudo). */
  uid: number | null;
  /** Under sudo: helper.conf was read and is safe (its path), and its values. */
  conf: { path: string; startFiles: string[]; php: string | null; runAs: string | null } | null;
  /** Each tool the helper looked up: its path, or null when missing. */
  tools: Record<string, string | null>;
  /** strace: its path and `strace -V` first line, or missing (the name it looked for). */
  strace: { found: true; path: string; version: string } | { found: false; path: string } | null;
  /** kernel.yama.ptrace_scope: a number, 'absent' (no Yama), or null when not reported. */
  yama: number | 'absent' | null;
  /** CapEff of the helper (hex), reported as root only. */
  capEff: string | null;
  /** Non-root: whether strace carries the cap_sys_ptrace file capability. */
  straceCap: boolean | null;
  lockDir: { ok: true; path: string } | { ok: false; why: string; path: string } | null;
  /** True once the `check done` line came: everything was reported. */
  done: boolean;
  /** A refusal (e.g. `host_setup - conf_unsafe FILE writable`): the check stopped there. */
  refusal: HelperRefusal | null;
}

/**
 * Parses the lines of `workerman-ops-helper check`.
 *
 * @example
 * parseHelperCheck('@@wmops:hello 2 check\n@@wmops:check mode user 1000\n@@wmops:check yama 1\n@@wmops:check done\n')
 * // { protocol: '2', mode: 'user', uid: 1000, yama: 1, done: true, … }
 */
export function parseHelperCheck(text: string): HelperCheckOutput {
  const out: HelperCheckOutput = {
    protocol: null,
    mode: null,
    uid: null,
    conf: null,
    tools: {},
    strace: null,
    yama: null,
    capEff: null,
    straceCap: null,
    lockDir: null,
    done: false,
    refusal: null,
  };
  const checkPrefix = `${HELPER_MARKER}check `;
  for (const line of text.split('\n')) {
    if (line.startsWith(`${HELPER_MARKER}hello `)) {
      out.protocol = line.slice(HELPER_MARKER.length + 6).split(' ')[0] ?? null;
      continue;
    }
    const refusal = parseHelperError(line);
    if (refusal !== null) {
      out.refusal ??= refusal;
      continue;
    }
    if (!line.startsWith(checkPrefix)) continue;
    const rest = line.slice(checkPrefix.length);
    const [kind = '', ...words] = rest.split(' ');
    switch (kind) {
      case 'mode':
        out.mode = words[0] === 'sudo' ? 'sudo' : 'user';
        out.uid = /^\d+$/.test(words[1] ?? '') ? Number(words[1]) : null;
        break;
      case 'conf':
        if (words[0] === 'ok') out.conf = { path: words.slice(1).join(' '), startFiles: [], php: null, runAs: null };
        break;
      case 'conf_value': {
        if (out.conf === null) break;
        const [key, ...values] = words;
        if (key === 'start_file') out.conf.startFiles = values.filter((v) => v !== '');
        else if (key === 'php') out.conf.php = values.join(' ') || null;
        else if (key === 'run_as') out.conf.runAs = values[0] === '-' || values[0] === undefined ? null : values[0];
        break;
      }
      case 'tool':
        if (words[0] !== undefined) out.tools[words[0]] = words[1] === 'ok' ? words.slice(2).join(' ') : null;
        break;
      case 'strace':
        if (words[0] === 'ok') out.strace = { found: true, path: words[1] ?? '', version: words.slice(2).join(' ').trim() };
        else out.strace = { found: false, path: words.slice(1).join(' ') };
        break;
      case 'yama':
        out.yama = words[0] === 'absent' ? 'absent' : /^\d+$/.test(words[0] ?? '') ? Number(words[0]) : null;
        break;
      case 'cap_eff':
        out.capEff = /^[0-9a-fA-F]+$/.test(words[0] ?? '') ? words[0]! : null;
        break;
      case 'strace_cap':
        out.straceCap = words[0] === 'yes';
        break;
      case 'lock_dir':
        if (words[0] === 'ok') out.lockDir = { ok: true, path: words.slice(1).join(' ') };
        else out.lockDir = { ok: false, why: words[1] ?? 'unknown', path: words.slice(2).join(' ') };
        break;
      case 'done':
        out.done = true;
        break;
    }
  }
  return out;
}

/** What the helper's `version` printed: `@@wmops:version PROTOCOL SHA256|- MODE UID`, or null when it did not answer. */
export interface HelperVersion {
  protocol: string;
  /** sha256 of the installed file; null when it could not be hashed (`-`). */
  sha256: string | null;
  mode: 'sudo' | 'user';
  uid: number | null;
}

/**
 * Parses the `version` line of the helper.
 *
 * @example
 * parseHelperVersion('@@wmops:hello 2 version\n@@wmops:version 2 9f86d0…08 sudo 0\n')
 * // { protocol: '2', sha256: '9f86d0…08', mode: 'sudo', uid: 0 }
 */
export function parseHelperVersion(text: string): HelperVersion | null {
  const prefix = `${HELPER_MARKER}version `;
  const line = text.split('\n').find((l) => l.startsWith(prefix));
  if (line === undefined) return null;
  const [protocol = '', sha = '-', mode = 'user', uid = ''] = line.slice(prefix.length).split(' ');
  return {
    protocol,
    sha256: /^[0-9a-f]{64}$/.test(sha) ? sha : null,
    mode: mode === 'sudo' ? 'sudo' : 'user',
    uid: /^\d+$/.test(uid) ? Number(uid) : null,
  };
}
