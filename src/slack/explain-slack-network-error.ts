import { BotError } from '../errors.js';

// What each failure means for the person starting the bot. Node's and undici's codes.
const REASONS: Record<string, string> = {
  ENOTFOUND: 'the name does not resolve (DNS)',
  EAI_AGAIN: 'the name could not be resolved right now (DNS)',
  ECONNREFUSED: 'the connection was refused',
  ECONNRESET: 'the connection was reset',
  EHOSTUNREACH: 'the host is unreachable',
  ENETUNREACH: 'the network is unreachable',
  ETIMEDOUT: 'the connection timed out',
  UND_ERR_CONNECT_TIMEOUT: 'the connection timed out',
  UND_ERR_HEADERS_TIMEOUT: 'no answer in time',
  UND_ERR_BODY_TIMEOUT: 'no answer in time',
  UND_ERR_SOCKET: 'the connection was cut',
  UND_ERR_ABORTED: 'the proxy did not open a tunnel',
  TimeoutError: 'no answer in time',
  CERT_HAS_EXPIRED: 'its TLS certificate has expired',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'its TLS certificate is not trusted here (a TLS-inspecting proxy? add its CA with NODE_EXTRA_CA_CERTS)',
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: 'its TLS certificate is not trusted here (a TLS-inspecting proxy? add its CA with NODE_EXTRA_CA_CERTS)',
  SELF_SIGNED_CERT_IN_CHAIN: 'its TLS certificate is not trusted here (a TLS-inspecting proxy? add its CA with NODE_EXTRA_CA_CERTS)',
  DEPTH_ZERO_SELF_SIGNED_CERT: 'its TLS certificate is self-signed',
  ERR_TLS_CERT_ALTNAME_INVALID: 'its TLS certificate is for another name',
};

/**
 * Returns the network failure code in `error` or its causes (web-api's `original`, fetch's `cause`,
 * an AggregateError's first error): `ENOTFOUND`, `ECONNREFUSED`, `UND_ERR_CONNECT_TIMEOUT`, `TimeoutError`…;
 * undefined when the error is not a network failure (a Slack API error, a bug).
 */
export function findNetworkErrorCode(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 8 && current !== null && typeof current === 'object'; depth++) {
    const e = current as { code?: unknown; name?: unknown; original?: unknown; cause?: unknown; errors?: unknown };
    if (typeof e.code === 'string' && Object.hasOwn(REASONS, e.code)) return e.code;
    if (e.name === 'TimeoutError') return 'TimeoutError';
    current = e.original ?? e.cause ?? (Array.isArray(e.errors) ? e.errors[0] : undefined);
  }
  return undefined;
}

/**
 * Returns `slack_unreachable` naming the URL that could not be reached (and the proxy it went through,
 * without credentials), what the failure means and what to check; undefined when `error` is not a
 * network failure. Example: `Cannot reach Slack at https://slack.com/api/auth.test: the name does not
 * resolve (DNS) (ENOTFOUND). Check …`.
 */
export function explainSlackNetworkError(error: unknown, where: { url: string; proxy: string | null }): BotError | undefined {
  const code = findNetworkErrorCode(error);
  if (code === undefined) return undefined;
  const via = where.proxy === null ? '' : ` through the proxy ${where.proxy}`;
  const check =
    where.proxy === null
      ? 'Check the network and DNS of this machine (a proxy: set HTTPS_PROXY; a test stand-in: SLACK_API_URL).'
      : 'Check that the proxy is up and lets this machine CONNECT to Slack, or list Slack\'s host in NO_PROXY.';
  return new BotError('slack_unreachable', `Cannot reach Slack at ${where.url}${via}: ${REASONS[code]} (${code}). ${check}`, {
    cause: error,
    details: { url: where.url, proxy: where.proxy, errorCode: code },
  });
}
