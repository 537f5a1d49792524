import { describe, expect, it } from 'vitest';
import { BotError } from '../../../src/errors.js';
import { parseConnections } from '../../../src/workerman/parse-connections.js';
import { isConnectionsCapture, loadStatusFixtures } from './status-fixtures.js';

const captures = loadStatusFixtures().filter(isConnectionsCapture);
const tables = captures.filter((f) => !f.truth.scenario.startsWith('not-running'));
const notRunning = captures.filter((f) => f.truth.scenario.startsWith('not-running'));

function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    if (error instanceof BotError) return error.code;
    throw error;
  }
  return 'no error';
}

/** Workerman cuts worker names above 14 characters to 12 + `..`. */
function shownName(name: string): string {
  return name.length > 14 ? `${name.slice(0, 12)}..` : name;
}

describe('parseConnections() on every real capture', () => {
  it('the fixture folder has connections captures of 3.x, 4.x and 5.x', () => {
    expect(new Set(tables.map((f) => f.truth.file_prefix.slice(0, 4)))).toEqual(new Set(['wm3.', 'wm4.', 'wm5.']));
    expect(tables.length).toBeGreaterThanOrEqual(5);
    expect(notRunning.length).toBeGreaterThanOrEqual(4);
  });

  it.each(tables.map((f) => [f.base, f] as const))('%s lists each held client connection once', (_name, f) => {
    const held = f.truth.held_connections ?? [];
    const { host, connections } = parseConnections(f.stdout, { stderr: f.stderr, host: 'capture' });
    expect(host).toBe('capture');
    expect(held.length).toBeGreaterThan(0);
    // The test clients' own addresses are the foreign addresses on the server side.
    expect(connections.map((c) => c.foreignAddress).sort()).toEqual(held.map((h) => h.local).sort());
    for (const c of connections) {
      const h = held.find((x) => x.local === c.foreignAddress);
      expect(c.localAddress).toBe(h?.remote);
      const ps = f.truth.worker_processes.find((w) => w.pid === c.pid);
      expect(ps, `pid ${c.pid} is a worker`).toBeDefined();
      expect(c.worker).toBe(shownName(ps?.name ?? ''));
      expect(c.transport).toBe('tcp');
      expect(['Http', 'Websocket', 'Text']).toContain(c.protocol);
      expect([c.ipv4, c.ipv6]).toEqual([true, false]);
      expect(c.status).toBe('ESTABLISHED');
      expect(c.bytesRead).toMatch(/^\d+(\.\d)?[KMGT]?B$/);
      expect(Number.isInteger(c.cid)).toBe(true);
    }
  });

  it.each(notRunning.map((f) => [f.base, f] as const))('%s is workerman_not_running', (_name, f) => {
    expect(codeOf(() => parseConnections(f.stdout, { stderr: f.stderr }))).toBe('workerman_not_running');
  });

  it('parseConnections() keeps the 3.x answer order (not sorted by pid)', () => {
    const f = tables.find((x) => x.base === 'wm3.5.35-connections');
    expect(parseConnections(f?.stdout ?? '').connections.map((c) => c.pid)).toEqual([20035, 20041, 20037, 20036, 20040]);
  });

  it('parseConnections() returns no rows when only the two header lines are printed', () => {
    const f = tables[0];
    const headerOnly = (f?.stdout ?? '').split('\n').slice(0, 3).join('\n') + '\n';
    expect(parseConnections(headerOnly).connections).toEqual([]);
  });

  it('parseConnections() keeps a worker name with a space whole', () => {
    const f = tables.find((x) => x.base === 'wm5.2.2-connections');
    const text = (f?.stdout ?? '').replaceAll('TextCmd2       ', 'Text Cmd 2     ');
    expect(parseConnections(text).connections.at(-1)?.worker).toBe('Text Cmd 2');
  });
});

describe('parseConnections() on output cut short', () => {
  it.each(tables.map((f) => [f.base, f] as const))('%s cut at every byte: whole rows or a typed error', (_name, f) => {
    const full = parseConnections(f.stdout).connections;
    for (let end = 0; end <= f.stdout.length; end++) {
      try {
        const rows = parseConnections(f.stdout.slice(0, end)).connections;
        // Whatever came back is a prefix of the full table: never a half row.
        expect(rows).toEqual(full.slice(0, rows.length));
      } catch (error) {
        if (!(error instanceof BotError)) throw error;
        expect(['status_unparseable', 'workerman_not_running']).toContain(error.code);
      }
    }
  });

  it('parseConnections() refuses empty output and usage text', () => {
    expect(codeOf(() => parseConnections(''))).toBe('status_unparseable');
    expect(codeOf(() => parseConnections('Usage: php yourfile <command> [mode]\nCommands: \n'))).toBe('status_unparseable');
  });
});
