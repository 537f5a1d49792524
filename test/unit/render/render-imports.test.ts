// Renderers take data and return text or blocks: from outside render/ they import domain types, and
// values only from the two modules every output boundary needs (the secret redaction and the error
// family). Logic a renderer needs belongs to its domain module, which hands the renderer data.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../helpers/paths.js';

const RENDER = join(REPO_ROOT, 'src', 'render');
const VALUES_ALLOWED = new Set(['src/strace/redact.ts', 'src/errors.ts']);

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(path);
    return e.name.endsWith('.ts') ? [path] : [];
  });
}

/** `file: what it imports as values from outside render/` for every such import. */
function valueImportsFromOutside(file: string): string[] {
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.ES2022, false);
  const found: string[] = [];
  for (const node of source.statements) {
    if (!ts.isImportDeclaration(node) || !ts.isStringLiteral(node.moduleSpecifier)) continue;
    const spec = node.moduleSpecifier.text;
    if (!spec.startsWith('.')) continue;
    const target = resolve(dirname(file), spec.replace(/\.js$/, '.ts'));
    if (target.startsWith(`${RENDER}/`)) continue;
    const clause = node.importClause;
    const bindings = clause?.namedBindings;
    const typeOnly =
      clause !== undefined &&
      (clause.isTypeOnly || (clause.name === undefined && bindings !== undefined && ts.isNamedImports(bindings) && bindings.elements.every((e) => e.isTypeOnly)));
    if (!typeOnly) found.push(`${relative(REPO_ROOT, file)}: ${relative(REPO_ROOT, target)}`);
  }
  return found;
}

describe('imports of src/render/', () => {
  const files = sourceFiles(RENDER);

  it('finds the renderers', () => {
    expect(files.length).toBeGreaterThan(30);
  });

  it('from outside render/, renderers import types, and values only from the redaction and the errors', () => {
    const values = files.flatMap(valueImportsFromOutside);
    expect(values.length).toBeGreaterThan(0);
    expect(values.filter((v) => !VALUES_ALLOWED.has(v.split(': ')[1]!))).toEqual([]);
  });

  it('tells a value import from a type import', () => {
    const probe = join(RENDER, 'slack', 'status-blocks.ts');
    expect(valueImportsFromOutside(probe)).toEqual(['src/render/slack/status-blocks.ts: src/strace/redact.ts']);
  });
});
