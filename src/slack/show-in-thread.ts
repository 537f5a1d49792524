import { Readable } from 'node:stream';
import type { SlackFile, SlackMessage } from '../render/slack/limits.js';
import type { SlackThread } from './slack-thread.js';

/**
 * Shows a rendered result the way every post does: the parent replaced by `message` (`fallbackNote`
 * when Slack refuses its blocks), its `threadReplies` posted in order in the thread, then `file` (the
 * output that did not fit, `what` naming it if it cannot be attached) uploaded there. What fails is
 * said in the thread and counted in its gaps; `thread.finish` then shows those in the parent.
 */
export async function showInThread(
  thread: Pick<SlackThread, 'update' | 'reply' | 'upload'>,
  message: SlackMessage & { threadReplies: readonly SlackMessage[] },
  opts: { fallbackNote?: string; file: SlackFile | undefined; what: string },
): Promise<void> {
  await thread.update(message, opts.fallbackNote === undefined ? {} : { fallbackNote: opts.fallbackNote });
  for (const reply of message.threadReplies) await thread.reply(reply);
  if (opts.file !== undefined) {
    const { filename, title, content } = opts.file;
    await thread.upload({ filename, title, from: Readable.from([Buffer.from(content)]), gzip: false, what: opts.what });
  }
}
