import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { renderHelpMessage } from '../../../src/render/slack/help-blocks.js';
import { COMMAND } from '../../../src/slack/ids.js';
import { SUBCOMMAND_NAMES } from '../../../src/slack/parse-command-text.js';
import { REPO_ROOT } from '../../helpers/paths.js';

// manifest.yml is what people paste into Slack: what it promises must be what the bot parses.
interface Manifest {
  features: { slash_commands: { command: string; description: string; usage_hint: string }[] };
}
const manifest = parse(readFileSync(join(REPO_ROOT, 'manifest.yml'), 'utf8')) as Manifest;

describe('manifest.yml', () => {
  const slash = manifest.features.slash_commands.find((c) => c.command === COMMAND)!;

  it('manifest.yml registers /workerman with a usage_hint naming every subcommand the bot parses, in its order', () => {
    expect(slash).toBeDefined();
    const named = slash.usage_hint.split(' | ').map((part) => part.trim().split(/\s+/)[0]);
    expect(named).toEqual([...SUBCOMMAND_NAMES]);
    // Slack's limits for a slash command.
    expect(slash.usage_hint.length).toBeLessThanOrEqual(1000);
    expect(slash.description.length).toBeLessThanOrEqual(2000);
  });

  it('manifest.yml and /workerman help name the same subcommands', () => {
    const help = renderHelpMessage({ command: COMMAND }).text;
    for (const sub of SUBCOMMAND_NAMES) expect(help, sub).toContain(`${COMMAND} ${sub}`);
  });
});
