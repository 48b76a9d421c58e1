// An operator's own style in a browser: the made-up town of osm-fixture.mjs
// built with tilemaker, drawn with a style file of the test's (its source,
// glyphs and sprite naming another host, as a published style does) and an
// assets folder with a sprite and a font of its own, by
// `crimemap serve --basemap FILE --basemap-style FILE --basemap-assets DIR`.
// The page draws the style's roads, icons and names beneath the crimes, and
// asks nothing of any other origin.
// Run by tools/test: node --test tests/web/browser/basemap-own-style.browser.mjs

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { finish, launchBrowser, missingPrerequisite, newPage, screenshot, startServer } from './harness.mjs';
import { basemapToolsProblem, buildTownBasemap, busiestLocation } from './osm-fixture.mjs';

const toolsMissing = basemapToolsProblem();
const skip = missingPrerequisite() || toolsMissing;
if (toolsMissing && process.env.CRIMEMAP_BROWSER_TESTS === 'required') throw new Error(toolsMissing);

const ELSEWHERE = 'https://tiles.example.org';
const STYLE = {
  version: 8,
  name: 'own style',
  sources: { streets: { type: 'vector', url: `${ELSEWHERE}/streets.json` } },
  sprite: `${ELSEWHERE}/sprites/streets`,
  glyphs: `${ELSEWHERE}/fonts/{fontstack}/{range}.pbf`,
  layers: [
    { id: 'own-background', type: 'background', paint: { 'background-color': '#f2f0eb' } },
    { id: 'own-roads', type: 'line', source: 'streets', 'source-layer': 'transportation', paint: { 'line-color': '#b0aca4', 'line-width': 3 } },
    { id: 'own-street-names', type: 'symbol', source: 'streets', 'source-layer': 'transportation_name',
      layout: { 'text-field': '{name:latin}', 'text-font': ['Test Sans Regular'], 'symbol-placement': 'line', 'text-size': 12 } },
    { id: 'own-place-dots', type: 'symbol', source: 'streets', 'source-layer': 'place',
      layout: { 'icon-image': 'dot', 'icon-allow-overlap': true } },
  ],
};

// 8 × 8 and 16 × 16 red squares.
const PNG_1X = 'iVBORw0KGgoAAAANSUhEUgAAAAgAAAAICAYAAADED76LAAAAEklEQVR4nGM4oaHxHx9mGBkKAOdkhcFs8Kk4AAAAAElFTkSuQmCC';
const PNG_2X = 'iVBORw0KGgoAAAANSUhEUgAAABAAAAAQCAYAAAAf8/9hAAAAGUlEQVR4nGM4oaHxnxLMMGrAqAGjBgwXAwCpMhcf2uFd6gAAAABJRU5ErkJggg==';

/** Protobuf varint, length-delimited field and zigzag, enough for MapLibre's glyphs.proto. */
const varint = (n) => { const out = []; while (n > 127) { out.push((n & 127) | 128); n >>>= 7; } out.push(n); return Buffer.from(out); };
const field = (number, bytes) => Buffer.concat([varint((number << 3) | 2), varint(bytes.length), bytes]);
const number = (n, value) => Buffer.concat([varint(n << 3), varint(value)]);
const zigzag = (v) => (v << 1) ^ (v >> 31);

/** A glyph range 0-255 of "Test Sans Regular": every printable ASCII character a filled 10 × 10 square. */
function squareFont() {
  const glyphs = [];
  for (let id = 32; id < 127; id += 1) {
    glyphs.push(field(3, Buffer.concat([number(1, id), field(2, Buffer.alloc(16 * 16, 255)), number(3, 10), number(4, 10),
      number(5, zigzag(1)), number(6, zigzag(-14)), number(7, 12)])));
  }
  return field(1, Buffer.concat([field(1, Buffer.from('Test Sans Regular')), field(2, Buffer.from('0-255')), ...glyphs]));
}

