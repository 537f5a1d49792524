import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BotError } from '../../errors.js';
import type { PanelSize, VegaLiteSpec } from './history-chart-spec.js';
import { CHART_FONT_FAMILY } from './history-chart-spec.js';

/** The bundled font (DejaVu Sans, license beside it), relative to the package root. */
export const CHART_FONT_FILE = 'assets/fonts/DejaVuSans.ttf';

/** A rendered PNG and what it took. */
export interface ChartImage {
  png: Buffer;
  widthPx: number;
  heightPx: number;
  /** Vega-Lite → Vega → SVG (on the event loop). */
  svgMs: number;
  /** SVG → PNG (resvg, on libuv's thread pool). */
  pngMs: number;
}

type ChartModules = {
  vega: typeof import('vega');
  vegaLite: typeof import('vega-lite');
  resvg: typeof import('@resvg/resvg-js');
  fontFile: string;
};

let loading: Promise<ChartModules> | null = null;

/**
 * Loads vega, vega-lite and resvg on first use, once (about 0.2 s): the bot and the CLI start without
 * them and only a chart pays. A failed load (no resvg binary for this platform) is not cached, and
 * says what is missing.
 */
export function loadChartModules(): Promise<ChartModules> {
  loading ??= (async () => {
    const [vega, vegaLite, resvg] = await Promise.all([import('vega'), import('vega-lite'), import('@resvg/resvg-js')]);
    return { vega, vegaLite, resvg, fontFile: findChartFont() };
  })().catch((error: unknown) => {
    loading = null;
    if (error instanceof BotError) throw error;
    throw new BotError('internal', `The chart renderer could not be loaded (${error instanceof Error ? error.message : String(error)}): reinstall with npm ci on this platform.`, { cause: error });
  });
  return loading;
}

/**
 * Renders panels stacked top to bottom into one PNG of exactly `panel.widthPx × (panel.heightPx ×
 * panels)` times `zoom`, white background. Text uses only the bundled font: resvg is told not to read
 * system fonts, so the PNG is the same on every machine.
 */
export async function renderChartPng(specs: readonly VegaLiteSpec[], opts: { panel: PanelSize; zoom?: number }): Promise<ChartImage> {
  const { vega, vegaLite, resvg, fontFile } = await loadChartModules();
  const started = performance.now();
  const { widthPx, heightPx } = opts.panel;
  const panels: string[] = [];
  for (const [i, spec] of specs.entries()) {
    // Vega-Lite warns on stderr by default; a chart has nothing to say there.
    const compiled = vegaLite.compile(spec as unknown as Parameters<typeof vegaLite.compile>[0], { logger: quietLogger() });
    const view = new vega.View(vega.parse(compiled.spec), { renderer: 'none', logLevel: vega.None });
    try {
      const svg = await view.toSVG();
      // Each panel is a nested <svg> of its own size, moved down by the panels above it.
      panels.push(`<g transform="translate(0,${i * heightPx})">${svg.replace(/^<\?xml[^>]*>/, '')}</g>`);
    } finally {
      view.finalize();
    }
  }
  const totalHeight = heightPx * specs.length;
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${widthPx}" height="${totalHeight}" viewBox="0 0 ${widthPx} ${totalHeight}">${panels.join('')}</svg>`;
  const svgDone = performance.now();
  const image = await resvg.renderAsync(svg, {
    fitTo: { mode: 'zoom', value: opts.zoom ?? 1 },
    background: 'white',
    font: { loadSystemFonts: false, fontFiles: [fontFile], defaultFontFamily: CHART_FONT_FAMILY, sansSerifFamily: CHART_FONT_FAMILY },
    logLevel: 'off',
  });
  const png = image.asPng();
  return { png, widthPx: image.width, heightPx: image.height, svgMs: svgDone - started, pngMs: performance.now() - svgDone };
}

/** Where the bundled font is: from src/render/chart (tests) or dist/src/render/chart (built) upwards. */
function findChartFont(): string {
  for (let dir = dirname(fileURLToPath(import.meta.url)); ; dir = dirname(dir)) {
    const file = join(dir, CHART_FONT_FILE);
    if (existsSync(file)) return file;
    if (dirname(dir) === dir) throw new BotError('internal', `${CHART_FONT_FILE} is missing from this installation: reinstall workerman-ops.`);
  }
}

function quietLogger() {
  const logger = {
    level: (_?: number) => (_ === undefined ? 0 : logger),
    error: () => logger,
    warn: () => logger,
    info: () => logger,
    debug: () => logger,
  };
  return logger as never;
}
