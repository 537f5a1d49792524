// What the "Summarise strace log" shortcut reads from a message, and which files it refuses before a
// download: shapes of real `message_action` payloads and files.info answers (Slack's file object).
import { describe, expect, it } from 'vitest';
import { BotError } from '../../../src/errors.js';
import { checkSharedFile, pickSharedLog, unformatMessageText } from '../../../src/slack/pick-shared-log.js';

function expectBotError(fn: () => unknown, code: string, message: string): void {
  let thrown: unknown;
  try {
    fn();
  } catch (error) {
    thrown = error;
  }
  expect(thrown).toBeInstanceOf(BotError);
  expect({ code: (thrown as BotError).code, message: (thrown as BotError).message }).toEqual({ code, message });
}

const MB = 1024 * 1024;
const file = (over: Record<string, unknown> = {}): Record<string, unknown> => ({
  id: 'F0123ABCD',
  name: 'trace.txt',
  title: 'trace.txt',
  mimetype: 'text/plain',
  filetype: 'text',
  pretty_type: 'Plain Text',
  mode: 'hosted',
  size: 12_345,
  is_external: false,
  url_private: 'https://files.slack.com/files-pri/T0123ABCD-F0123ABCD/trace.txt',
  url_private_download: 'https://files.slack.com/files-pri/T0123ABCD-F0123ABCD/download/trace.txt',
  ...over,
});

describe('pickSharedLog()', () => {
  it('pickSharedLog() picks the first file that may be text, skipping an image before it', () => {
    const picked = pickSharedLog({ text: 'see attached', files: [file({ id: 'F1', name: 'graph.png', mimetype: 'image/png' }), file({ id: 'F2' }), file({ id: 'F3' })] });
    expect(picked).toEqual({ kind: 'file', id: 'F2', name: 'trace.txt', fileCount: 3 });
  });

  it('pickSharedLog() takes a snippet, a gzipped log, an octet-stream and a partial entry (file_access: check_file_info)', () => {
    expect(pickSharedLog({ files: [file({ mode: 'snippet', mimetype: 'text/x-sh', filetype: 'shell' })] })).toMatchObject({ kind: 'file' });
    expect(pickSharedLog({ files: [file({ mimetype: 'application/gzip', filetype: 'gzip' })] })).toMatchObject({ kind: 'file' });
    expect(pickSharedLog({ files: [file({ name: 'x.strace', mimetype: 'application/octet-stream', filetype: 'binary' })] })).toMatchObject({ kind: 'file', name: 'x.strace' });
    expect(pickSharedLog({ files: [{ id: 'F9', file_access: 'check_file_info' }] })).toEqual({ kind: 'file', id: 'F9', name: 'the file', fileCount: 1 });
  });

  it('pickSharedLog() refuses a message whose files cannot be text, naming the first', () => {
    expectBotError(() => pickSharedLog({ files: [file({ name: 'a.pdf', mimetype: 'application/pdf', pretty_type: 'PDF' }), file({ name: 'b.png', mimetype: 'image/png' })] }), 'not_strace_log', '"a.pdf" is a PDF file (application/pdf), not a text log (nor are the other 1 files of this message): the bot summarises what strace writes.');
  });

  it('pickSharedLog() reads the text of a message without files, Slack\'s escaping undone', () => {
    expect(pickSharedLog({ text: '```read(7&lt;TCP:[1-&gt;2]&gt;, "a &amp;lt; b", 9) = 9```' })).toEqual({ kind: 'text', text: '\nread(7<TCP:[1->2]>, "a &lt; b", 9) = 9\n' });
    expect(pickSharedLog({ files: [] })).toEqual({ kind: 'text', text: '' });
    expect(pickSharedLog({ text: 42, files: 'nope' })).toEqual({ kind: 'text', text: '' });
  });
});

describe('checkSharedFile()', () => {
  it('checkSharedFile() returns the download address, name and declared size', () => {
    expect(checkSharedFile(file(), 8 * MB)).toEqual({ name: 'trace.txt', url: 'https://files.slack.com/files-pri/T0123ABCD-F0123ABCD/download/trace.txt', sizeBytes: 12_345 });
  });

  it.each([
    [{ mode: 'tombstone' }, 'file_unavailable', '"trace.txt" was deleted from Slack.'],
    [{ mode: 'hidden_by_limit' }, 'file_unavailable', '"trace.txt" is hidden by this workspace\'s plan (older than the history it keeps).'],
    [{ mode: 'external', is_external: true }, 'file_unavailable', '"trace.txt" is stored outside Slack (a link to another service): download it and share the text itself.'],
    [{ mimetype: 'video/mp4', pretty_type: 'MPEG 4 Video' }, 'not_strace_log', '"trace.txt" is a MPEG 4 Video file (video/mp4), not a text log: the bot summarises what strace writes.'],
    [{ size: 9 * MB }, 'file_too_large', '"trace.txt" is 9.0 MiB: the bot summarises logs of at most 8.0 MiB (`limits.summariseMaxBytes`), and nothing of this one was summarised.'],
    [{ url_private_download: undefined, url_private: undefined }, 'file_unavailable', 'Slack gave no download address for "trace.txt".'],
  ] as const)('checkSharedFile(%j) throws %s', (over, code, message) => {
    expectBotError(() => checkSharedFile(file(over), 8 * MB), code, message);
  });

  it('checkSharedFile() names a file without a name by its title, and cuts a name with control characters to one line', () => {
    expect(checkSharedFile(file({ name: '', title: 'Untitled' }), MB).name).toBe('Untitled');
    expect(checkSharedFile(file({ name: 'a\nb\u0007c.txt' }), MB).name).toBe('a b c.txt');
  });
});

describe('unformatMessageText()', () => {
  it('unformatMessageText() turns fences into line breaks and entities back into characters, &amp; last', () => {
    expect(unformatMessageText('x ```a &lt;b&gt; &amp;gt;```')).toBe('x \na <b> &gt;\n');
  });
});
