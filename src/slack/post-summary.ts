import { Readable } from 'node:stream';
import type { ThreadGaps } from '../render/slack/limits.js';
import { renderStraceMessage } from '../render/slack/strace-blocks.js';
import type { StraceSummary } from '../strace/types.js';
import type { BotDeps } from './bot-deps.js';
import type { PostOutcome, ThreadRequest } from './slack-thread.js';
import { openThread } from './thread.js';

export interface SummaryRequest extends ThreadRequest {
  /** The thread of the message the log was shared in (its own ts, or its parent's for a reply). */
  threadTs: string;
  /** What stands where a live trace names its host: `file trace.txt`, `pasted log`. */
  label: string;
}

/**
 * Posts a shared strace log's summary in the thread of the message it was shared in, rendered exactly as
 * a live trace's verdict (renderStraceMessage: redacted, escaped, every table in the thread), without
 * a raw log: the text stays where it was shared. Where the bot cannot post, the requester gets the
 * /invite hint. Never throws (SlackThread.fail, slack-thread.ts, says how failures show).
 */
export async function postSummary(deps: BotDeps, req: SummaryRequest, summary: StraceSummary): Promise<PostOutcome> {
  const render = (gaps?: ThreadGaps): ReturnType<typeof renderStraceMessage> =>
    renderStraceMessage(summary, {
      host: req.label,
      requestedBy: req.userId,
      rawLog: { destination: 'none', state: 'sent' },
      ...(gaps === undefined ? {} : { gaps }),
    });
  const message = render();
  const opened = await openThread(deps, req, message, { host: req.label, orPrivately: false });
  if ('refused' in opened) return opened.refused;
  const thread = opened.thread;
  for (const reply of message.threadReplies) await thread.reply(reply);
  if (message.summaryFile !== undefined) {
    const { filename, title, content } = message.summaryFile;
    await thread.upload({ filename, title, from: Readable.from([Buffer.from(content)]), gzip: false, what: 'the summary file' });
  }
  return thread.finish((gaps) => render(gaps));
}
