import { describe, expect, it } from 'vitest';
import type { CliOption } from '../../../src/cli/cli-command.js';
import { parseCliArgs } from '../../../src/cli/parse-cli-args.js';
import { BotError } from '../../../src/errors.js';

const OPTIONS: CliOption[] = [
  { name: 'json', help: '' },
  { name: 'config', value: 'FILE', help: '' },
  { name: 'duration', value: 'DURATION', help: '' },
  { name: 'no-color', key: 'color', flagValue: false, help: '' },
  { name: 'color', key: 'color', flagValue: true, help: '' },
  { name: 'help', short: 'h', help: '' },
];
const parse = (argv: string[]) => parseCliArgs(argv, OPTIONS, { helpHint: 'workerman-ops trace --help', ownersOf: (n) => (n === 'qps' ? ['status'] : []) });

function failure(argv: string[]): string {
  try {
    parse(argv);
  } catch (error) {
    expect(error).toBeInstanceOf(BotError);
    expect((error as BotError).code).toBe('input_invalid');
    return (error as BotError).message;
  }
  throw new Error('expected a parse error');
}

describe('parseCliArgs()', () => {
  it.each([
    [['trace', 'web-1', '123'], {}, ['trace', 'web-1', '123']],
    [['--json', 'trace', 'web-1'], { json: true }, ['trace', 'web-1']],
    [['trace', '--duration', '5s', 'web-1', '123'], { duration: '5s' }, ['trace', 'web-1', '123']],
    [['trace', '--duration=1500ms'], { duration: '1500ms' }, ['trace']],
    [['--config=', 'x'], { config: '' }, ['x']],
    [['status', '--config', '-'], { config: '-' }, ['status']],
    [['-h', 'status'], { help: true }, ['status']],
    [['--color', '--no-color'], { color: false }, []],
    [['--no-color', '--color'], { color: true }, []],
    [['status', '--', '--json', '-h'], {}, ['status', '--json', '-h']],
    [['status', '-'], {}, ['status', '-']],
  ])('parseCliArgs(%j) → options %j, positionals %j', (argv, options, positionals) => {
    expect(parse(argv)).toEqual({ options, positionals });
  });

  it.each([
    [['--jsn'], 'Unknown option --jsn. Did you mean --json? See workerman-ops trace --help.'],
    [['--durration', '5s'], 'Unknown option --durration. Did you mean --duration?'],
    [['--frobnicate'], 'Unknown option --frobnicate. See workerman-ops trace --help.'],
    [['-x'], 'Unknown option -x.'],
    [['-hV'], 'Unknown option -hV.'],
    [['--qps'], '--qps is not an option here (it is one of status). See workerman-ops trace --help.'],
    [['--config'], '--config needs a value: --config FILE. See workerman-ops trace --help.'],
    [['--duration', '--json'], '--duration needs a value: --duration DURATION, got the option --json instead.'],
    [['--json=false'], '--json takes no value (got "false").'],
    // A control character typed (or pasted) never reaches the terminal as is.
    [['--\u001b[31mx'], 'Unknown option -- [31mx.'],
  ])('parseCliArgs(%j) refuses with %j', (argv, message) => {
    expect(failure(argv)).toContain(message);
  });

  it('parseCliArgs() in lenient mode skips what it does not know (the first pass that finds the command)', () => {
    expect(parseCliArgs(['--qps', 'status', '--config'], OPTIONS, { helpHint: '', lenient: true })).toEqual({ options: {}, positionals: ['status'] });
  });
});
