// manifest.yml declares the message shortcut the bot listens for, within the manifest schema's limits
// (slackapi/manifest-schema: name ≤ 24, description ≤ 150, at most 10 shortcuts), and the scope it needs.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { SHORTCUT_IDS } from '../../../src/slack/ids.js';
import { REPO_ROOT } from '../../helpers/paths.js';

interface Manifest {
  features: { shortcuts?: { name: string; type: string; callback_id: string; description: string }[] };
  oauth_config: { scopes: { bot: string[] } };
  settings: { interactivity: { is_enabled: boolean } };
}

const manifest = parse(readFileSync(join(REPO_ROOT, 'manifest.yml'), 'utf8')) as Manifest;

describe('manifest.yml', () => {
  it('manifest.yml declares the "Summarise strace log" message shortcut with the callback_id the bot listens for', () => {
    const shortcuts = manifest.features.shortcuts ?? [];
    expect(shortcuts.length).toBeLessThanOrEqual(10);
    const summarise = shortcuts.find((s) => s.callback_id === SHORTCUT_IDS.summarise);
    expect(summarise).toMatchObject({ name: 'Summarise strace log', type: 'message' });
    expect(summarise!.name.length).toBeLessThanOrEqual(24);
    expect(summarise!.description.length).toBeGreaterThan(0);
    expect(summarise!.description.length).toBeLessThanOrEqual(150);
  });

  it('manifest.yml asks for files:read (files.info and url_private_download) and keeps interactivity on (shortcuts arrive there)', () => {
    expect(manifest.oauth_config.scopes.bot).toContain('files:read');
    expect(manifest.settings.interactivity.is_enabled).toBe(true);
  });
});
