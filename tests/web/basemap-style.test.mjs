// Tests of the built-in basemap style (web/basemap-style.js) for an archive in
// the OpenMapTiles schema. Run with `node --test tests/web/` from the repository root.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { importWeb } from './fixtures.mjs';

const ORIGIN = 'http://127.0.0.1:8080';

test('the built-in basemap asks only our origin: its TileJSON and our glyph ranges', async () => {
  const { openMapTilesStyle } = await importWeb('basemap-style.js');
  const style = openMapTilesStyle({ origin: ORIGIN });
  assert.deepEqual(style.sources, { basemap: { type: 'vector', url: '/tiles/basemap.json' } });
  assert.equal(style.glyphs, `${ORIGIN}/fonts/{fontstack}/{range}.pbf`);
  assert.equal(style.sprite, undefined, 'no sprite: nothing to fetch but tiles and glyphs');
  const text = JSON.stringify(style);
  assert.doesNotMatch(text.replaceAll(ORIGIN, ''), /https?:\/\//, 'no other address in the style');
  // With the TileJSON in hand the style names its tiles, and MapLibre asks for no TileJSON.
  const tileJson = { tiles: [`${ORIGIN}/tiles/basemap/{z}/{x}/{y}.mvt`], minzoom: 0, maxzoom: 14, bounds: [-2, 52, -1, 53], attribution: 'OSM' };
  assert.deepEqual(openMapTilesStyle({ origin: ORIGIN, tileJson }).sources, { basemap: { type: 'vector', ...tileJson } });
});

test('it draws every part of the OpenMapTiles schema the issue names, and stops at no zoom', async () => {
  const { openMapTilesStyle } = await importWeb('basemap-style.js');
  const { layers } = openMapTilesStyle({ origin: ORIGIN });
  const sourceLayers = new Set(layers.map((layer) => layer['source-layer']).filter(Boolean));
  for (const schemaLayer of ['water', 'waterway', 'landcover', 'park', 'building', 'transportation',
    'transportation_name', 'boundary', 'place']) {
    assert.ok(sourceLayers.has(schemaLayer), `a layer of ${schemaLayer}`);
  }
  // Past the archive's maxzoom MapLibre draws from its deepest tiles: no layer may end before.
  assert.deepEqual(layers.filter((layer) => 'maxzoom' in layer).map((layer) => layer.id), []);
  assert.equal(layers.find((layer) => layer.id === 'basemap-building').minzoom, 14);
  assert.equal(layers.find((layer) => layer.id === 'basemap-street-names').layout['symbol-placement'], 'line');
  const roadCasings = layers.filter((layer) => /^basemap-road-.*-casing$/.test(layer.id));
  assert.equal(roadCasings.length, 3, 'roads by class, each with its casing');
  for (const casing of roadCasings) {
    const road = layers.findIndex((layer) => layer.id === casing.id.replace(/-casing$/, ''));
    assert.ok(layers.indexOf(casing) < road, `${casing.id} is beneath its road`);
  }
});

test('it is muted: no basemap colour is as strong as a crime colour', async () => {
  const { BASEMAP_COLOURS } = await importWeb('basemap-style.js');
  const { CATEGORY_GROUPS } = await importWeb('map-style.js');
  // Chroma (the spread of the channels): a grey or a pale tint is low, a crime colour high.
  const chroma = (hex) => {
    const channels = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16) / 255);
    return Math.max(...channels) - Math.min(...channels);
  };
  const weakestCrime = Math.min(...CATEGORY_GROUPS.map((group) => chroma(group.colour)));
  for (const [name, colour] of Object.entries(BASEMAP_COLOURS)) {
    assert.ok(chroma(colour) < weakestCrime / 2, `${name} ${colour} is muted`);
  }
});

test('with the built-in basemap our layers go on top and its glyphs are kept', async () => {
  const { openMapTilesStyle } = await importWeb('basemap-style.js');
  const { buildStyle, withBasemap } = await importWeb('map-style.js');
  const ours = buildStyle({ neighbourhoods: '/n.json', watch: '/w.json', crimes: '/c.json', categories: [] });
  const merged = withBasemap(openMapTilesStyle({ origin: ORIGIN }), ours);
  assert.equal(merged.glyphs, `${ORIGIN}/fonts/{fontstack}/{range}.pbf`);
  const ids = merged.layers.map((layer) => layer.id);
  assert.ok(ids.indexOf('basemap-town-names') < ids.indexOf('neighbourhoods-fill'));
  assert.equal(ids.at(-1), 'crimes-location', 'the crimes are drawn last, over everything');
});
