import { z } from 'zod';
import { BotError } from '../errors.js';

// Where each variable comes from, quoted in error messages so a person can fix `.env` without docs.
const WHERE: Record<string, string> = {
  SLACK_MODE: '"socket" (default, no public URL needed) or "http"',
  SLACK_BOT_TOKEN: 'Slack app settings → OAuth & Permissions → Bot User OAuth Token (starts with xoxb-)',
  SLACK_APP_TOKEN:
    'Slack app settings → Basic Information → App-Level Tokens → Generate, scope connections:write (starts with xapp-)',
  SLACK_SIGNING_SECRET: 'Slack app settings → Basic Information → App Credentials → Signing Secret',
  PORT: 'the TCP port the HTTP mode listens on, 0-65535 (default 3000; 0 = any free port)',
  HOST: 'the address the HTTP mode binds to, e.g. 0.0.0.0 or 127.0.0.1 (default: all addresses)',
  SLACK_API_URL:
    'a base URL for the Slack Web API, e.g. https://slack.com/api/; Socket Mode opens its connections through it too (only for tests and reverse proxies)',
  LOG_LEVEL: 'one of debug, info, warn, error (default info)',
  HTTPS_PROXY: 'the proxy for https:// URLs (all of Slack), e.g. http://proxy.internal:3128 (https_proxy wins when both are set)',
  HTTP_PROXY: 'the proxy for http:// URLs, and for https:// ones when HTTPS_PROXY is unset (http_proxy wins when both are set)',
  NO_PROXY: 'hosts reached without the proxy, comma-separated: example.com, .example.com, 10.0.0.1:8080, * (no_proxy wins when both are set)',
  METRICS_PORT:
    'the TCP port of GET /metrics (Prometheus), 0-65535, never the Slack PORT; unset = no metrics listener (0 = any free port)',
  METRICS_HOST: 'the address the metrics listener binds to (default 127.0.0.1: host and worker names are inventory, keep them off the internet)',
};

/** Where the metrics listener binds when METRICS_HOST is unset: loopback, never all addresses. */
export const DEFAULT_METRICS_HOST = '127.0.0.1';

// Proxy variables are read in both cases, lower-case first, as curl and undici do.
const PROXY_VARIABLES = ['HTTPS_PROXY', 'HTTP_PROXY', 'NO_PROXY'] as const;
const ProxyUrl = z.url({ protocol: /^https?$/, error: 'must be an http(s) URL of the proxy, e.g. http://proxy.internal:3128' });

export const SlackEnv = z
  .object({
    SLACK_MODE: z.enum(['socket', 'http']).default('socket'),
    // Token values never appear in messages: every check below has a fixed message.
    SLACK_BOT_TOKEN: z.string({ error: 'is missing' }).regex(/^xoxb-[A-Za-z0-9-]+$/, 'must be a bot token starting with xoxb-'),
    SLACK_APP_TOKEN: z.string().regex(/^xapp-[A-Za-z0-9-]+$/, 'must be an app-level token starting with xapp-').optional(),
    SLACK_SIGNING_SECRET: z.string().regex(/^[A-Za-z0-9]{16,}$/, 'must be the signing secret (letters and digits)').optional(),
    // 0 = any free port (tests); the bound port is logged at start.
    PORT: z.coerce.number({ error: 'must be a number' }).int().min(0).max(65535).default(3000),
    HOST: z.string().min(1).optional(),
    SLACK_API_URL: z
      .url({ protocol: /^https?$/, error: 'must be an http(s) URL' })
      .transform((u) => (u.endsWith('/') ? u : `${u}/`))
      .optional(),
    LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error']).default('info'),
    HTTPS_PROXY: ProxyUrl.optional(),
    HTTP_PROXY: ProxyUrl.optional(),
    NO_PROXY: z.string().optional(),
    METRICS_PORT: z.coerce.number({ error: 'must be a number' }).int().min(0).max(65535).optional(),
    METRICS_HOST: z
      .string()
      .regex(/^[A-Za-z0-9.:%_-]{1,253}$/, 'must be an IP address or a host name of this machine')
      .optional(),
  })
  .superRefine((env, ctx) => {
    if (env.SLACK_MODE === 'socket' && env.SLACK_APP_TOKEN === undefined) {
      ctx.addIssue({ code: 'custom', path: ['SLACK_APP_TOKEN'], message: 'is missing (needed in Socket Mode)' });
    }
    if (env.SLACK_MODE === 'http' && env.SLACK_SIGNING_SECRET === undefined) {
      ctx.addIssue({ code: 'custom', path: ['SLACK_SIGNING_SECRET'], message: 'is missing (needed in HTTP mode)' });
    }
    if (env.METRICS_HOST !== undefined && env.METRICS_PORT === undefined) {
      ctx.addIssue({ code: 'custom', path: ['METRICS_HOST'], message: 'is set but METRICS_PORT is not (set METRICS_PORT to serve /metrics)' });
    }
    // /metrics never shares the Slack receiver's port: in HTTP mode that port faces the internet.
    if (env.SLACK_MODE === 'http' && env.METRICS_PORT !== undefined && env.METRICS_PORT !== 0 && env.METRICS_PORT === env.PORT) {
      ctx.addIssue({ code: 'custom', path: ['METRICS_PORT'], message: `must differ from PORT (${env.PORT}, where Slack's requests arrive)` });
    }
  })
  .transform((env) => ({
    mode: env.SLACK_MODE,
    botToken: env.SLACK_BOT_TOKEN,
    appToken: env.SLACK_APP_TOKEN,
    signingSecret: env.SLACK_SIGNING_SECRET,
    port: env.PORT,
    host: env.HOST,
    apiUrl: env.SLACK_API_URL,
    logLevel: env.LOG_LEVEL,
    // Absent when no proxy is set: the bot then uses Node's own fetch, as without this setting.
    proxy:
      env.HTTPS_PROXY === undefined && env.HTTP_PROXY === undefined
        ? undefined
        : { httpsProxy: env.HTTPS_PROXY, httpProxy: env.HTTP_PROXY, noProxy: env.NO_PROXY ?? '' },
    // Absent when METRICS_PORT is unset: no metrics listener at all.
    metrics: env.METRICS_PORT === undefined ? undefined : { port: env.METRICS_PORT, host: env.METRICS_HOST ?? DEFAULT_METRICS_HOST },
  }));
export type SlackEnv = z.output<typeof SlackEnv>;

/** Returns the validated Slack settings of `env`, or throws `config_invalid` naming each bad variable (never its value). */
export function loadSlackEnv(env: NodeJS.ProcessEnv): SlackEnv {
  // Empty strings (`SLACK_APP_TOKEN=` in .env) mean "not set".
  const picked = Object.fromEntries(
    Object.keys(WHERE)
      .map((name) => [name, (PROXY_VARIABLES.includes(name as (typeof PROXY_VARIABLES)[number]) ? env[name.toLowerCase()] ?? env[name] : env[name])?.trim()] as const)
      .filter(([, value]) => value !== undefined && value !== ''),
  );
  const result = SlackEnv.safeParse(picked);
  if (result.success) return result.data;
  const lines = result.error.issues.map((issue) => {
    const name = String(issue.path[0] ?? 'environment');
    const where = WHERE[name];
    return `${name} ${issue.message}${where === undefined ? '' : ` (${where})`}`;
  });
  throw new BotError('config_invalid', `Slack settings in the environment are invalid:\n- ${lines.join('\n- ')}`);
}
