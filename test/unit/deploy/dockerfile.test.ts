import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DOCKER_KEYWORDS,
  type DockerInstruction,
  type DockerStage,
  dockerStages,
  healthcheckArgv,
  isInDockerContext,
  parseCopy,
  parseDockerfile,
  parseDockerignore,
  patternsSupported,
  readRepoDockerfile,
} from '../../helpers/dockerfile.js';
import { REPO_ROOT } from '../../helpers/paths.js';

// The image cannot be built here (no Docker engine; hadolint is not in Debian): this is the lint.
const instructions = readRepoDockerfile();
const stages = dockerStages(instructions);
const final = stages.at(-1)!;
const build = stages.find((s) => s.name === 'build');
const ignore = parseDockerignore(readFileSync(join(REPO_ROOT, '.dockerignore'), 'utf8'));
const pkg = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { bin: Record<string, string> };

const ofKind = (stage: DockerStage, keyword: string): DockerInstruction[] => stage.instructions.filter((i) => i.keyword === keyword);

describe('parseDockerfile()', () => {
  it('parseDockerfile() joins continuations and drops comment lines inside them', () => {
    const parsed = parseDockerfile('FROM a AS b\n# c\nRUN one \\\n  # skipped\n  && two\n\ncmd ["x"]\n');
    expect(parsed).toEqual([
      { keyword: 'FROM', args: 'a AS b', line: 1 },
      { keyword: 'RUN', args: 'one && two', line: 3 },
      { keyword: 'CMD', args: '["x"]', line: 7 },
    ]);
  });

  it('isInDockerContext() lets the last matching pattern win, parents included', () => {
    const patterns = ['*', '!src', 'src/secret.ts'];
    expect(isInDockerContext(patterns, 'src/cli/main.ts')).toBe(true);
    expect(isInDockerContext(patterns, 'src/secret.ts')).toBe(false);
    expect(isInDockerContext(patterns, '.env')).toBe(false);
    expect(isInDockerContext([], '.env')).toBe(true);
  });
});