describe('an operator\'s own style served by crimemap', { skip, concurrency: false, timeout: 180000 }, () => {
  let server;
  let browser;
  let centre;
  const font = squareFont();

  before(async () => {
    server = await startServer({
      serveArgs: ({ db, dir }) => {
        centre = busiestLocation(db);
        const assets = join(dir, 'assets');
        mkdirSync(join(assets, 'fonts', 'Test Sans Regular'), { recursive: true });
        writeFileSync(join(assets, 'sprite.json'), JSON.stringify({ dot: { x: 0, y: 0, width: 8, height: 8, pixelRatio: 1 } }));
        writeFileSync(join(assets, 'sprite.png'), Buffer.from(PNG_1X, 'base64'));
        writeFileSync(join(assets, 'sprite@2x.json'), JSON.stringify({ dot: { x: 0, y: 0, width: 16, height: 16, pixelRatio: 2 } }));
        writeFileSync(join(assets, 'sprite@2x.png'), Buffer.from(PNG_2X, 'base64'));
        writeFileSync(join(assets, 'fonts', 'Test Sans Regular', '0-255.pbf'), font);
        writeFileSync(join(dir, 'style.json'), JSON.stringify(STYLE));
        return ['--basemap', buildTownBasemap(dir, centre), '--basemap-style', join(dir, 'style.json'), '--basemap-assets', assets];
      },
    });
    browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  test('draws its roads, icons and names beneath the crimes from our origin only', async () => {
    const config = await (await fetch(`${server.url}/config.json`)).json();
    assert.equal(config.basemap_style, '/basemap/style.json');
    const policy = (await fetch(`${server.url}/`)).headers.get('content-security-policy');
    assert.doesNotMatch(policy, /https:|http:/, 'the Content-Security-Policy stays \'self\'');

    const page = await newPage(browser, server);
    const answers = [];
    page.on('response', async (response) => {
      const path = new URL(response.url()).pathname;
      if (/^\/(tiles\/basemap|fonts|basemap)\b/.test(path)) answers.push({ path, status: response.status(), body: await response.body().catch(() => null) });
    });
    await page.goto(`${server.url}/#15/${centre.lat}/${centre.lon}`);
    await page.waitForFunction(() => {
      const map = window.crimemapPreview;
      return map?.loaded() && map.isStyleLoaded() && map.areTilesLoaded()
        && map.queryRenderedFeatures({ layers: ['own-street-names'] }).length > 0
        && map.queryRenderedFeatures({ layers: ['own-place-dots'] }).length > 0;
    }, null, { timeout: 30000, polling: 200 }).catch(async (error) => {
      await screenshot(page, 'map-basemap-own-style-failed');
      throw new Error(`${error.message}; problems: ${page.problems.join('; ')}; answers: ${JSON.stringify(answers.slice(0, 20).map(({ path, status }) => [path, status]))}`);
    });

    const drawn = await page.evaluate(() => {
      const map = window.crimemapPreview;
      return {
        order: map.getStyle().layers.map((layer) => layer.id),
        roads: map.queryRenderedFeatures({ layers: ['own-roads'] }).length,
        crimes: map.queryRenderedFeatures({ layers: ['crimes-location', 'crimes-cluster'] }).length,
        sprite: map.getStyle().sprite,
      };
    });
    assert.ok(drawn.roads > 0, 'the style\'s roads are drawn from our archive');
    assert.ok(drawn.crimes > 0, 'crimes are drawn');
    assert.equal(drawn.sprite, `${server.url}/basemap/sprite`);
    assert.ok(drawn.order.indexOf('own-place-dots') < drawn.order.indexOf('neighbourhoods-fill'), 'the style is beneath our layers');

    const asked = (path) => answers.find((a) => a.path === path);
    assert.equal(asked('/basemap/style.json')?.status, 200, 'the style came from our origin');
    assert.equal(asked('/tiles/basemap.json')?.status, 200, 'its source is our TileJSON');
    assert.ok(answers.some((a) => a.path.startsWith('/tiles/basemap/14/')), 'our tiles were asked for');
    assert.ok(asked('/basemap/sprite.json') || asked('/basemap/sprite@2x.json'), 'the sprite came from our origin');
    const range = asked('/fonts/Test%20Sans%20Regular/0-255.pbf');
    assert.equal(range?.status, 200, 'the assets\' font was asked for');
    assert.ok(range.body && Buffer.compare(range.body, font) === 0, 'and served as stored');
    for (const answer of answers) {
      assert.ok(answer.status === 200 || (answer.status === 204 && answer.path.startsWith('/tiles/basemap/')), `${answer.path}: ${answer.status}`);
    }
    await screenshot(page, 'map-basemap-own-style');
    await finish(page);
  });
});
