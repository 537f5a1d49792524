import type { KnownBlock } from '@slack/types';

/** A message as the Web API takes it: fallback `text` (always set) plus Block Kit `blocks`. */
export interface SlackMessage {
  text: string;
  blocks: KnownBlock[];
}

/** A text file to upload into a thread with files.uploadV2. */
export interface SlackFile {
  filename: string;
  title: string;
  content: string;
}

/**
 * Block Kit limits this bot renders within (https://docs.slack.dev/reference/block-kit/blocks). The total
 * budget is below Slack's undocumented ~12k `msg_blocks_too_long` threshold (bolt-js #2509), so a message
 * never depends on where exactly Slack draws the line.
 */
export const SLACK_LIMITS = {
  blocksPerMessage: 50,
  sectionTextChars: 3000,
  headerChars: 150,
  contextElements: 10,
  tableRows: 100,
  tableCellsPerRow: 20,
  /** Our budget of visible characters across all blocks of one message. */
  messageTextChars: 10_000,
  /** Fallback `text`: Slack truncates at 40k; notifications show far less. */
  fallbackTextChars: 3000,
} as const;

/** Returns how many characters of text `blocks` carry (every `text` string, table cells included). */
export function measureBlockText(blocks: readonly unknown[]): number {
  let total = 0;
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) {
      for (const item of node) visit(item);
      return;
    }
    if (node === null || typeof node !== 'object') return;
    for (const [key, value] of Object.entries(node)) {
      if (key === 'text' && typeof value === 'string') total += Array.from(value).length;
      else visit(value);
    }
  };
  visit(blocks);
  return total;
}

/**
 * What did not reach a parent message's thread: replies Slack refused, files that could not be attached
 * (by filename). A parent rendered with it claims none of them and says what is missing.
 */
export interface ThreadGaps {
  replies: number;
  files: readonly string[];
}

/** Returns `messages` as one message: the texts line by line, the blocks in order (at most Slack's 50). */
export function joinMessages(...messages: readonly SlackMessage[]): SlackMessage {
  return {
    text: messages.map((m) => m.text).join('\n'),
    blocks: messages.flatMap((m) => m.blocks).slice(0, SLACK_LIMITS.blocksPerMessage),
  };
}
