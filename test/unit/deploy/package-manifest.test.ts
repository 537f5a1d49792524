import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../helpers/paths.js';

// What `npm pack` ships and what a global install needs; the integration test installs the real tarball.
interface PackageJson {
  private?: boolean;
  bin: Record<string, string>;
  files: string[];
  engines: { node: string };
  scripts: Record<string, string>;
  dependencies: Record<string, string>;
}
const pkg = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as PackageJson;

/** `20.18.1` → [20, 18, 1]; missing parts are 0. */
function version(text: string): number[] {
  const parts = text.split('.').map(Number);
  return [parts[0] ?? 0, parts[1] ?? 0, parts[2] ?? 0];
}

function compare(a: number[], b: number[]): number {
  for (let i = 0; i < 3; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return 0;
}

/**
 * Whether a Node version satisfies an `engines.node` range of the simple kinds packages use:
 * `>=20`, `>= 20.18.1`, `^18.19.0 || >=20.5.0`, `>=10.16.0`. Anything else throws (the test then needs more).
 */
function satisfies(v: number[], range: string): boolean {
  return range.split('||').some((alt) => {
    const parts = alt.trim().split(/\s+(?=[<>^~])/);
    return parts.every((part) => {
      const m = /^(>=|\^|>|<|<=)?\s*(\d+(?:\.\d+){0,2})$/.exec(part.trim());
      if (!m) throw new Error(`cannot read engines range "${range}"`);
      const bound = version(m[2]!);
      const c = compare(v, bound);
      switch (m[1]) {
        case '>=':
          return c >= 0;
        case '>':
          return c > 0;
        case '<':
          return c < 0;
        case '<=':
          return c <= 0;
        case '^':
          return c >= 0 && v[0] === bound[0];
        default:
          return c === 0;
      }
    });
  });
}

describe('package.json for npm pack', () => {
  it('package.json ships the built CLI, the host helper, the chart font, the Slack manifest and the example config', () => {
    expect(pkg.files).toEqual(expect.arrayContaining(['dist/src', 'host', 'assets', 'manifest.yml', 'workerman-ops.example.yml']));
    expect(pkg.files.some((f) => /^(src|test|bench)(\/|$)|\.env|tsconfig/.test(f))).toBe(false);
    expect(pkg.bin).toEqual({ 'workerman-ops': 'dist/src/cli/bin.js' });
    expect(pkg.files.some((f) => pkg.bin['workerman-ops']!.startsWith(`${f}/`))).toBe(true);
    for (const f of pkg.files.filter((f) => !f.startsWith('dist/'))) expect(existsSync(join(REPO_ROOT, f)), f).toBe(true);
    // The source of the bin starts with a shebang, so the linked command runs under node.
    expect(readFileSync(join(REPO_ROOT, 'src', 'cli', 'bin.ts'), 'utf8')).toMatch(/^#!\/usr\/bin\/env node\n/);
  });

  it('package.json builds at pack time (prepare) and runs nothing at install time of the tarball', () => {
    expect(pkg.scripts.prepare).toBe('tsc -p tsconfig.json');
    // npm runs `prepare` before `npm pack` (and for git or folder installs), never for a tarball; these would run there.
    for (const hook of ['preinstall', 'install', 'postinstall']) expect(pkg.scripts[hook], hook).toBeUndefined();
    expect(pkg.private).toBe(true);
  });

  it('package.json engines.node is at least what every runtime dependency needs (undici 7: 20.18.1)', () => {
    const floor = version(/^>=\s*(\d+(?:\.\d+){0,2})$/.exec(pkg.engines.node)![1]!);
    const needs: string[] = [];
    for (const name of Object.keys(pkg.dependencies)) {
      const dep = JSON.parse(readFileSync(join(REPO_ROOT, 'node_modules', name, 'package.json'), 'utf8')) as { engines?: { node?: string } };
      const range = dep.engines?.node;
      if (range !== undefined) {
        needs.push(`${name} ${range}`);
        expect(satisfies(floor, range), `${name} needs node ${range}, package.json says ${pkg.engines.node}`).toBe(true);
      }
    }
    expect(needs.length).toBeGreaterThan(2);
    // process.loadEnvFile (bin.ts, for `serve`) is 20.12+.
    expect(satisfies(floor, '>=20.12.0')).toBe(true);
    expect(satisfies(version(process.versions.node), pkg.engines.node)).toBe(true);
  });

  it('satisfies() reads the range kinds dependencies use', () => {
    expect(satisfies([20, 18, 1], '^18.19.0 || >=20.5.0')).toBe(true);
    expect(satisfies([20, 4, 0], '^18.19.0 || >=20.5.0')).toBe(false);
    expect(satisfies([20, 0, 0], '>= 20')).toBe(true);
    expect(satisfies([20, 18, 0], '>=20.18.1')).toBe(false);
  });
});
