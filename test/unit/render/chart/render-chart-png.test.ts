import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { renderChartPng } from '../../../../src/render/chart/render-chart-png.js';
import { REPO_ROOT } from '../../../helpers/paths.js';
import { readPng } from '../../../helpers/png.js';

const CHART_MODULES = /^(vega|vega-lite|@resvg\/resvg-js)$/;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sourceFiles(path) : path.endsWith('.ts') ? [path] : [];
  });
}

describe('renderChartPng()', () => {
  test('vega, vega-lite and resvg are imported by no module of src at load time: only dynamically, on the first chart', () => {
    const staticImports: string[] = [];
    const dynamicImports: string[] = [];
    for (const file of sourceFiles(join(REPO_ROOT, 'src'))) {
      const text = readFileSync(file, 'utf8');
      for (const m of text.matchAll(/^\s*import\s+(?!type\b)[^;]*?from\s+'([^']+)'/gm)) if (CHART_MODULES.test(m[1]!)) staticImports.push(`${file}: ${m[1]}`);
      for (const m of text.matchAll(/(?<!typeof )\bimport\('([^']+)'\)/g)) if (CHART_MODULES.test(m[1]!)) dynamicImports.push(m[1]!);
    }
    expect(staticImports).toEqual([]);
    expect(dynamicImports.sort()).toEqual(['@resvg/resvg-js', 'vega', 'vega-lite']);
  });

  test('renderChartPng() draws text with the bundled font (resvg reads no system font): a label changes the pixels', async () => {
    const spec = (text: string) => ({
      width: 200,
      height: 60,
      autosize: { type: 'fit', contains: 'padding' },
      config: { font: 'DejaVu Sans' },
      data: { values: [{ text }] },
      mark: { type: 'text', fontSize: 20 },
      encoding: { text: { field: 'text' } },
    });
    const panel = { widthPx: 200, heightPx: 60 };
    const blank = await renderChartPng([spec('')], { panel });
    const label = await renderChartPng([spec('HttpApi01 40.3 MB')], { panel });
    expect([readPng(label.png).width, readPng(label.png).height]).toEqual([200, 60]);
    // With no font at all (system fonts are off), resvg would draw no glyph and both PNGs would be equal.
    expect(label.png.equals(blank.png)).toBe(false);
    expect(label.svgMs).toBeGreaterThan(0);
    expect(label.pngMs).toBeGreaterThan(0);
  });
});
