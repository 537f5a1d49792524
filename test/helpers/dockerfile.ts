import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from './paths.js';

// No Docker engine runs where the tests run (and hadolint is not packaged for Debian): these read the
// Dockerfile and .dockerignore the way the builder does, for the subset of the syntax they use, so tests
// can check what the image would hold and run its HEALTHCHECK command for real.

/** One instruction: `COPY --from=build /a ./b` is `{ keyword: 'COPY', args: '--from=build /a ./b', line }`. */
export interface DockerInstruction {
  keyword: string;
  args: string;
  /** 1-based line of the instruction's first line. */
  line: number;
}

/** A build stage: its FROM and the instructions up to the next FROM. */
export interface DockerStage {
  image: string;
  name: string | null;
  instructions: DockerInstruction[];
}

/** Every instruction keyword the Dockerfile reference defines (a typo is not one of them). */
export const DOCKER_KEYWORDS = new Set([
  'ADD', 'ARG', 'CMD', 'COPY', 'ENTRYPOINT', 'ENV', 'EXPOSE', 'FROM', 'HEALTHCHECK', 'LABEL', 'MAINTAINER',
  'ONBUILD', 'RUN', 'SHELL', 'STOPSIGNAL', 'USER', 'VOLUME', 'WORKDIR',
]);

/**
 * Parses Dockerfile text into instructions: comment lines dropped (also inside a continuation, as the
 * builder does), `\` continuations joined, keywords upper-cased.
 */
export function parseDockerfile(text: string): DockerInstruction[] {
  const out: DockerInstruction[] = [];
  let pending: { text: string; line: number } | null = null;
  text.split('\n').forEach((raw, index) => {
    const line = raw.replace(/\r$/, '');
    if (/^\s*#/.test(line)) return;
    if (pending === null && line.trim() === '') return;
    const continued = /\\\s*$/.test(line);
    const body = (continued ? line.replace(/\\\s*$/, '') : line).trimEnd();
    pending = pending === null ? { text: body, line: index + 1 } : { text: `${pending.text} ${body.trim()}`, line: pending.line };
    if (continued) return;
    const m = /^\s*(\S+)\s*(.*)$/.exec(pending.text)!;
    out.push({ keyword: m[1]!.toUpperCase(), args: m[2]!.trim(), line: pending.line });
    pending = null;
  });
  if (pending !== null) throw new Error('Dockerfile ends inside a line continuation');
  return out;
}

/** Splits instructions into stages, with `${ARG}` defaults declared before the first FROM substituted in images. */
export function dockerStages(instructions: readonly DockerInstruction[]): DockerStage[] {
  const globalArgs = new Map<string, string>();
  const stages: DockerStage[] = [];
  for (const ins of instructions) {
    if (ins.keyword === 'ARG' && stages.length === 0) {
      const m = /^([A-Za-z_][A-Za-z0-9_]*)(?:=(.*))?$/.exec(ins.args);
      if (m) globalArgs.set(m[1]!, m[2] ?? '');
      continue;
    }
    if (ins.keyword === 'FROM') {
      const m = /^(?:--platform=\S+\s+)?(\S+)(?:\s+AS\s+(\S+))?$/i.exec(ins.args);
      if (!m) throw new Error(`line ${ins.line}: cannot read FROM ${ins.args}`);
      const image = m[1]!.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}|\$([A-Za-z_][A-Za-z0-9_]*)/g, (_, a: string | undefined, b: string | undefined) => globalArgs.get((a ?? b)!) ?? '');
      stages.push({ image, name: m[2] ?? null, instructions: [] });
      continue;
    }
    if (stages.length === 0) throw new Error(`line ${ins.line}: ${ins.keyword} before the first FROM`);
    stages.at(-1)!.instructions.push(ins);
  }
  return stages;
}

/** A COPY's flags (`--from=build` → from: 'build'), sources and destination. Exec (JSON) form is not used here. */
export function parseCopy(args: string): { from: string | null; sources: string[]; dest: string } {
  const words = args.split(/\s+/);
  let from: string | null = null;
  while (words[0]?.startsWith('--')) {
    const flag = words.shift()!;
    if (flag.startsWith('--from=')) from = flag.slice('--from='.length);
  }
  if (words.length < 2) throw new Error(`COPY needs a source and a destination: ${args}`);
  return { from, sources: words.slice(0, -1), dest: words.at(-1)! };
}

/** The argv of the HEALTHCHECK's exec form (`CMD ["node", "-e", "…"]`), its options skipped. */
export function healthcheckArgv(instructions: readonly DockerInstruction[]): string[] {
  const hc = instructions.filter((i) => i.keyword === 'HEALTHCHECK');
  if (hc.length !== 1) throw new Error(`expected one HEALTHCHECK, found ${hc.length}`);
  const m = /^(?:--[a-z-]+=\S+\s+)*CMD\s+(\[.*\])$/s.exec(hc[0]!.args);
  if (!m) throw new Error(`HEALTHCHECK is not in exec form: ${hc[0]!.args.slice(0, 80)}`);
  return JSON.parse(m[1]!) as string[];
}

/** The repository's Dockerfile, parsed. */
export function readRepoDockerfile(): DockerInstruction[] {
  return parseDockerfile(readFileSync(join(REPO_ROOT, 'Dockerfile'), 'utf8'));
}

/**
 * Returns whether `.dockerignore` patterns leave `path` (relative, `/`-separated) in the build context:
 * the last pattern that matches the path or one of its parent folders wins, `!` re-includes. Supports
 * `*` within one path segment only; `patternsSupported` tells whether a file stays within that subset.
 */
export function isInDockerContext(patterns: readonly string[], path: string): boolean {
  const parts = path.split('/');
  const candidates = parts.map((_, i) => parts.slice(0, i + 1).join('/'));
  let included = true;
  for (const raw of patterns) {
    const negate = raw.startsWith('!');
    const pattern = (negate ? raw.slice(1) : raw).replace(/^\/+|\/+$/g, '');
    const re = new RegExp(`^${pattern.split('*').map((s) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('[^/]*')}$`);
    if (candidates.some((c) => re.test(c))) included = negate;
  }
  return included;
}

/** The patterns of a .dockerignore (comments and blank lines dropped). */
export function parseDockerignore(text: string): string[] {
  return text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'));
}

/** True when every pattern is one `isInDockerContext` reads exactly (no `**`, `?`, `[…]`, escapes). */
export function patternsSupported(patterns: readonly string[]): boolean {
  return patterns.every((p) => !/\*\*|[?[\]\\]/.test(p));
}
