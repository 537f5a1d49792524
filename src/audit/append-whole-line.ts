import { fstatSync, ftruncateSync, writeSync } from 'node:fs';

/**
 * Appends `text` as a whole line or not at all. write(2) on a nearly full file system may write part of
 * it and fail on the rest: the part is cut off again (ftruncate), so the file only ever holds whole
 * lines and the record can be written whole later. Assumes this process is the file's only writer.
 */
export function appendWholeLine(fd: number, text: string): void {
  const bytes = Buffer.from(text, 'utf8');
  let done = 0;
  try {
    while (done < bytes.length) {
      const n = writeSync(fd, bytes, done, bytes.length - done);
      if (n <= 0) throw Object.assign(new Error('write(2) wrote nothing'), { code: 'ENOSPC' });
      done += n;
    }
  } catch (error) {
    if (done > 0) {
      try {
        ftruncateSync(fd, fstatSync(fd).size - done);
      } catch {
        // Nothing more to do: a reader sees one torn line, and the record is in the log and backlog.
      }
    }
    throw error;
  }
}
