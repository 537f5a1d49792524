import type { BlockAction } from '@slack/bolt';

/** Who clicked, where: the IDs Slack signed in a block_actions payload. */
export function readActionContext(body: BlockAction): { userId: string; channelId: string; teamId: string | undefined } {
  const containerChannel = typeof body.container?.['channel_id'] === 'string' ? (body.container['channel_id'] as string) : '';
  return {
    userId: body.user.id,
    channelId: body.channel?.id ?? containerChannel,
    teamId: body.user.team_id ?? body.team?.id,
  };
}
