import type { KnownBlock } from '@slack/types';
import { section, sectionMessage } from './blocks.js';
import { escapeCodeSpan, escapeMrkdwn, truncateEscaped } from './escape.js';
import { SLACK_LIMITS, type SlackMessage } from './limits.js';

/** What `/workerman hosts` shows of a host: never an address, user or key. */
export interface HostListing {
  name: string;
  description?: string;
  groups: readonly string[];
  /** `ssh` or `local` (this machine). */
  kind: 'ssh' | 'local';
}

/** Returns the ephemeral list of configured hosts (names, descriptions, groups), within one message. */
export function renderHostsMessage(hosts: readonly HostListing[], opts: { command: string }): SlackMessage {
  if (hosts.length === 0) {
    return sectionMessage('No hosts are configured. Add some to the bot\'s config file.');
  }
  const lines = hosts.map((h) => {
    const about = h.description === undefined ? '' : `: ${escapeMrkdwn(h.description)}`;
    const groups = h.groups.length === 0 ? '' : ` _(${h.groups.map(escapeMrkdwn).join(', ')})_`;
    return `• \`${escapeCodeSpan(h.name)}\`${h.kind === 'local' ? ' (this machine)' : ''}${about}${groups}`;
  });
  // Sections hold 3000 chars each; a long host list continues in the next section, up to the budget.
  const blocks: KnownBlock[] = [];
  let chunk: string[] = [`*Hosts* (${hosts.length}): ask with \`${escapeCodeSpan(opts.command)} status <host>\``];
  let total = 0;
  const flush = (): void => {
    const text = truncateEscaped(chunk.join('\n'), SLACK_LIMITS.sectionTextChars);
    total += text.length;
    blocks.push(section(text));
    chunk = [];
  };
  for (const line of lines) {
    if ([...chunk, line].join('\n').length > SLACK_LIMITS.sectionTextChars) flush();
    if (total > SLACK_LIMITS.messageTextChars - SLACK_LIMITS.sectionTextChars || blocks.length >= 40) {
      chunk = [`…and more hosts than fit in one message.`];
      break;
    }
    chunk.push(line);
  }
  flush();
  return { text: `${hosts.length} configured host${hosts.length === 1 ? '' : 's'}: ${hosts.map((h) => h.name).join(', ')}`.slice(0, 3000), blocks };
}
