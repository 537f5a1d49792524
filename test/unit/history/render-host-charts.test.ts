import { describe, expect, test } from 'vitest';
import { buildHostHistory } from '../../../src/history/build-host-history.js';
import { renderHistoryPng, renderHostCharts } from '../../../src/history/render-host-charts.js';
import { buildHistoryScenario } from '../../helpers/history-scenario.js';
import { PNG_SIGNATURE, readPng } from '../../helpers/png.js';

const HOUR = 3_600_000;
const view = buildHistoryScenario().window.view();

describe('renderHostCharts()', () => {
  test('renderHostCharts() draws a PNG that decodes, 900 × 640 px (two 320 px panels), named and described', async () => {
    const charts = await renderHostCharts(view, { windowMs: 6 * HOUR, requestedBy: 'U0123ABCD' });
    const { bytes, filename, title, altText, widthPx, heightPx } = charts.png;
    expect(bytes.subarray(0, 8).equals(PNG_SIGNATURE)).toBe(true);
    const png = readPng(bytes);
    expect([png.width, png.height, widthPx, heightPx]).toEqual([900, 640, 900, 640]);
    expect(png.chunks[0]).toBe('IHDR');
    expect(filename).toBe('history-web-1-20261126T1159Z.png');
    expect(title).toBe('web-1: memory and requests, 11-26 06:00–11:59 UTC (6 h)');
    expect(altText).toMatch(/^Line charts of web-1, 11-26 06:00–11:59 UTC \(6 h\)\. Memory per worker \(RSS of its processes summed\): HttpApi01 40\.\d → 40\.\d MiB \(max 5\d\.\d\); /);
    expect(altText).toContain('Requests per second per worker: HttpApi01 ');
    expect(Array.from(altText).length).toBeLessThanOrEqual(1000);
  });

  test('renderHistoryPng() keeps its size whatever it draws: zoom 2, a one-hour window, a chart without data', async () => {
    const zoomed = readPng((await renderHistoryPng(buildHostHistory(view, { windowMs: 6 * HOUR, maxBuckets: 150, maxSeries: 10 }), { zoom: 2 })).png);
    expect([zoomed.width, zoomed.height]).toEqual([1800, 1280]);
    const hour = readPng((await renderHistoryPng(buildHostHistory(view, { windowMs: HOUR, maxBuckets: 150, maxSeries: 10 }))).png);
    expect([hour.width, hour.height]).toEqual([900, 640]);
    // No status sample yet: the requests panel says so instead of drawing axes for nothing.
    const noStatus = { host: 'web-1', samples: view.samples.slice(0, 9).map((s) => ({ ...s, status: null })) };
    const image = await renderHistoryPng(buildHostHistory(noStatus, { windowMs: HOUR, maxBuckets: 150, maxSeries: 10 }), { widthPx: 640, panelHeightPx: 200 });
    expect([readPng(image.png).width, readPng(image.png).height]).toEqual([640, 400]);
  });

  test('renderHistoryPng() draws a worker name as text, whatever it holds', async () => {
    const evil = {
      host: 'web-1',
      samples: view.samples.slice(-30).map((s) => ({ ...s, processes: s.processes.map((p) => (p.worker === 'TextCmd2' ? { ...p, worker: '<svg onload=x>&"\'</text>' } : p)) })),
    };
    // Vega escapes it into the SVG; unescaped, the SVG would not parse and resvg would refuse it.
    const image = await renderHistoryPng(buildHostHistory(evil, { windowMs: HOUR, maxBuckets: 150, maxSeries: 10 }));
    expect(readPng(image.png).width).toBe(900);
  });
});
