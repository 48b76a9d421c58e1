// The operator's basemap in a browser: a second HTTP server on loopback serves
// a small MapLibre style (a background and a GeoJSON polygon, nothing fetched
// from anywhere else), `crimemap serve --basemap-style` names it, and the map
// draws it beneath our layers with the page's Content-Security-Policy on.
// Run by tools/test: node --test tests/web/browser/basemap.browser.mjs

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { finish, launchBrowser, missingPrerequisite, newPage, screenshot, startServer } from './harness.mjs';

const skip = missingPrerequisite();

/** A basemap style whose one polygon covers the generated data (England and Wales and more). */
const STYLE = {
  version: 8,
  name: 'loopback basemap',
  sources: {
    land: {
      type: 'geojson',
      data: {
        type: 'Feature',
        properties: { name: 'land' },
        geometry: { type: 'Polygon', coordinates: [[[-8, 49], [3, 49], [3, 59], [-8, 59], [-8, 49]]] },
      },
    },
  },
  layers: [
    { id: 'basemap-background', type: 'background', paint: { 'background-color': '#d6e4f0' } },
    { id: 'basemap-land', type: 'fill', source: 'land', paint: { 'fill-color': '#e8efe0' } },
  ],
};

/** Serves STYLE at /style.json with CORS, as a basemap host does; counts the requests. */
async function startStyleServer() {
  const requests = [];
  const http = createServer((req, res) => {
    requests.push(req.url);
    if (req.url !== '/style.json') {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'Content-Type': 'application/json', 'Access-Control-Allow-Origin': '*' });
    res.end(JSON.stringify(STYLE));
  });
  await new Promise((resolve) => http.listen(0, '127.0.0.1', resolve));
  return {
    origin: `http://127.0.0.1:${http.address().port}`,
    requests,
    stop: () => new Promise((resolve) => { http.closeAllConnections(); http.close(resolve); }),
  };
}

describe('a basemap from the operator', { skip, concurrency: false, timeout: 120000 }, () => {
  let styles;
  let server;
  let browser;

  before(async () => {
    styles = await startStyleServer();
    server = await startServer({ serveArgs: ['--basemap-style', `${styles.origin}/style.json`] });
    browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
    await styles?.stop();
  });

  test('is fetched and drawn beneath the crimes, with the CSP allowing its origin', async () => {
    const config = await (await fetch(`${server.url}/config.json`)).json();
    assert.equal(config.basemap_style, `${styles.origin}/style.json`);
    const policy = (await fetch(`${server.url}/`)).headers.get('content-security-policy');
    assert.match(policy, new RegExp(`connect-src [^;]*${styles.origin.replace(/[.:/]/g, '\\$&')}`),
      'the page may fetch the style from its origin');

    const page = await newPage(browser, server, { allowOrigins: [styles.origin] });
    await page.goto(`${server.url}/`);
    await page.waitForFunction(() => {
      const map = window.crimemapPreview;
      return map?.loaded() && map.isStyleLoaded() && map.areTilesLoaded()
        && map.queryRenderedFeatures({ layers: ['crimes-cluster'] }).length > 0;
    }, null, { timeout: 20000, polling: 100 });
    assert.deepEqual(styles.requests, ['/style.json'], 'the style was fetched once, and nothing else from its host');

    const drawn = await page.evaluate(() => {
      const map = window.crimemapPreview;
      return {
        order: map.getStyle().layers.map((layer) => layer.id),
        land: map.queryRenderedFeatures({ layers: ['basemap-land'] }).length,
        crimes: map.queryRenderedFeatures({ layers: ['crimes-cluster', 'crimes-location'] }).length,
      };
    });
    assert.deepEqual(drawn.order.slice(0, 2), ['basemap-background', 'basemap-land'], 'the basemap comes first, beneath');
    assert.ok(!drawn.order.includes('background'), 'our own background would hide the basemap');
    for (const ours of ['neighbourhoods-fill', 'watch-point', 'crimes-cluster', 'crimes-location']) {
      assert.ok(drawn.order.indexOf(ours) > drawn.order.indexOf('basemap-land'), `${ours} is drawn above the basemap`);
    }
    assert.ok(drawn.land > 0, 'the basemap\'s polygon is drawn');
    assert.ok(drawn.crimes > 0, 'crime features are drawn over it');
    assert.equal(await page.isHidden('#message'), true, 'no message that the basemap failed');
    await screenshot(page, 'map-basemap');
    await finish(page);
  });
});
