// Our own basemap in a browser: a made-up town (osm-fixture.mjs) built with
// Debian's tilemaker into an MBTiles archive where the generated crimes are,
// `crimemap serve --basemap` serves it with glyphs from the installed fonts,
// and the map draws streets and names beneath the crimes, asking nothing of
// any other origin.
// Run by tools/test: node --test tests/web/browser/basemap-archive.browser.mjs

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { binary, launchBrowser, missingPrerequisite, newPage, screenshot, startServer } from './harness.mjs';
import { basemapToolsProblem, buildTownBasemap, busiestLocation } from './osm-fixture.mjs';

const toolsMissing = basemapToolsProblem();
const skip = missingPrerequisite() || toolsMissing;
if (toolsMissing && process.env.CRIMEMAP_BROWSER_TESTS === 'required') throw new Error(toolsMissing);

describe('a basemap served by crimemap itself', { skip, concurrency: false, timeout: 180000 }, () => {
  let server;
  let browser;
  let centre;

  before(async () => {
    server = await startServer({
      serveArgs: ({ db, dir }) => {
        centre = busiestLocation(db);
        return ['--basemap', buildTownBasemap(dir, centre)];
      },
    });
    browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  for (const viewport of process.env.BASEMAP_ONE ? [{ width: 1280, height: 800 }] : [{ width: 1280, height: 800 }, { width: 320, height: 640 }]) {
    test(`draws streets and names beneath the crimes from our origin only, at ${viewport.width} px`, async () => {
      const policy = (await fetch(`${server.url}/`)).headers.get('content-security-policy');
      assert.doesNotMatch(policy, /https:|http:/, 'the Content-Security-Policy stays \'self\'');

      const page = await newPage(browser, server, { viewport });
      const answers = [];
      page.on('response', (response) => {
        const path = new URL(response.url()).pathname;
        if (path.startsWith('/tiles/basemap') || path.startsWith('/fonts/')) answers.push({ path, status: response.status() });
      });
      await page.goto(`${server.url}/#15/${centre.lat}/${centre.lon}`);
      await page.waitForFunction(() => {
        const map = window.crimemapPreview;
        return map?.loaded() && map.isStyleLoaded() && map.areTilesLoaded()
          && map.queryRenderedFeatures({ layers: ['basemap-street-names'] }).length > 0;
      }, null, { timeout: 30000, polling: 200 }).catch(async (error) => {
        await screenshot(page, `map-basemap-archive-${viewport.width}-failed`);
        throw new Error(`${error.message}; problems: ${page.problems.join('; ')}; answers: ${JSON.stringify(answers.slice(0, 20))}`);
      });

      const drawn = await page.evaluate(() => {
        const map = window.crimemapPreview;
        const count = (layers) => map.queryRenderedFeatures({ layers }).length;
        return {
          order: map.getStyle().layers.map((layer) => layer.id),
          streets: count(['basemap-road-minor', 'basemap-road-secondary', 'basemap-road-major']),
          names: map.queryRenderedFeatures({ layers: ['basemap-street-names'] }).map((f) => f.properties.name ?? f.properties['name:latin']),
          buildings: count(['basemap-building']),
          crimes: count(['crimes-location', 'crimes-cluster']),
        };
      });
      assert.ok(drawn.streets > 0, 'streets are drawn');
      assert.ok(drawn.names.length > 0 && drawn.names.every((n) => /^(\S+ )+(Street|Road|Lane|Row|Avenue|Way|Close)$|^(Heol|Ffordd) /.test(n)),
        `street names are drawn: ${drawn.names}`);
      assert.ok(drawn.buildings > 0, 'buildings are drawn at zoom 15 from the zoom 14 tiles (overzoom)');
      assert.ok(drawn.crimes > 0, 'crimes are drawn');
      assert.ok(drawn.order.indexOf('basemap-town-names') < drawn.order.indexOf('neighbourhoods-fill'), 'the basemap is beneath our layers');
      assert.ok(!drawn.order.includes('background'), 'our background would hide the basemap');

      assert.ok(answers.some((a) => a.path === '/tiles/basemap.json'), 'the TileJSON was asked for');
      assert.ok(answers.some((a) => a.path.startsWith('/tiles/basemap/14/')), 'zoom 14 tiles were asked for, not 15');
      assert.ok(!answers.some((a) => /^\/tiles\/basemap\/1[5-9]\//.test(a.path)), 'nothing past the archive\'s maxzoom');
      assert.ok(answers.some((a) => a.path.startsWith('/fonts/Noto%20Sans%20Regular/0-255.pbf')), 'glyphs were asked for');
      for (const answer of answers) {
        assert.ok(answer.status === 200 || (answer.status === 204 && answer.path.startsWith('/tiles/basemap/')),
          `${answer.path}: ${answer.status}`);
      }
      await screenshot(page, `map-basemap-archive-${viewport.width}`);
      assert.deepEqual(page.problems, [], 'console errors or requests to other hosts');
      await page.context().close();
    });
  }
});

// The demo's basemap: the generated world itself (crimemap generate --osm, the seed the
// harness generates its crimes with), its river, lakes, parks, woods and town-centre buildings
// through tilemaker, drawn muted beneath the crimes.
describe('the generated world as a basemap', { skip, concurrency: false, timeout: 180000 }, () => {
  let server;
  let browser;
  let centre;

  before(async () => {
    server = await startServer({
      serveArgs: ({ db, dir }) => {
        centre = busiestLocation(db);
        const examples = '/usr/share/doc/tilemaker/examples';
        execFileSync(binary, ['generate', '--out', join(dir, 'world'), '--rows', '1', '--months', '1', '--seed', '3',
          '--osm', join(dir, 'world.osm')], { stdio: 'pipe' });
        execFileSync('osmium', ['cat', '--overwrite', '-o', join(dir, 'world.osm.pbf'), join(dir, 'world.osm')], { stdio: 'pipe' });
        execFileSync('tilemaker', ['--input', join(dir, 'world.osm.pbf'), '--output', join(dir, 'world.mbtiles'),
          '--config', join(examples, 'config-openmaptiles.json'), '--process', join(examples, 'process-openmaptiles.lua')],
        { cwd: dir, stdio: 'pipe' });
        return ['--basemap', join(dir, 'world.mbtiles')];
      },
    });
    browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  test('draws water, parks, woods and buildings beneath the crimes', async () => {
    const page = await newPage(browser, server, { viewport: { width: 1280, height: 800 } });
    await page.goto(`${server.url}/#14/${centre.lat}/${centre.lon}`);
    const ready = () => window.crimemapPreview?.loaded() && window.crimemapPreview.isStyleLoaded()
      && window.crimemapPreview.areTilesLoaded();
    await page.waitForFunction(ready, null, { timeout: 30000, polling: 200 });
    const counts = (near) => page.evaluate((near) => {
      const map = window.crimemapPreview;
      const layers = {};
      for (const layer of ['water', 'waterway', 'landcover', 'park', 'building']) {
        layers[layer] = map.querySourceFeatures('basemap', { sourceLayer: layer }).length;
      }
      const drawn = (ids) => map.queryRenderedFeatures({ layers: ids }).length;
      return { near, layers, buildings: drawn(['basemap-building']), crimes: drawn(['crimes-location', 'crimes-cluster']) };
    }, near);
    const town = await counts('town centre, zoom 14');
    assert.ok(town.buildings > 0, `buildings are drawn in the town centre: ${JSON.stringify(town)}`);
    assert.ok(town.crimes > 0, 'crimes are drawn');
    assert.ok(town.layers.building > 0, `building tiles: ${JSON.stringify(town)}`);
    await screenshot(page, 'map-basemap-generated-1280');
    // Zoomed out over the town and its edges: the river, lakes, parks and woods.
    await page.evaluate(() => window.crimemapPreview.jumpTo({ zoom: 11 }));
    await page.waitForFunction(ready, null, { timeout: 30000, polling: 200 });
    const around = await counts('around the town, zoom 11');
    for (const layer of ['water', 'waterway', 'landcover']) {
      assert.ok(around.layers[layer] > 0, `${layer} features near the town: ${JSON.stringify(around)}`);
    }
    await screenshot(page, 'map-basemap-generated-zoom11-1280');
    assert.deepEqual(page.problems, [], 'console errors or requests to other hosts');
    await page.context().close();
  });
});
