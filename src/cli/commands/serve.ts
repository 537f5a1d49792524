import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { CliCommand } from '../cli-command.js';
import { expectArgs } from '../expect-args.js';

/** `workerman-ops serve`: the Slack bot, until a signal stops it. */
export const serveCommand: CliCommand = {
  name: 'serve',
  summary: 'run the Slack bot (Socket Mode or HTTP; see the README)',
  usage: ['serve'],
  options: [],
  details: [
    'Settings come from the environment, and from ./.env when it exists (variables already set win): SLACK_BOT_TOKEN, SLACK_APP_TOKEN (Socket Mode, the default) or SLACK_MODE=http with SLACK_SIGNING_SECRET, PORT and HOST; LOG_LEVEL.',
    'Behind a proxy: HTTPS_PROXY (or HTTP_PROXY) and NO_PROXY are honoured for every call to Slack and for the Socket Mode WebSocket.',
    'METRICS_PORT serves GET /metrics (Prometheus) on a listener of its own, bound to METRICS_HOST (default 127.0.0.1), in both modes.',
    'Start-up checks the bot token with auth.test: a rejected token exits 3 naming it; Slack unreachable (DNS, refused, timeout, proxy) exits 50 naming the URL.',
    'WATCH=on runs the watcher of the config\'s `watch` section on this replica (alerts in watch.channel); set it on exactly one replica. Default off: the replica answers commands only.',
    'SIGTERM or SIGINT stops taking requests and lets work in flight finish (10 s), a second one stops at once; the watcher saves its state file.',
  ],
  positionals: [],
  async run(ctx) {
    expectArgs(ctx.args, 0, 'serve');
    // Before anything reads the environment (the config path and the Slack settings may be in .env).
    const dotEnv = join(ctx.io.cwd, '.env');
    if (ctx.io.loadEnvFile !== undefined && existsSync(dotEnv)) ctx.io.loadEnvFile(dotEnv);
    const { loadSlackEnv } = await import('../../config/slack-env.js');
    const env = loadSlackEnv(ctx.io.env);
    const { loadWatchEnv } = await import('../../config/watch-env.js');
    const { isWatcher } = loadWatchEnv(ctx.io.env);
    const loaded = await ctx.config();
    const [{ runServe }, { removeStaleRawLogs }] = await Promise.all([import('../../slack/serve.js'), import('../../strace/raw-log.js')]);
    // A bot killed mid-trace leaves its private raw-log dirs behind: remove them at start.
    await removeStaleRawLogs();
    await runServe({ env, config: loaded.config, transports: await ctx.transports(), isWatcher });
    ctx.handOverTransports(); // the bot closes them on SIGTERM/SIGINT
    return await new Promise<number>(() => {}); // runs until a signal stops the process
  },
};
