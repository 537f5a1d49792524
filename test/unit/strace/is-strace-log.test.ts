// isStraceLog() over every capture in the repository: each strace capture (traces, `strace -c` tables,
// attach-only traces, strace's own refusals) is a strace log, and no Workerman status capture is.
import { createReadStream, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { isStraceLog, notStraceLogError } from '../../../src/strace/is-strace-log.js';
import { summarizeStraceChunksWithDetails } from '../../../src/strace/summarize.js';
import { SEED_FIXTURES, STATUS_FIXTURES, STRACE_FIXTURES } from '../../helpers/paths.js';

const captures = (dir: string, ext: RegExp): string[] => readdirSync(dir).filter((f) => ext.test(f)).sort();
const summarise = (path: string) => summarizeStraceChunksWithDetails(createReadStream(path), { host: null });
const summariseText = (text: string) => summarizeStraceChunksWithDetails(Readable.from([text]), { host: null });

describe('isStraceLog()', () => {
  const straceFiles = [...captures(STRACE_FIXTURES, /\.txt$/).map((f) => join(STRACE_FIXTURES, f)), join(SEED_FIXTURES, 'seed-strace-classic-translated.txt')];
  const statusFiles = [...captures(STATUS_FIXTURES, /\.(out|err)$/).map((f) => join(STATUS_FIXTURES, f)), join(SEED_FIXTURES, 'seed-status-3.0.1-translated.out')];

  it(`isStraceLog() is true for all ${straceFiles.length} strace captures`, async () => {
    expect(straceFiles.length).toBeGreaterThan(100);
    const refused: string[] = [];
    for (const file of straceFiles) if (!isStraceLog((await summarise(file)).summary)) refused.push(file);
    expect(refused).toEqual([]);
  });

  it(`isStraceLog() is false for all ${statusFiles.length} Workerman status captures`, async () => {
    expect(statusFiles.length).toBeGreaterThan(50);
    const accepted: string[] = [];
    for (const file of statusFiles) if (isStraceLog((await summarise(file)).summary)) accepted.push(file);
    expect(accepted).toEqual([]);
  });

  it('isStraceLog() is false for empty input and true for one attach line alone (a process that made no syscall)', async () => {
    expect(isStraceLog((await summariseText('')).summary)).toBe(false);
    expect(isStraceLog((await summariseText('\n\n')).summary)).toBe(false);
    expect(isStraceLog((await summariseText('strace: Process 21135 attached\n')).summary)).toBe(true);
  });
});

describe('notStraceLogError()', () => {
  it('notStraceLogError() says empty, or how many lines and the first one (redacted by the summariser, one line)', async () => {
    const empty = await summariseText('');
    expect(notStraceLogError('"a.txt"', empty.summary)).toMatchObject({ code: 'not_strace_log', message: '"a.txt" is empty: there is no strace output in it to summarise.' });
    const one = await summariseText('hello\n');
    expect(notStraceLogError('x', one.summary, one.details.unparsedSamples[0]).message).toBe('x is not a strace log: its only line is not a strace line (the first reads "hello").');
    const secret = await summariseText('DB_PASSWORD=Hunter2Leak\tmore\nsecond line\n');
    const error = notStraceLogError('app.env', secret.summary, secret.details.unparsedSamples[0]);
    expect(error.message).toBe('app.env is not a strace log: none of its 2 lines is a strace line (the first reads "DB_PASSWORD=[REDACTED] more").');
    // A C1 control (CSI) and a bidi override survive oneLine(); they are escaped, never passed to a terminal.
    const evil = await summariseText('name \u009b2J \u202egnp.exe\n');
    expect(notStraceLogError('x', evil.summary, evil.details.unparsedSamples[0]).message).toBe('x is not a strace log: its only line is not a strace line (the first reads "name \\x9b2J \\u202egnp.exe").');
  });
});
