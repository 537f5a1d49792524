import { LogLevel, WebClient } from '@slack/web-api';
import { describe, expect, test } from 'vitest';
import { showProxy } from '../../../src/slack/create-slack-network.js';
import { explainSlackNetworkError, findNetworkErrorCode } from '../../../src/slack/explain-slack-network-error.js';
import { closedPort } from '../../helpers/closed-port.js';

describe('explainSlackNetworkError()', () => {
  test('names the URL and the reason for a refused connection, as web-api really throws it', async () => {
    const url = `http://127.0.0.1:${await closedPort()}/api/`;
    const client = new WebClient('xoxb-1', { slackApiUrl: url, retryConfig: { retries: 0 }, logLevel: LogLevel.ERROR });
    const error = await client.auth.test().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(findNetworkErrorCode(error)).toBe('ECONNREFUSED');
    const explained = explainSlackNetworkError(error, { url: `${url}auth.test`, proxy: null });
    expect(explained?.code).toBe('slack_unreachable');
    expect(explained?.message).toBe(
      `Cannot reach Slack at ${url}auth.test: the connection was refused (ECONNREFUSED). Check the network and DNS of this machine (a proxy: set HTTPS_PROXY; a test stand-in: SLACK_API_URL).`,
    );
    expect(explained?.details).toEqual({ url: `${url}auth.test`, proxy: null, errorCode: 'ECONNREFUSED' });
  });

  test('finds the code through causes, aggregate errors and timeouts', () => {
    const dns = Object.assign(new Error('getaddrinfo ENOTFOUND slack.invalid'), { code: 'ENOTFOUND' });
    expect(findNetworkErrorCode({ code: 'slack_webapi_request_error', original: new TypeError('fetch failed', { cause: dns }) })).toBe('ENOTFOUND');
    expect(findNetworkErrorCode(new TypeError('fetch failed', { cause: new AggregateError([Object.assign(new Error('x'), { code: 'ETIMEDOUT' })]) }))).toBe('ETIMEDOUT');
    expect(findNetworkErrorCode({ original: new DOMException('The operation was aborted due to timeout', 'TimeoutError') })).toBe('TimeoutError');
    expect(explainSlackNetworkError(dns, { url: 'https://slack.com/api/auth.test', proxy: 'http://proxy:3128' })?.message).toBe(
      'Cannot reach Slack at https://slack.com/api/auth.test through the proxy http://proxy:3128: the name does not resolve (DNS) (ENOTFOUND). Check that the proxy is up and lets this machine CONNECT to Slack, or list Slack\'s host in NO_PROXY.',
    );
  });

  test('leaves other failures alone: a Slack API error, a bug, a port in use', () => {
    expect(explainSlackNetworkError({ code: 'slack_webapi_platform_error', data: { error: 'invalid_auth' } }, { url: 'u', proxy: null })).toBeUndefined();
    expect(explainSlackNetworkError(new TypeError('x is not a function'), { url: 'u', proxy: null })).toBeUndefined();
    expect(explainSlackNetworkError(Object.assign(new Error('listen EADDRINUSE'), { code: 'EADDRINUSE' }), { url: 'u', proxy: null })).toBeUndefined();
  });

  test('showProxy() never shows the proxy credentials', () => {
    expect(showProxy('http://user:PROXYSECRET@proxy.internal:3128')).toBe('http://proxy.internal:3128');
    expect(showProxy('https://proxy.internal')).toBe('https://proxy.internal');
    expect(showProxy(undefined)).toBeNull();
  });
});
