import type { SectionBlock } from '@slack/types';
import { context, section, type ThreadSection } from './blocks.js';
import { countChars, escapeMrkdwn, truncatePlain } from './escape.js';
import { SLACK_LIMITS, type SlackMessage } from './limits.js';

// Well under Slack's ~12k characters of block text and 50 blocks per message.
const REPLY_TEXT_CHARS = 9000;
const REPLY_BLOCKS = 40;

/**
 * Packs sections into as few thread replies as fit Slack's per-message limits, in order; stops at
 * `maxReplies` and then ends the last reply with `restNote` (where the rest can be found).
 */
export function packThreadReplies(
  sections: readonly ThreadSection[],
  opts: { title: (labels: readonly string[]) => string; maxReplies: number; restNote: string },
): { replies: SlackMessage[]; isTruncated: boolean } {
  const replies: SlackMessage[] = [];
  let current: SectionBlock[] = [];
  let labels: string[] = [];
  let used = 0;
  const flush = (): void => {
    if (current.length === 0) return;
    replies.push({ text: escapeMrkdwn(truncatePlain(opts.title(labels), SLACK_LIMITS.fallbackTextChars)), blocks: current });
    current = [];
    labels = [];
    used = 0;
  };
  let isTruncated = false;
  for (const s of sections) {
    const cost = countChars(s.text);
    if (current.length > 0 && (used + cost > REPLY_TEXT_CHARS || current.length >= REPLY_BLOCKS)) flush();
    if (replies.length >= opts.maxReplies) {
      isTruncated = true;
      break;
    }
    current.push(section(s.text));
    if (!labels.includes(s.label)) labels.push(s.label);
    used += cost;
  }
  if (!isTruncated) flush();
  if (isTruncated && replies.length > 0) {
    const last = replies[replies.length - 1]!;
    last.blocks = [...last.blocks, context([opts.restNote])];
  }
  return { replies, isTruncated };
}
