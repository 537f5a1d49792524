import { open, type FileHandle } from 'node:fs/promises';
import { BotError } from '../errors.js';
import { quoteArg } from './quote.js';

/**
 * Reads a private key file, refusing it (before reading a byte) when other users have any access to it,
 * as OpenSSH does ("UNPROTECTED PRIVATE KEY FILE!"): like ssh(1), only for a file this process owns, so
 * a root-owned 0440 key shared through a group (Kubernetes secret volumes with fsGroup) still works.
 * A local setup problem, not a refused login: `config_invalid`.
 */
export async function readPrivateKeyFile(file: string, forWhom: string): Promise<Buffer> {
  const unreadable = (error: unknown): BotError =>
    new BotError('config_invalid', `Cannot read the private key file ${file} for ${forWhom} (${(error as NodeJS.ErrnoException).code ?? 'error'}). Fix privateKeyFile in the config.`, {
      cause: error,
    });
  let handle: FileHandle;
  try {
    handle = await open(file, 'r');
  } catch (error) {
    throw unreadable(error);
  }
  try {
    // fstat on the open file, so the mode checked is the mode of the file read.
    const stats = await handle.stat();
    const uid = process.getuid?.();
    if (uid !== undefined && stats.uid === uid && (stats.mode & 0o077) !== 0) {
      const mode = (stats.mode & 0o777).toString(8).padStart(4, '0');
      throw new BotError(
        'config_invalid',
        `The private key file ${file} for ${forWhom} is accessible by other users (mode ${mode}): run \`chmod 600 ${quoteArg(file)}\` on the machine running the bot. Like OpenSSH ("UNPROTECTED PRIVATE KEY FILE"), the bot does not use a private key others can read.`,
        { details: { file, mode } },
      );
    }
    return await handle.readFile();
  } catch (error) {
    throw error instanceof BotError ? error : unreadable(error);
  } finally {
    await handle.close();
  }
}
