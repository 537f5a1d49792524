import { describe, expect, test } from 'vitest';
import { joinMessages } from '../../../../src/render/slack/limits.js';
import { describeThreadGaps, renderReplyFailedNote, renderUploadFailedNote } from '../../../../src/render/slack/thread-notes.js';
import { mrkdwnTexts, validateBlocks } from '../../../helpers/slack-standin.js';

describe('describeThreadGaps()', () => {
  test('is null when everything arrived, and names replies and files otherwise', () => {
    expect(describeThreadGaps(undefined)).toBeNull();
    expect(describeThreadGaps({ replies: 0, files: [] })).toBeNull();
    expect(describeThreadGaps({ replies: 1, files: [] })).toBe(':warning: Not everything reached the thread: 1 reply could not be posted.');
    expect(describeThreadGaps({ replies: 3, files: ['a.txt', 'b.log'] })).toBe(
      ':warning: Not everything reached the thread: 3 replies could not be posted; `a.txt`, `b.log` could not be attached.',
    );
  });

  test('leaves out the files the caller says elsewhere, and escapes file names', () => {
    expect(describeThreadGaps({ replies: 0, files: ['raw.log.gz'] }, ['raw.log.gz'])).toBeNull();
    const text = describeThreadGaps({ replies: 0, files: ['<!channel>`x`.txt'] })!;
    for (const s of mrkdwnTexts(text, [])) expect(s).not.toContain('<!channel>');
  });
});

describe('thread notes', () => {
  test('say what did not arrive and Slack\'s code; not_in_channel adds how to let the bot attach files', () => {
    expect(renderReplyFailedNote('msg_too_long').text).toBe(':warning: A reply of this thread could not be posted (`msg_too_long`).');
    expect(renderUploadFailedNote('the raw log', 'internal_error').text).toBe(':warning: I could not attach the raw log here (`internal_error`).');
    expect(renderUploadFailedNote('the raw status output', 'not_in_channel').text).toMatch(/`not_in_channel`\)\. Files need me to be a member of the channel: `\/invite @workerman`\.$/);
    for (const m of [renderReplyFailedNote('x'), renderUploadFailedNote('the raw log', 'y')]) expect(validateBlocks(m.blocks)).toBeNull();
  });
});

describe('joinMessages()', () => {
  test('joins texts by lines and keeps at most 50 blocks', () => {
    const one = { text: 'a', blocks: Array.from({ length: 30 }, () => ({ type: 'divider' as const })) };
    const joined = joinMessages(one, { ...one, text: 'b' });
    expect(joined.text).toBe('a\nb');
    expect(joined.blocks).toHaveLength(50);
  });
});
