#!/usr/bin/env node
// Cold first render of the map in headless Chromium (Debian's, software WebGL, as the browser
// tests drive it): a new browser for each run, so nothing is cached, opened at the map's
// #Z/LAT/LON and timed until the map has loaded its style and every visible tile and the
// layers named have drawn something.
//
//   node tools/bench/first-render.mjs URL Z/LAT/LON [RUNS] [LAYER...]
//
// URL is a running `crimemap serve` (e.g. tools/demo's); LAYER defaults to crimes-location.
// Output: one line per run (ms to drawn, requests and bytes received from the server, by kind)
// and the median. Only the server's own origin is asked.
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const { chromium } = await import(join(root, 'web', 'node_modules', 'playwright-core', 'index.mjs'));
const [url, at, runsText = '5', ...layerArgs] = process.argv.slice(2);
if (!url || !/^\d+\/-?[\d.]+\/-?[\d.]+$/.test(at ?? '')) {
  console.error('usage: node tools/bench/first-render.mjs URL Z/LAT/LON [RUNS] [LAYER...]');
  process.exit(2);
}
const layers = layerArgs.length ? layerArgs : ['crimes-location'];
const kind = (path) => (path.startsWith('/tiles/basemap') ? 'basemap' : path.startsWith('/fonts/') ? 'glyphs'
  : path.startsWith('/tiles/') ? 'tiles' : 'page');
const times = [];
for (let run = 1; run <= Number(runsText); run += 1) {
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: ['--enable-unsafe-swiftshader', '--use-angle=swiftshader', '--disable-dev-shm-usage'],
  });
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  const got = {};
  page.on('requestfinished', async (request) => {
    const path = new URL(request.url()).pathname;
    const sizes = await request.sizes().catch(() => ({ responseBodySize: 0 }));
    const k = kind(path);
    got[k] ??= { requests: 0, bytes: 0 };
    got[k].requests += 1;
    got[k].bytes += sizes.responseBodySize;
  });
  const start = performance.now();
  await page.goto(`${url}/#${at}`);
  await page.waitForFunction((names) => {
    const map = window.crimemapPreview;
    return map?.loaded() && map.isStyleLoaded() && map.areTilesLoaded()
      && names.every((id) => map.getLayer(id) && map.queryRenderedFeatures({ layers: [id] }).length > 0);
  }, layers, { timeout: 60000, polling: 20 });
  const ms = performance.now() - start;
  times.push(ms);
  const parts = Object.entries(got).map(([k, v]) => `${k} ${v.requests} req ${(v.bytes / 1024).toFixed(0)} KB`);
  console.log(`run ${run}: ${ms.toFixed(0)} ms; ${parts.join(', ')}`);
  await browser.close();
}
times.sort((a, b) => a - b);
console.log(`median ${times[Math.floor(times.length / 2)].toFixed(0)} ms over ${times.length} runs (min ${times[0].toFixed(0)}, max ${times[times.length - 1].toFixed(0)})`);
