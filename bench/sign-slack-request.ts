import { createHmac } from 'node:crypto';

// Signs a request exactly as Slack signs those it sends to an HTTP-mode app: v0 HMAC-SHA256 over
// `v0:{timestamp}:{raw body}`, content type `application/x-www-form-urlencoded` with NO charset (Bolt
// form-parses only that exact value). Here for the benches; test/helpers/slack-signing.ts re-exports it.

/** Headers for `body` signed with `secret` at `timestampS` (Unix seconds, default now). */
export function signSlackRequest(secret: string, body: string, timestampS = Math.floor(Date.now() / 1000)): Record<string, string> {
  const signature = `v0=${createHmac('sha256', secret).update(`v0:${timestampS}:${body}`).digest('hex')}`;
  return {
    'content-type': 'application/x-www-form-urlencoded',
    'x-slack-request-timestamp': String(timestampS),
    'x-slack-signature': signature,
  };
}
