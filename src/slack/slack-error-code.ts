import { ErrorCode } from '@slack/web-api';

/** Returns the Web API error string (`not_in_channel`, `invalid_auth`, …) of a failed call, else undefined. */
export function slackErrorCode(error: unknown): string | undefined {
  if (error === null || typeof error !== 'object') return undefined;
  const e = error as { code?: unknown; data?: { error?: unknown } };
  if (e.code === ErrorCode.PlatformError && typeof e.data?.error === 'string') return e.data.error;
  return undefined;
}
