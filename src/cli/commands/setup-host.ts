import { readFile } from 'node:fs/promises';
import { userInfo } from 'node:os';
import { BotError } from '../../errors.js';
import type { CliCommand } from '../cli-command.js';
import { expectArgs } from '../expect-args.js';
import { pickHost } from '../pick-host.js';
import { fileError } from '../read-input.js';

/** `workerman-ops setup-host`: the commands that set a host up for the bot, or the helper script itself. */
export const setupHostCommand: CliCommand = {
  name: 'setup-host',
  summary: 'the lines that set a host up: key, authorized_keys, helper, sudo rule',
  usage: ['setup-host <host> [--from ADDR] [--public-key FILE]', 'setup-host --print-helper', 'setup-host --helper-file'],
  options: [
    { name: 'from', value: 'ADDR', help: 'the address the bot connects from, for from= in authorized_keys (IP, CIDR or OpenSSH pattern list)' },
    { name: 'public-key', value: 'FILE', help: 'the bot\'s public key file (default: the .pub beside the host\'s privateKeyFile)', complete: 'file' },
    { name: 'print-helper', help: 'print the host helper script (host/workerman-ops-helper.sh)' },
    { name: 'helper-file', help: 'print where that script is in this installation' },
  ],
  details: [
    'Prints commands, runs nothing: each block says where it runs (the bot\'s machine or the host). Values come from the config and these options only.',
    'A private key is refused by --public-key: it never leaves the bot\'s machine.',
  ],
  positionals: ['host'],
  async run(ctx) {
    const { io, options } = ctx;
    // Loaded when the command runs, not with the CLI (every command pays for what main imports).
    const [{ loadHelper }, { renderSetupHost }] = await Promise.all([import('../../host/helper.js'), import('../../host/setup-host.js')]);
    if (options['print-helper'] === true) {
      expectArgs(ctx.args, 0, 'setup-host --print-helper');
      io.stdout.write(loadHelper().text);
      return 0;
    }
    if (options['helper-file'] === true) {
      expectArgs(ctx.args, 0, 'setup-host --helper-file');
      io.stdout.write(`${loadHelper().file}\n`);
      return 0;
    }
    const host = pickHost(await ctx.config(), expectArgs(ctx.args, 1, 'setup-host <host>')[0]!);
    const publicKeyFile = options['public-key'] as string | undefined;
    const from = options.from as string | undefined;
    const publicKey =
      publicKeyFile !== undefined
        ? await readPublicKeyLine(publicKeyFile)
        : host.ssh?.privateKeyFile === undefined
          ? undefined
          : await readPublicKeyLine(expandHome(`${host.ssh.privateKeyFile}.pub`, io.env)).catch(() => undefined);
    io.stdout.write(
      renderSetupHost(host, {
        ...(from === undefined ? {} : { from: checkFromPattern(from) }),
        ...(publicKey === undefined ? {} : { publicKey }),
        localUser: userInfo().username,
      }),
    );
    return 0;
  },
};

/** Returns the `from=` pattern list of authorized_keys as given, or refuses one that could break the line. */
export function checkFromPattern(text: string): string {
  if (!/^[A-Za-z0-9.:/*?!,_-]{1,200}$/.test(text)) {
    throw new BotError('input_invalid', `--from takes an address, a CIDR block or an OpenSSH pattern list such as 10.0.0.9 or 10.0.0.0/24,!10.0.0.13 (got "${text.slice(0, 64)}").`);
  }
  return text;
}

/** Returns the first OpenSSH public key line of `file`; refuses a private key, which must never be printed. */
export async function readPublicKeyLine(file: string): Promise<string> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw fileError(error, file);
  }
  if (/PRIVATE KEY/.test(text)) throw new BotError('input_invalid', `${file} is a private key: pass its .pub file (the private key never leaves the bot's machine).`);
  const line = text.split('\n').map((l) => l.trim()).find((l) => /^(ssh-(ed25519|rsa|dss)|ecdsa-sha2-nistp\d+|sk-[a-z0-9-]+@openssh\.com)(-cert-v01@openssh\.com)? [A-Za-z0-9+/]+=* ?[^\n]*$/.test(l));
  if (line === undefined) throw new BotError('input_invalid', `${file} holds no OpenSSH public key line ("ssh-ed25519 AAAA… comment").`);
  return line;
}

function expandHome(path: string, env: NodeJS.ProcessEnv): string {
  return path.startsWith('~/') && env.HOME !== undefined ? `${env.HOME}${path.slice(1)}` : path;
}
