import { describe, expect, it } from 'vitest';
import { COMMANDS } from '../../../src/cli/commands/index.js';
import { COMPLETE_FILES, completeWords } from '../../../src/cli/complete-words.js';

const NAMES = { hosts: ['web-1', 'web-2', 'db-1', 'local'], groups: ['web', 'all'] };

async function complete(line: string): Promise<{ candidates: string[]; configPath: string | undefined | null }> {
  // The last word is the one being completed ('' after a trailing space).
  const words = ['workerman-ops', ...line.split(' ')];
  let configPath: string | undefined | null = null;
  const candidates = await completeWords(words, words.length - 1, COMMANDS, async (path) => {
    configPath = path;
    return NAMES;
  });
  return { candidates, configPath };
}

describe('completeWords()', () => {
  it.each([
    ['', ['status', 'connections', 'trace', 'hosts', 'doctor', 'history', 'setup-host', 'serve', 'completion', 'help']],
    ['s', ['status', 'setup-host', 'serve']],
    ['--json st', ['status']],
    ['--config ops.yml tr', ['trace']],
    ['help ', ['status', 'connections', 'trace', 'hosts', 'doctor', 'history', 'setup-host', 'serve', 'completion']],
    ['help tr', ['trace']],
    ['help trace ', []],
    ['status ', ['web-1', 'web-2', 'db-1', 'local', 'web', 'all']],
    ['status w', ['web-1', 'web-2', 'web']],
    ['status web-1 ', []],
    ['doctor a', ['all']],
    ['connections w', ['web-1', 'web-2']],
    ['trace ', ['web-1', 'web-2', 'db-1', 'local']],
    ['trace web-1 ', []],
    ['trace web-1 123 --d', ['--duration']],
    ['trace web-1 123 --duration ', ['5s', '10s', '30s', '1500ms', '1m']],
    ['trace web-1 123 --duration 1', ['10s', '1500ms', '1m']],
    ['trace --save-log ', [COMPLETE_FILES]],
    ['trace --from-file t.log --sh', ['--show-unparsed']],
    ['status --from-file ', [COMPLETE_FILES]],
    ['--config ', [COMPLETE_FILES]],
    ['--config = ', [COMPLETE_FILES]],
    ['status --q', ['--qps']],
    ['hosts --', ['--config', '--json', '--no-color', '--color', '--help', '--version']],
    ['--', ['--config', '--json', '--no-color', '--color', '--help', '--version']],
    ['completion ', ['bash', 'zsh']],
    ['completion z', ['zsh']],
    ['serve ', []],
    ['frobnicate ', []],
    ['__complete ', []],
    ['setup-host --from ', []],
  ])('completeWords(%j) offers %j', async (line, expected) => {
    expect((await complete(line)).candidates).toEqual(expected);
  });

  it('completeWords() loads host names with the --config typed on the line, and only for a host position', async () => {
    expect((await complete('--config ops.yml status ')).configPath).toBe('ops.yml');
    expect((await complete('status --config=ops.yml ')).configPath).toBe('ops.yml');
    expect((await complete('--config = ops.yml status w')).configPath).toBe('ops.yml');
    expect((await complete('status ')).configPath).toBeUndefined();
    expect((await complete('st')).configPath).toBeNull();
  });

  it('completeWords() offers nothing when the config cannot be read', async () => {
    const words = ['workerman-ops', 'status', ''];
    expect(await completeWords(words, 2, COMMANDS, () => Promise.reject(new Error('broken config')))).toEqual([]);
  });
});
