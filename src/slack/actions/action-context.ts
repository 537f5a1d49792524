import type { BlockAction } from '@slack/bolt';

/**
 * Who clicked, where: the IDs Slack signed in a block_actions payload, and the thread the clicked
 * message is in (its own ts when it is a parent; a click on a reply carries the parent in thread_ts).
 */
export function readActionContext(body: BlockAction): { userId: string; channelId: string; teamId: string | undefined; threadTs: string | undefined } {
  const containerChannel = typeof body.container?.['channel_id'] === 'string' ? (body.container['channel_id'] as string) : '';
  const message = body.message;
  return {
    userId: body.user.id,
    channelId: body.channel?.id ?? containerChannel,
    teamId: body.user.team_id ?? body.team?.id,
    threadTs: message === undefined ? undefined : String(message['thread_ts'] ?? message.ts),
  };
}
