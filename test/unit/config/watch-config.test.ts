import { describe, expect, it } from 'vitest';
import { loadConfig, parseConfigText } from '../../../src/config/load.js';
import { loadWatchEnv } from '../../../src/config/watch-env.js';
import { BotError } from '../../../src/errors.js';
import { resolveWatchHosts } from '../../../src/watch/resolve-watch-hosts.js';

const FP = 'SHA256:ZUZuqUhJeRJmvX3Q0m5XwO0eQ8OTbmM0Ol0vyRCMkXU';
const hosts = `hosts:
  - name: web-1
    groups: [web]
    ssh: { address: 10.0.0.5, username: deploy, privateKeyFile: /k/id, hostKey: "${FP}" }
    workerman: { startFile: /srv/app/start.php }
  - name: chat-1
    ssh: { address: 10.0.0.6, username: deploy, privateKeyFile: /k/id, hostKey: "${FP}" }
    workerman: { startFile: /srv/chat/start.php }
`;

function configError(text: string): string {
  try {
    parseConfigText(text, 'ops.yml', { HOME: '/home/ops' });
  } catch (error) {
    expect((error as BotError).code).toBe('config_invalid');
    return (error as BotError).message;
  }
  throw new Error('expected a config error');
}

describe('watch config', () => {
  it('is absent unless configured, and fills every default when it is', () => {
    expect(parseConfigText(hosts, 'ops.yml').watch).toBeUndefined();
    const watch = parseConfigText(`${hosts}watch: {}\n`, 'ops.yml').watch!;
    expect(watch).toMatchObject({
      hosts: ['all'],
      intervalS: 60,
      statusEveryS: 600,
      statusMinGapS: 120,
      windowMin: 360,
      maxSamplesPerHost: 1000,
      stateFile: '/var/lib/workerman-ops/watch-state.json',
      saveEveryS: 300,
      concurrency: 16,
      hostTimeoutMs: 20_000,
      alertEditEveryS: 600,
    });
    expect(watch.thresholds).toEqual({
      memoryGrowth: { openMbPerHour: 2, resolveMbPerHour: 1, minSpanMin: 30, fitMin: 120, minUpShare: 0.65, maxStepShare: 0.5 },
      stuck: { statusSamples: 2, procSamples: 3, extraIdleWchans: [] },
      saturation: { procSamples: 3, statusSamples: 1 },
      crashLoop: { minExits: 3, windowMin: 30, quietMin: 30 },
      stall: { minSpanMin: 5, protocols: ['http'] },
      hostSamples: 2,
      clearSamples: 3,
      cpuPinnedShare: 0.9,
    });
  });

  it('reads the example shape: hosts and groups, channel, a ~ state file, thresholds', () => {
    const watch = parseConfigText(
      `${hosts}watch:
  hosts: [web, chat-1]
  channel: C0123ALERTS
  stateFile: ~/watch.json
  thresholds:
    memoryGrowth: { openMbPerHour: 5, resolveMbPerHour: 2, memoryLimitMb: 256 }
`,
      'ops.yml',
      { HOME: '/home/ops' },
    ).watch!;
    expect(watch).toMatchObject({ hosts: ['web', 'chat-1'], channel: 'C0123ALERTS', stateFile: '/home/ops/watch.json' });
    expect(watch.thresholds.memoryGrowth).toMatchObject({ openMbPerHour: 5, resolveMbPerHour: 2, memoryLimitMb: 256, minSpanMin: 30 });
  });

  it('refuses misspelt keys, unknown hosts, a span under 30 min and thresholds that would flap', () => {
    expect(configError(`${hosts}watch: { intervall: 60 }\n`)).toContain('watch: unknown key "intervall"');
    expect(configError(`${hosts}watch: { thresholds: { stuck: { procSample: 3 } } }\n`)).toContain('watch.thresholds.stuck: unknown key "procSample"');
    expect(configError(`${hosts}watch: { hosts: [web-9] }\n`)).toContain('watch.hosts[0]: "web-9" is neither a host nor a group');
    expect(configError(`${hosts}watch: { thresholds: { memoryGrowth: { minSpanMin: 10 } } }\n`)).toContain('watch.thresholds.memoryGrowth.minSpanMin');
    expect(configError(`${hosts}watch: { thresholds: { memoryGrowth: { openMbPerHour: 1, resolveMbPerHour: 1 } } }\n`)).toContain(
      'watch.thresholds.memoryGrowth.resolveMbPerHour: must be below openMbPerHour (else the alert flaps)',
    );
    expect(configError(`${hosts}watch: { intervalS: 60, statusEveryS: 30 }\n`)).toContain('watch.statusEveryS: must be at least intervalS');
    expect(configError(`${hosts}watch: { channel: "#alerts" }\n`)).toContain('watch.channel: expected a Slack channel ID');
  });

  it('the committed example documents every key with its default value', async () => {
    const example = (await loadConfig({ path: 'workerman-ops.example.yml', env: { HOME: '/home/ops' }, cwd: process.cwd() })).config.watch!;
    const defaults = parseConfigText(`${hosts}watch: {}\n`, 'ops.yml').watch!;
    expect(example).toEqual({ ...defaults, hosts: ['web', 'chat-1'], channel: 'C0123ALERTS' });
  });

  it('resolveWatchHosts() expands groups and all, each host once, in config order', () => {
    const config = parseConfigText(`${hosts}watch: { hosts: [chat-1, web, web-1] }\n`, 'ops.yml');
    expect(resolveWatchHosts(config).map((h) => h.name)).toEqual(['web-1', 'chat-1']);
    const all = parseConfigText(`${hosts}watch: { hosts: ['*'] }\n`, 'ops.yml');
    // `all` leaves out the built-in `local` unless the config names it: a machine without Workerman is no
    // host to watch (it would only ever say "app not running").
    expect(resolveWatchHosts(all).map((h) => h.name)).toEqual(['web-1', 'chat-1']);
  });
});

describe('loadWatchEnv()', () => {
  it('WATCH=on makes this replica the watcher; unset or off does not; anything else is refused', () => {
    expect(loadWatchEnv({ WATCH: 'on' })).toEqual({ isWatcher: true });
    expect(loadWatchEnv({ WATCH: ' TRUE ' })).toEqual({ isWatcher: true });
    expect(loadWatchEnv({})).toEqual({ isWatcher: false });
    expect(loadWatchEnv({ WATCH: 'off' })).toEqual({ isWatcher: false });
    expect(() => loadWatchEnv({ WATCH: 'maybe' })).toThrow(/WATCH must be "on" or "off"/);
  });
});
