import { describe, expect, test } from 'vitest';
import { loadSlackEnv } from '../../../src/config/slack-env.js';
import type { BotError } from '../../../src/errors.js';
import { thrownBotError } from '../../helpers/bot-error.js';

const SOCKET = { SLACK_BOT_TOKEN: 'xoxb-123-456-abcDEF', SLACK_APP_TOKEN: 'xapp-1-A0123-456-abcdef' };

function failure(env: NodeJS.ProcessEnv): BotError {
  return thrownBotError(() => loadSlackEnv(env));
}

describe('loadSlackEnv()', () => {
  test('defaults to Socket Mode with port 3000 and log level info', () => {
    expect(loadSlackEnv(SOCKET)).toEqual({
      mode: 'socket',
      botToken: SOCKET.SLACK_BOT_TOKEN,
      appToken: SOCKET.SLACK_APP_TOKEN,
      signingSecret: undefined,
      port: 3000,
      host: undefined,
      apiUrl: undefined,
      logLevel: 'info',
      proxy: undefined,
    });
  });

  test('reads HTTP mode settings and adds the trailing slash web-api expects to SLACK_API_URL', () => {
    const env = loadSlackEnv({
      SLACK_MODE: 'http',
      SLACK_BOT_TOKEN: 'xoxb-1',
      SLACK_SIGNING_SECRET: '8f742231b10e8888abcd99yyyzzz85a5',
      PORT: '8080',
      HOST: '127.0.0.1',
      SLACK_API_URL: 'http://127.0.0.1:9999/api',
      LOG_LEVEL: 'debug',
    });
    expect(env).toMatchObject({ mode: 'http', port: 8080, host: '127.0.0.1', apiUrl: 'http://127.0.0.1:9999/api/', logLevel: 'debug' });
  });

  test('names a missing token and where to find it in the Slack app settings', () => {
    const error = failure({ SLACK_APP_TOKEN: SOCKET.SLACK_APP_TOKEN });
    expect(error.code).toBe('config_invalid');
    expect(error.message).toContain('SLACK_BOT_TOKEN is missing');
    expect(error.message).toContain('OAuth & Permissions → Bot User OAuth Token');
  });

  test('requires SLACK_APP_TOKEN in Socket Mode and SLACK_SIGNING_SECRET in HTTP mode', () => {
    expect(failure({ SLACK_BOT_TOKEN: 'xoxb-1' }).message).toMatch(/SLACK_APP_TOKEN is missing \(needed in Socket Mode\).*App-Level Tokens/);
    expect(failure({ SLACK_BOT_TOKEN: 'xoxb-1', SLACK_MODE: 'http' }).message).toMatch(/SLACK_SIGNING_SECRET is missing \(needed in HTTP mode\).*Signing Secret/);
  });

  test('treats an empty variable as unset', () => {
    expect(failure({ ...SOCKET, SLACK_APP_TOKEN: '' }).message).toContain('SLACK_APP_TOKEN is missing');
  });

  test('rejects swapped tokens without echoing their values', () => {
    const error = failure({ SLACK_BOT_TOKEN: 'xapp-1-SECRETVALUE', SLACK_APP_TOKEN: 'xoxb-SECRETVALUE2' });
    expect(error.message).toContain('SLACK_BOT_TOKEN must be a bot token starting with xoxb-');
    expect(error.message).toContain('SLACK_APP_TOKEN must be an app-level token starting with xapp-');
    expect(error.message).not.toContain('SECRETVALUE');
  });

  test('rejects a bad mode, port and log level, naming each variable', () => {
    const error = failure({ ...SOCKET, SLACK_MODE: 'websocket', PORT: 'eighty', LOG_LEVEL: 'loud' });
    expect(error.message).toMatch(/SLACK_MODE .*"socket" \(default/);
    expect(error.message).toMatch(/PORT /);
    expect(error.message).toMatch(/LOG_LEVEL /);
  });

  test('reads HTTPS_PROXY, HTTP_PROXY and NO_PROXY, the lower-case spelling first', () => {
    expect(loadSlackEnv({ ...SOCKET, HTTPS_PROXY: 'http://proxy.internal:3128', NO_PROXY: 'localhost,.corp' }).proxy).toEqual({
      httpsProxy: 'http://proxy.internal:3128',
      httpProxy: undefined,
      noProxy: 'localhost,.corp',
    });
    expect(loadSlackEnv({ ...SOCKET, https_proxy: 'http://lower:1', HTTPS_PROXY: 'http://upper:2', no_proxy: 'a', NO_PROXY: 'b' }).proxy).toEqual({
      httpsProxy: 'http://lower:1',
      httpProxy: undefined,
      noProxy: 'a',
    });
    expect(loadSlackEnv({ ...SOCKET, HTTP_PROXY: 'http://p:3128' }).proxy).toMatchObject({ httpProxy: 'http://p:3128', noProxy: '' });
    // NO_PROXY alone, or an empty proxy variable, is no proxy at all.
    expect(loadSlackEnv({ ...SOCKET, NO_PROXY: '*', HTTPS_PROXY: '' }).proxy).toBeUndefined();
  });

  test('rejects a proxy that is not an http(s) URL without echoing it (it may hold a password)', () => {
    const error = failure({ ...SOCKET, HTTPS_PROXY: 'socks5://user:PROXYSECRET@proxy:1080' });
    expect(error.message).toContain('HTTPS_PROXY must be an http(s) URL of the proxy');
    expect(error.message).not.toContain('PROXYSECRET');
  });

  test('has no metrics listener without METRICS_PORT, and binds it to loopback by default', () => {
    expect(loadSlackEnv(SOCKET).metrics).toBeUndefined();
    expect(loadSlackEnv({ ...SOCKET, METRICS_PORT: '9464' }).metrics).toEqual({ port: 9464, host: '127.0.0.1' });
    expect(loadSlackEnv({ ...SOCKET, METRICS_PORT: '0', METRICS_HOST: '10.0.0.5' }).metrics).toEqual({ port: 0, host: '10.0.0.5' });
    expect(loadSlackEnv({ ...SOCKET, METRICS_PORT: '' }).metrics).toBeUndefined();
  });

  test('rejects a bad METRICS_PORT or METRICS_HOST, METRICS_HOST alone, and the Slack PORT as METRICS_PORT in HTTP mode', () => {
    expect(failure({ ...SOCKET, METRICS_PORT: 'ninety' }).message).toMatch(/METRICS_PORT must be a number \(the TCP port of GET \/metrics/);
    expect(failure({ ...SOCKET, METRICS_PORT: '70000' }).message).toContain('METRICS_PORT ');
    expect(failure({ ...SOCKET, METRICS_PORT: '9464', METRICS_HOST: 'a b' }).message).toContain('METRICS_HOST must be an IP address or a host name');
    expect(failure({ ...SOCKET, METRICS_HOST: '127.0.0.1' }).message).toContain('METRICS_HOST is set but METRICS_PORT is not');
    const http = { SLACK_MODE: 'http', SLACK_BOT_TOKEN: 'xoxb-1', SLACK_SIGNING_SECRET: '8f742231b10e8888abcd99yyyzzz85a5' };
    expect(failure({ ...http, PORT: '8080', METRICS_PORT: '8080' }).message).toContain("METRICS_PORT must differ from PORT (8080, where Slack's requests arrive)");
    expect(failure({ ...http, METRICS_PORT: '3000' }).message).toContain('METRICS_PORT must differ from PORT (3000');
    // Socket Mode listens on no port of its own; 0 twice is two free ports.
    expect(loadSlackEnv({ ...SOCKET, PORT: '3000', METRICS_PORT: '3000' }).metrics).toEqual({ port: 3000, host: '127.0.0.1' });
    expect(loadSlackEnv({ ...http, PORT: '0', METRICS_PORT: '0' }).metrics).toEqual({ port: 0, host: '127.0.0.1' });
  });
});
