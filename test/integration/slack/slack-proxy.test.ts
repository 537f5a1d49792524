// Issue 10 item 5: HTTPS_PROXY / HTTP_PROXY / NO_PROXY for everything the bot sends to Slack, proven with
// a tiny CONNECT proxy (test/helpers/connect-proxy.ts) between the real bot (HTTP mode) and the Slack
// stand-in; and start-up network failures named as slack_unreachable with the URL.
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { Config } from '../../../src/config/schema.js';
import { loadSlackEnv } from '../../../src/config/slack-env.js';
import { createSlackApp } from '../../../src/slack/app.js';
import { createJsonLogger } from '../../../src/slack/json-logger.js';
import { createTransports } from '../../../src/transport/pool.js';
import { startConnectProxy, type ConnectProxy } from '../../helpers/connect-proxy.js';
import { startBotHarness, type BotHarness } from '../../helpers/slack-bot-harness.js';
import { sendCommand, TEST_SIGNING_SECRET } from '../../helpers/slack-signing.js';
import { startSlackStandIn, type SlackStandIn } from '../../helpers/slack-standin.js';
import { createFakeApp, type FakeApp } from '../../helpers/workerman-app.js';

const BOT_TOKEN = 'xoxb-1111-2222-proxytoken';
const CHANNEL = 'C0123ABCD';

describe('the bot reaches Slack through HTTP(S)_PROXY, except for NO_PROXY hosts', () => {
  let standIn: SlackStandIn;
  let proxy: ConnectProxy;
  let app: FakeApp;
  let config: Config;
  let h: BotHarness | undefined;
  let seq = 0;

  beforeAll(async () => {
    app = await createFakeApp({ status: ['wm5.2.2-idle'] });
    config = Config.parse({ hosts: [app.host('web-1')], limits: { userBurst: 1000, userPerMinute: 6000, postIntervalMs: 0 } });
    standIn = await startSlackStandIn({ botToken: BOT_TOKEN, channels: [{ id: CHANNEL, kind: 'public', botIsMember: true }] });
    proxy = await startConnectProxy();
  });

  afterEach(async () => {
    await h?.stop();
    h = undefined;
    expect(standIn.violations).toEqual([]);
  });

  afterAll(async () => {
    await proxy?.close();
    await standIn?.close();
    await app?.cleanup();
  });

  const stand = (): string => new URL(standIn.apiUrl).host;

  test('every Web API call and the response_url post go through the proxy, in a CONNECT tunnel', async () => {
    h = await startBotHarness(standIn, config, { botToken: BOT_TOKEN, env: { HTTP_PROXY: proxy.url, NO_PROXY: '' } });
    // auth.test at start-up already went through it.
    expect(proxy.connects).toContain(stand());
    expect(proxy.requests).toContain('POST /api/auth.test');
    const posts = standIn.callsOf('chat.postMessage').length;
    await sendCommand(h.eventsUrl, { text: 'status web-1', responseUrl: standIn.responseUrl(`P${++seq}`), channelId: CHANNEL });
    await standIn.waitFor(() => standIn.callsOf('chat.postMessage').length > posts && h!.bot.inFlightCount() === 0, 20_000, 'the status post');
    // A reply after the ack goes to response_url with respond() (here: trace is denied without an access section).
    const responses = standIn.responses.length;
    await sendCommand(h.eventsUrl, { text: 'trace web-1 123', responseUrl: standIn.responseUrl('P-trace'), channelId: CHANNEL });
    await standIn.waitFor(() => standIn.responses.length > responses, 20_000, 'the response_url reply');
    // Every call the stand-in saw came through the tunnel (and nothing as a plain proxied request).
    const viaProxy = proxy.requests.filter((r) => r.startsWith('POST /api/')).map((r) => r.slice('POST /api/'.length));
    for (const call of standIn.calls) expect(viaProxy).toContain(call.method);
    expect(viaProxy).toEqual(expect.arrayContaining(['auth.test', 'chat.postMessage', 'chat.update']));
    expect(proxy.requests.filter((r) => !r.startsWith('POST /api/'))).toEqual([expect.stringMatching(/^POST \/.*P-trace/)]);
  });

  test('NO_PROXY sends the stand-in\'s host direct: the proxy sees nothing', async () => {
    const before = proxy.connects.length;
    h = await startBotHarness(standIn, config, { botToken: BOT_TOKEN, env: { HTTP_PROXY: proxy.url, NO_PROXY: 'localhost,127.0.0.1' } });
    expect(standIn.callsOf('auth.test').length).toBeGreaterThan(0);
    expect(proxy.connects.length).toBe(before);
  });

  test('Socket Mode: apps.connections.open goes through the proxy too (the receiver built for it)', async () => {
    const env = loadSlackEnv({ SLACK_BOT_TOKEN: BOT_TOKEN, SLACK_APP_TOKEN: 'xapp-1-A0123-revoked', SLACK_API_URL: standIn.apiUrl, http_proxy: proxy.url, no_proxy: '' });
    const bot = createSlackApp({ env, config: Config.parse({ hosts: [] }), transports: createTransports([]), logger: createJsonLogger({ write: () => {} }), clientOptions: { retryConfig: { retries: 0 } } });
    const seen = proxy.requests.length;
    await expect(bot.start()).rejects.toMatchObject({ code: 'config_invalid', message: expect.stringMatching(/SLACK_APP_TOKEN/) });
    await bot.stop();
    expect(proxy.requests.slice(seen)).toEqual(['POST /api/auth.test', 'POST /api/apps.connections.open']);
  });

  test('HTTPS_PROXY carries https:// URLs; a proxy that refuses the tunnel is slack_unreachable naming the URL and the proxy', async () => {
    const refusing = await startConnectProxy({ refuse: () => true });
    try {
      const env = loadSlackEnv({
        SLACK_MODE: 'http',
        SLACK_BOT_TOKEN: BOT_TOKEN,
        SLACK_SIGNING_SECRET: TEST_SIGNING_SECRET,
        PORT: '0',
        HOST: '127.0.0.1',
        SLACK_API_URL: 'https://slack.invalid/api/',
        HTTPS_PROXY: refusing.url.replace('http://', 'http://user:PROXYSECRET@'),
      });
      const lines: string[] = [];
      const bot = createSlackApp({ env, config: Config.parse({ hosts: [] }), transports: createTransports([]), logger: createJsonLogger({ write: (l) => lines.push(l) }), clientOptions: { retryConfig: { retries: 0 } } });
      const error = await bot.start().then(
        () => undefined,
        (e: unknown) => e,
      );
      await bot.stop();
      expect(refusing.connects).toEqual(['slack.invalid:443']);
      expect(error).toMatchObject({
        code: 'slack_unreachable',
        message: expect.stringMatching(new RegExp(`^Cannot reach Slack at https://slack\\.invalid/api/auth\\.test through the proxy ${refusing.url.replace(/\./g, '\\.')}: `)),
      });
      expect(JSON.stringify(error)).not.toContain('PROXYSECRET');
      expect((error as Error).message).not.toContain('PROXYSECRET');
      expect(lines.join('\n')).not.toContain('PROXYSECRET');
    } finally {
      await refusing.close();
    }
  });
});