describe('Dockerfile', () => {
  it('Dockerfile uses only real instructions and no ADD', () => {
    expect(instructions.length).toBeGreaterThan(10);
    expect(instructions.filter((i) => !DOCKER_KEYWORDS.has(i.keyword)).map((i) => `${i.line}: ${i.keyword}`)).toEqual([]);
    expect(instructions.filter((i) => i.keyword === 'ADD')).toEqual([]);
  });

  it('Dockerfile builds in a stage of its own and runs on Node 20 slim', () => {
    expect(stages).toHaveLength(2);
    expect(build).toBeDefined();
    for (const stage of stages) expect(stage.image).toMatch(/^node:20(\.\d+)*-[a-z]+-slim$|^node:20(\.\d+)*-slim$/);
  });

  it('Dockerfile build stage runs npm ci, compiles, then prunes dev dependencies', () => {
    const runs = ofKind(build!, 'RUN').map((r) => r.args).join('\n');
    const ci = runs.indexOf('npm ci');
    const tsc = runs.indexOf('tsc -p tsconfig.json');
    const prune = runs.indexOf('npm prune --omit=dev');
    expect(ci).toBeGreaterThanOrEqual(0);
    expect(tsc).toBeGreaterThan(ci);
    expect(prune).toBeGreaterThan(tsc);
  });

  it('Dockerfile final image holds only dist/src, host/, assets/ (the chart font), node_modules, package.json and manifest.yml', () => {
    const copied = ofKind(final, 'COPY').flatMap((c) => {
      const { from, sources } = parseCopy(c.args);
      expect(from === null || from === 'build', `COPY ${c.args}`).toBe(true);
      return sources.map((s) => s.replace(/^\/build\//, '').replace(/\/$/, ''));
    });
    expect(copied.sort()).toEqual(['assets', 'dist/src', 'host', 'manifest.yml', 'node_modules', 'package.json']);
  });

  it('Dockerfile runs the bot as a non-root user it creates', () => {
    const users = ofKind(final, 'USER');
    expect(users.length).toBeGreaterThan(0);
    const user = users.at(-1)!.args;
    expect(user).not.toMatch(/^(root|0)(:|$)/);
    expect(ofKind(final, 'RUN').some((r) => r.args.includes(`useradd`) && r.args.includes(user))).toBe(true);
    // Nothing after USER runs as root again.
    const last = final.instructions.lastIndexOf(users.at(-1)!);
    expect(final.instructions.slice(last).filter((i) => i.keyword === 'RUN')).toEqual([]);
  });

  it('Dockerfile exposes 3000, leaves SLACK_MODE and every secret to the user, and starts the installed bin', () => {
    expect(ofKind(final, 'EXPOSE').map((e) => e.args)).toEqual(['3000']);
    const env = instructions.filter((i) => i.keyword === 'ENV').map((e) => e.args).join(' ');
    expect(env).not.toMatch(/SLACK_|TOKEN|SECRET/);
    expect(env).toContain('WORKERMAN_OPS_CONFIG=/etc/workerman-ops/config.yml');
    const entry = JSON.parse(ofKind(final, 'ENTRYPOINT')[0]!.args) as string[];
    expect(entry).toEqual(['node', `/app/${pkg.bin['workerman-ops']}`]);
    expect(JSON.parse(ofKind(final, 'CMD')[0]!.args)).toEqual(['serve']);
    expect(ofKind(final, 'WORKDIR').map((w) => w.args)).toEqual(['/app']);
  });

  it('Dockerfile build context (.dockerignore) has what the COPYs need and never .env, keys, node_modules or tests', () => {
    expect(patternsSupported(ignore)).toBe(true);
    const fromContext = stages.flatMap((s) => ofKind(s, 'COPY').map((c) => parseCopy(c.args)).filter((c) => c.from === null).flatMap((c) => c.sources));
    expect(fromContext.length).toBeGreaterThan(3);
    for (const source of fromContext) {
      const probe = source.replace(/^\.\//, '').replace(/\/$/, '');
      expect(isInDockerContext(ignore, probe), `${probe} is in the build context`).toBe(true);
      if (!probe.includes('.')) expect(isInDockerContext(ignore, `${probe}/some/file.ts`), `${probe}/… is in the build context`).toBe(true);
    }
    for (const secret of ['.env', 'workerman-ops.yml', 'id_ed25519', 'node_modules/x/index.js', 'dist/src/cli/bin.js', 'test/fixtures/a', '.git/config', 'workerman-ops-0.1.0.tgz']) {
      expect(isInDockerContext(ignore, secret), `${secret} stays out of the build context`).toBe(false);
    }
  });
});

// The HEALTHCHECK command, run as Docker would run it (same argv, the container's environment).
describe('Dockerfile HEALTHCHECK', () => {
  const argv = healthcheckArgv(instructions);
  let server: Server;
  let port: number;
  let status = 200;
  let closedPort: number;
  const dir = mkdtempSync(join(tmpdir(), 'wmops-healthcheck-'));

  beforeAll(async () => {
    server = createServer((req, res) => {
      res.writeHead(req.url === '/healthz' ? status : 404).end(status === 200 ? 'ok' : 'down');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    closedPort = (probe.address() as AddressInfo).port;
    await new Promise((resolve) => probe.close(resolve));
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
    rmSync(dir, { recursive: true, force: true });
  });

  function runCheck(env: Record<string, string>, cwd = dir): Promise<number | null> {
    expect(argv[0]).toBe('node');
    return new Promise((resolve, reject) => {
      const child = spawn(process.execPath, argv.slice(1), { cwd, env: { PATH: process.env.PATH ?? '', ...env }, stdio: 'ignore' });
      child.on('error', reject);
      child.on('exit', (code) => resolve(code));
    });
  }

  it('HEALTHCHECK succeeds in Socket Mode (no HTTP server to ask), also with SLACK_MODE unset or empty', async () => {
    expect(await runCheck({ PORT: String(closedPort) })).toBe(0);
    expect(await runCheck({ SLACK_MODE: '', PORT: String(closedPort) })).toBe(0);
    expect(await runCheck({ SLACK_MODE: 'socket', PORT: String(closedPort) })).toBe(0);
  });

  it('HEALTHCHECK in HTTP mode passes on 200 from /healthz and fails on another status or no server', async () => {
    status = 200;
    expect(await runCheck({ SLACK_MODE: 'http', PORT: String(port) })).toBe(0);
    expect(await runCheck({ SLACK_MODE: 'http', PORT: String(port), HOST: '127.0.0.1' })).toBe(0);
    expect(await runCheck({ SLACK_MODE: 'http', PORT: String(port), HOST: '0.0.0.0' })).toBe(0);
    status = 503;
    expect(await runCheck({ SLACK_MODE: 'http', PORT: String(port) })).toBe(1);
    status = 200;
    expect(await runCheck({ SLACK_MODE: 'http', PORT: String(closedPort) })).toBe(1);
  });

  it('HEALTHCHECK reads ./.env like `serve` does, the environment winning', async () => {
    const envDir = mkdtempSync(join(dir, 'env-'));
    writeFileSync(join(envDir, '.env'), `SLACK_MODE=http\nPORT=${closedPort}\n`);
    expect(await runCheck({}, envDir)).toBe(1);
    expect(await runCheck({ PORT: String(port) }, envDir)).toBe(0);
  });
});
