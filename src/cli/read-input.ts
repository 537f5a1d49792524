import { readFile } from 'node:fs/promises';
import { BotError } from '../errors.js';
import type { CliIo } from './cli-command.js';

/** Returns the text of `file`, or of stdin for `-`; a file that cannot be read is `input_invalid` naming it. */
export async function readInput(file: string, io: CliIo): Promise<string> {
  try {
    if (file !== '-') return await readFile(file, 'utf8');
    const chunks: Buffer[] = [];
    for await (const chunk of io.stdin) chunks.push(Buffer.from(chunk as Buffer));
    return Buffer.concat(chunks).toString('utf8');
  } catch (error) {
    throw fileError(error, file);
  }
}

/** Returns a BotError (`input_invalid`) saying why `file` could not be read; a BotError passes through. */
export function fileError(error: unknown, file: string): BotError {
  if (error instanceof BotError) return error;
  const code = (error as NodeJS.ErrnoException).code;
  return new BotError('input_invalid', `Cannot read ${file}: ${code === 'ENOENT' ? 'no such file' : code ?? (error as Error).message}.`, { cause: error });
}
