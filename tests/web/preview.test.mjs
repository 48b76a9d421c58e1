// Static checks of the web preview (web/), run with `node --test tests/web/`
// from the repository root. No browser and no network: the files are read as
// text, and the modules without DOM code are imported and exercised directly.
// When web/node_modules is installed, the built style is also validated with
// MapLibre's own style-spec validator.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { CATEGORIES, importWeb, MONTHS, webDir } from './fixtures.mjs';

const read = (name) => readFileSync(join(webDir, name), 'utf8');
const ownFiles = readdirSync(webDir).filter((name) => /\.(html|js|css)$/.test(name));

const styleSpecPath = join(webDir, 'node_modules', '@maplibre', 'maplibre-gl-style-spec', 'dist', 'index.mjs');
const noStyleSpec = existsSync(styleSpecPath) ? false : 'web/node_modules is not installed (cd web && npm ci)';

/** Every src= and href= value in an HTML document. */
function linkedUrls(html) {
  return [...html.matchAll(/\s(?:src|href)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))/gi)]
    .map((match) => match[1] ?? match[2] ?? match[3]);
}

const TILEJSON = {
  months: MONTHS,
  categories: CATEGORIES,
  outcomes: [
    { slug: 'no-suspect', name: 'No suspect identified' },
    { slug: 'charged', name: 'Charged' },
  ],
  bounds: [-1.72, 53.71, -1.38, 53.89],
  detail_zoom: 14,
};

/**
 * The one other address a page may name: the quick exit's neutral site, a
 * navigation the person asks for (location.replace or the link), never a
 * request the page makes by itself.
 */
const EXIT_URL = 'https://www.bbc.co.uk/weather';
/** The SVG namespace is a name, not an address anything is fetched from. */
const SVG_NAMESPACE = 'http://www.w3.org/2000/svg';
const withoutExitUrl = (text) => text.split(EXIT_URL).join('').split(SVG_NAMESPACE).join('');
const htmlFiles = ownFiles.filter((name) => name.endsWith('.html'));
/** Pages, and the parts they share (`_<name>.html`, put in by the server where a page includes them). */
const pages = htmlFiles.filter((name) => !name.startsWith('_'));
const parts = htmlFiles.filter((name) => name.startsWith('_'));
const includes = (html) => [...html.matchAll(/^\s*<!--#include (\S+) -->$/gm)].map((match) => match[1]);
/** A page as the server sends it: each include line replaced by its part, whose own include lines are replaced too. */
const filled = (name) => read(name).replace(/^[ \t]*<!--#include (\S+) -->\n/gm, (_, part) => filled(part));

test('every page and part links only to this server, by absolute path or in-page fragment', () => {
  for (const page of htmlFiles) {
    const html = read(page);
    const urls = linkedUrls(html).filter((url) => url !== EXIT_URL);
    if (pages.includes(page)) assert.ok(urls.length > 0, `${page} links to nothing`);
    for (const url of urls) {
      const local = (url.startsWith('/') && !url.startsWith('//')) || url.startsWith('data:') || /^#[\w-]+$/.test(url);
      assert.ok(local, `${page} links to ${url}, which is not a path on this server`);
    }
    assert.doesNotMatch(withoutExitUrl(html), /https?:\/\//i, `${page} names another host`);
  }
});

test('every page includes the quick exit and loads its script from /static', () => {
  assert.match(read('_exit-this-page.html'), /<a class="exit-this-page" href="https:\/\/www\.bbc\.co\.uk\/weather" rel="nofollow noreferrer">/,
    'the quick exit part lacks its link');
  for (const page of pages) {
    for (const part of [page, ...parts].flatMap((name) => includes(read(name)))) {
      assert.ok(parts.includes(part), `${page} or a part includes ${part}, which is not in web/`);
    }
    const html = filled(page);
    assert.ok(html.includes(read('_exit-this-page.html')), `${page} lacks the quick exit`);
    assert.match(html, /^<!doctype html>\n<html lang="en-GB">\n<head>\n  <meta charset="utf-8">\n/, `${page} does not start as a page`);
    assert.match(html, /<meta name="viewport" content="width=device-width, initial-scale=1">/, `${page} has no viewport`);
    assert.match(html, /<title>[^<]+ - crimemap<\/title>/, `${page} has no title`);
    assert.match(html, /<meta name="description" content="[^"]{40,}">/, `${page} has no description`);
    assert.equal(html.match(/<\/head>\n<body[ >]/g)?.length, 1, `${page} has not one head followed by its body`);
    const script = /<script type="module" src="\/static\/([\w-]+\.js)">/.exec(html);
    assert.ok(script && existsSync(join(webDir, script[1])), `${page} loads no page script from /static`);
    assert.match(read(script[1]), /startPage\(\)/, `${script[1]} does not start the page (quick exit)`);
    assert.doesNotMatch(html, /\sstyle=|<style/i, `${page} has inline styles, which the server's Content-Security-Policy blocks`);
    assert.doesNotMatch(html, /<script(?![^>]*\bsrc=)/i, `${page} has an inline script, which the Content-Security-Policy blocks`);
  }
});

test('index.html loads MapLibre from /vendor and the page from /static', () => {
  const urls = linkedUrls(read('index.html'));
  for (const expected of [
    '/vendor/maplibre-gl/maplibre-gl.js',
    '/vendor/maplibre-gl/maplibre-gl.css',
    '/static/app.js',
    '/static/style.css',
  ]) {
    assert.ok(urls.includes(expected), `index.html does not reference ${expected}`);
  }
  for (const url of urls.filter((u) => u.startsWith('/static/'))) {
    const name = url.slice('/static/'.length);
    assert.ok(existsSync(join(webDir, name)), `${url} has no file web/${name}`);
  }
});

test('no page file asks another host for anything at run time', () => {
  for (const name of ownFiles) {
    const text = read(name);
    assert.doesNotMatch(withoutExitUrl(text), /(?:https?:)?\/\/[a-z0-9-]+\.[a-z0-9.-]+/i, `web/${name} names another host`);
    assert.doesNotMatch(text, /@import/i, `web/${name} imports a stylesheet`);
  }
});

test('every module a page script imports is a file beside it in web/', () => {
  for (const name of ownFiles.filter((n) => n.endsWith('.js'))) {
    for (const match of read(name).matchAll(/^\s*(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]/gm)) {
      const target = match[1];
      assert.match(target, /^\.\/[\w.-]+\.js$/, `web/${name} imports ${target}: only ./name.js is served`);
      assert.ok(existsSync(join(webDir, target)), `web/${name} imports ${target}, which is missing`);
    }
  }
});

test('the map page reads the three TileJSON endpoints, never a tile URL of its own', () => {
  const state = read('map-state.js');
  for (const endpoint of ['/tiles/crimes.json', '/tiles/neighbourhoods.json', '/tiles/watch.json']) {
    assert.ok(state.includes(`'${endpoint}'`), `map-state.js does not name ${endpoint}`);
  }
  for (const name of ['app.js', 'map-state.js', 'map-view.js', 'filter-panel.js', 'location-panel.js', 'map-centre.js', 'place-search.js', 'popups.js']) {
    assert.doesNotMatch(read(name), /\{z\}/, `${name} builds tile URLs itself instead of taking them from the TileJSON`);
  }
  assert.match(read('filter-panel.js'), /setTiles\(/, 'filter-panel.js does not re-point the crimes source when the filter changes');
});

test('every form control in every page has a label', () => {
  for (const page of pages) {
    const html = read(page);
    for (const match of html.matchAll(/<(select|input|textarea)\b[^>]*\bid="([^"]+)"[^>]*>/g)) {
      const [tag, element, id] = match;
      if (/type="hidden"/.test(tag)) continue;
      const wrapped = new RegExp(`<label>\\s*${tag.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`).test(html);
      assert.ok(html.includes(`<label for="${id}">`) || wrapped, `${page}: <${element} id="${id}"> has no label`);
    }
  }
});

test('package.json pins maplibre-gl exactly and fetches nothing when run', () => {
  const pkg = JSON.parse(read('package.json'));
  assert.equal(pkg.private, true);
  const version = pkg.dependencies?.['maplibre-gl'];
  assert.match(version ?? '', /^\d+\.\d+\.\d+$/, `maplibre-gl is "${version}", not an exact version`);
  for (const hook of ['preinstall', 'install', 'postinstall', 'prepare', 'prestart', 'start']) {
    assert.equal(pkg.scripts?.[hook], undefined, `package.json has a ${hook} script`);
  }
});

test('package-lock.json is committed and locks the pinned maplibre-gl', () => {
  const pkg = JSON.parse(read('package.json'));
  const lock = JSON.parse(read('package-lock.json'));
  assert.ok(lock.lockfileVersion >= 2);
  assert.equal(lock.packages[''].dependencies['maplibre-gl'], pkg.dependencies['maplibre-gl']);
  assert.equal(lock.packages['node_modules/maplibre-gl'].version, pkg.dependencies['maplibre-gl']);
});

test('the installed maplibre-gl ships the two files the server serves', { skip: noStyleSpec }, () => {
  const dist = join(webDir, 'node_modules', 'maplibre-gl', 'dist');
  for (const name of ['maplibre-gl.js', 'maplibre-gl.css']) {
    assert.ok(existsSync(join(dist, name)), `web/node_modules/maplibre-gl/dist/${name} is missing`);
  }
});

test('the default filter asks for the bare TileJSON URL', async () => {
  const { crimesTileJsonUrl, defaultFilter } = await importWeb('crime-filters.js');
  const filter = defaultFilter(TILEJSON);
  assert.deepEqual(filter, {
    from: '2024-09', to: '2024-09', categories: ['burglary', 'robbery', 'violent-crime'], outcomes: ['no-suspect', 'charged'],
  });
  assert.equal(crimesTileJsonUrl('/tiles/crimes.json', filter, TILEJSON), '/tiles/crimes.json');
});

test('a narrowed filter becomes the query the server documents', async () => {
  const { crimesTileJsonUrl } = await importWeb('crime-filters.js');
  const filter = { from: '2024-07', to: '2024-08', categories: ['burglary', 'robbery'], outcomes: ['no-suspect'] };
  assert.equal(
    crimesTileJsonUrl('/tiles/crimes.json', filter, TILEJSON),
    '/tiles/crimes.json?from=2024-07&to=2024-08&category=burglary,robbery&outcome=no-suspect',
  );
  const allCategories = { ...filter, categories: ['violent-crime', 'robbery', 'burglary'], outcomes: ['charged', 'no-suspect'] };
  assert.equal(crimesTileJsonUrl('/tiles/crimes.json', allCategories, TILEJSON), '/tiles/crimes.json?from=2024-07&to=2024-08');
});

test('a filter with nothing checked matches nothing', async () => {
  const { filterCanMatch, describeFilter } = await importWeb('crime-filters.js');
  const none = { from: '2024-09', to: '2024-09', categories: [], outcomes: ['charged'] };
  assert.equal(filterCanMatch(none), false);
  assert.equal(filterCanMatch({ ...none, categories: ['burglary'] }), true);
  assert.equal(describeFilter({ ...none, from: '2024-07', categories: ['burglary'] }, TILEJSON),
    'Jul 2024 – Sep 2024 · 1 of 3 categories · 1 of 2 outcomes');
});

test('crimes TileJSON metadata is read defensively', async () => {
  const { readCrimesMetadata, monthLabel } = await importWeb('crime-filters.js');
  const read1 = readCrimesMetadata({
    ...TILEJSON,
    months: ['2024-09', 'not a month', '2024-07', 7],
    categories: [{ slug: 'burglary' }, { name: 'no slug' }, null],
    bounds: [10, 50, 5, 55],
    attribution: 'Contains data from data.police.uk, Open Government Licence v3.0',
  });
  assert.deepEqual(read1.months, ['2024-07', '2024-09']);
  assert.deepEqual(read1.categories, [{ slug: 'burglary', name: 'burglary' }]);
  assert.equal(read1.bounds, null, 'west > east is no box');
  assert.equal(read1.detailZoom, 14);
  assert.match(read1.attribution, /Open Government Licence v3\.0/);
  const empty = readCrimesMetadata(null);
  assert.deepEqual([empty.months, empty.categories, empty.outcomes, empty.bounds], [[], [], [], null]);
  assert.equal(monthLabel('2024-01'), 'Jan 2024');
  assert.equal(monthLabel('2024-13'), '2024-13');
});

test('a force whose latest month is before the chosen months is said to lag, there and only there', async () => {
  const { readCrimesMetadata, laggingForcesAt, describeLaggingForce } = await importWeb('crime-filters.js');
  const metadata = readCrimesMetadata({
    ...TILEJSON,
    forces: [
      { id: 'marches', name: 'Marches Police', last_month: '2024-07', bounds: [-3, 52, -2, 53] },
      { id: 'downland', last_month: '2024-09', bounds: [-1, 50, 0, 51] },
      { id: 'broken', last_month: 'soon', bounds: [-3, 52, -2, 53] },
    ],
  });
  assert.deepEqual(metadata.forces.map((f) => [f.id, f.name, f.lastMonth]),
    [['marches', 'Marches Police', '2024-07'], ['downland', 'downland', '2024-09']]);
  const september = { from: '2024-09', to: '2024-09' };
  const inMarches = { lng: -2.5, lat: 52.5 };
  assert.deepEqual(laggingForcesAt(metadata, september, inMarches, null).map((f) => f.id), ['marches']);
  assert.deepEqual(laggingForcesAt(metadata, september, { lng: -0.5, lat: 50.5 }, null), []);
  assert.deepEqual(laggingForcesAt(metadata, september, inMarches, 'downland'), [], 'the known neighbourhood\'s force wins');
  assert.deepEqual(laggingForcesAt(metadata, { from: '2024-07', to: '2024-09' }, inMarches, null), [], 'July has data');
  assert.equal(describeLaggingForce(metadata.forces[0], september),
    'No data is published here for Sep 2024; the latest for this force (Marches Police) is Jul 2024.');
  assert.equal(describeLaggingForce(metadata.forces[0], { from: '2024-08', to: '2024-09' }),
    'No data is published here for Aug 2024 to Sep 2024; the latest for this force (Marches Police) is Jul 2024.');
});

test('a popup lists a location\'s crimes by category name, largest first', async () => {
  const { describeCrimes, crimesHoverText } = await importWeb('feature-rows.js');
  const properties = {
    count: 6, kind: 'location', location_id: 812, street: 'On or near High Street',
    burglary: 1, 'violent-crime': 4, 'new-kind': 1,
  };
  assert.deepEqual(describeCrimes(properties, TILEJSON.categories), {
    heading: 'Crimes',
    title: 'On or near High Street',
    rows: [
      ['Crimes', '6'],
      ['Location id', '812'],
      ['Violence and sexual offences', '4'],
      ['Burglary', '1'],
      ['New kind', '1'],
    ],
  });
  assert.equal(crimesHoverText(properties), '6 crimes · On or near High Street');
  assert.equal(crimesHoverText({ count: 1, kind: 'cluster' }), '1 crime');
  assert.equal(describeCrimes({ count: 90, kind: 'cluster', robbery: 90 }, TILEJSON.categories).title,
    'Several map locations');
});

test('neighbourhood and Watch popups name the feature and its details', async () => {
  const { describeNeighbourhood, describeWatchScheme } = await importWeb('feature-rows.js');
  assert.deepEqual(describeNeighbourhood({ force: 'leicestershire', id: 'NC04', name: 'City Centre' }), {
    heading: 'Neighbourhood', title: 'City Centre', rows: [['Force', 'leicestershire'], ['Neighbourhood id', 'NC04']],
  });
  assert.deepEqual(describeWatchScheme({ id: 7, name: 'Elm Road', status: 'active' }), {
    heading: 'Neighbourhood Watch scheme', title: 'Elm Road', rows: [['Status', 'active'], ['Scheme id', '7']],
  });
});

test('the style needs no glyphs, sprite or basemap and reads only our TileJSONs', async () => {
  const { buildStyle, LAYERS } = await importWeb('map-style.js');
  const style = buildStyle({
    neighbourhoods: '/tiles/neighbourhoods.json', watch: '/tiles/watch.json',
    crimes: '/tiles/crimes.json', categories: TILEJSON.categories,
  });
  assert.equal(style.glyphs, undefined);
  assert.equal(style.sprite, undefined);
  assert.deepEqual(Object.fromEntries(Object.entries(style.sources).map(([id, s]) => [id, s.url])), {
    neighbourhoods: '/tiles/neighbourhoods.json', watch: '/tiles/watch.json', crimes: '/tiles/crimes.json',
  });
  for (const layer of style.layers) {
    assert.notEqual(layer.type, 'symbol', `${layer.id} would need glyphs`);
    if (layer.source) assert.equal(layer['source-layer'], layer.source, `${layer.id} reads the wrong tile layer`);
  }
  const ids = style.layers.map((l) => l.id);
  for (const id of Object.values(LAYERS).flat()) assert.ok(ids.includes(id), `no layer ${id}`);

  const withoutCrimes = buildStyle({ neighbourhoods: '/n.json', watch: '/w.json', crimes: null });
  assert.equal(withoutCrimes.sources.crimes, undefined);
  assert.ok(withoutCrimes.layers.every((l) => l.source !== 'crimes'));
});

test('the style is valid MapLibre style JSON', { skip: noStyleSpec }, async () => {
  const { validateStyleMin } = await import(pathToFileURL(styleSpecPath).href);
  const { buildStyle } = await importWeb('map-style.js');
  const style = buildStyle({
    neighbourhoods: '/tiles/neighbourhoods.json', watch: '/tiles/watch.json',
    crimes: '/tiles/crimes.json?from=2024-07', categories: [...TILEJSON.categories, { slug: 'unheard-of', name: 'New' }],
  });
  assert.deepEqual(validateStyleMin(style).map((e) => e.message), []);
});

test('a location is coloured by its most common group of crimes', { skip: noStyleSpec }, async () => {
  const { createExpression, Color, latest } = await import(pathToFileURL(styleSpecPath).href);
  const { dominantGroupColour, CATEGORY_GROUPS, COLOURS } = await importWeb('map-style.js');
  const categories = [...TILEJSON.categories, { slug: 'unheard-of', name: 'New' }];
  const parsed = createExpression(dominantGroupColour(categories), latest.paint_circle['circle-color']);
  assert.equal(parsed.result, 'success', JSON.stringify(parsed.value));
  const colourOf = (properties) => {
    const c = parsed.value.evaluate({ zoom: 15 }, { type: 1, properties });
    return [c.r, c.g, c.b].map((v) => Math.round(v * 255)).join(',');
  };
  const expect = (hex) => {
    const c = Color.parse(hex);
    return [c.r, c.g, c.b].map((v) => Math.round(v * 255)).join(',');
  };
  const [violence, theft, , other] = CATEGORY_GROUPS.map((g) => g.colour);
  assert.equal(colourOf({ burglary: 3, robbery: 1, 'violent-crime': 1 }), expect(theft));
  assert.equal(colourOf({ burglary: 1, robbery: 1, 'violent-crime': 1 }), expect(violence));
  assert.equal(colourOf({ burglary: 2, robbery: 2 }), expect(violence), 'a tie goes to the first group');
  assert.equal(colourOf({ 'unheard-of': 5, burglary: 1 }), expect(other), 'an unknown category counts as other');
  assert.equal(colourOf({ count: 4 }), expect(COLOURS.noCategory));
});

test('style.css has one palette, one focus style, and a reason for each !important', () => {
  const css = read('style.css').replace(/\/\*[\s\S]*?\*\//g, (comment) => comment.replace(/[^\n]/g, ' ').replace(/^ /, '\u0001'));
  const raw = read('style.css');
  const roots = [...css.matchAll(/(^|\n):root\s*\{([^}]*)\}/g)];
  assert.equal(roots.length, 1, 'one :root block holds the palette');
  const outside = css.replace(roots[0][0], '');
  const colours = outside.match(/#[0-9a-fA-F]{3,8}\b|\brgba?\(/g) ?? [];
  assert.deepEqual(colours, [], 'every colour outside :root is a var(--name) of the palette');
  const focusRules = [...css.matchAll(/(^|[\n,}])\s*:focus-visible\s*\{/g)];
  assert.equal(focusRules.length, 1, 'one :focus-visible rule');
  for (const match of css.matchAll(/!important/g)) {
    const before = raw.slice(0, match.index);
    const rule = before.lastIndexOf('{');
    const comment = before.lastIndexOf('*/', rule);
    const previousRule = before.lastIndexOf('}', rule);
    assert.ok(comment > previousRule, `!important at offset ${match.index} has no comment saying why above its rule`);
  }
  for (const [, name] of outside.matchAll(/var\(--([\w-]+)/g)) {
    if (name === 'colour') continue; // a legend swatch's own colour, set by the script
    assert.match(roots[0][2], new RegExp(`--${name}:`), `--${name} is not in the palette`);
  }
});

test('a source made from a TileJSON names its tiles, zooms and bounds, and takes the filter\'s query', async () => {
  const { buildStyle, vectorSource } = await importWeb('map-style.js');
  const tileJson = {
    tilejson: '3.0.0', tiles: ['http://h/tiles/crimes/{z}/{x}/{y}.mvt'], minzoom: 0, maxzoom: 16,
    bounds: [-1.5, 52.2, -1.3, 52.4], attribution: 'data.police.uk', months: ['2024-07'],
  };
  assert.deepEqual(vectorSource(tileJson), {
    type: 'vector', tiles: ['http://h/tiles/crimes/{z}/{x}/{y}.mvt'], minzoom: 0, maxzoom: 16,
    bounds: [-1.5, 52.2, -1.3, 52.4], attribution: 'data.police.uk',
  });
  assert.deepEqual(vectorSource(tileJson, 'from=2024-07&to=2024-08').tiles,
    ['http://h/tiles/crimes/{z}/{x}/{y}.mvt?from=2024-07&to=2024-08']);
  assert.deepEqual(vectorSource({ tiles: ['/w/{z}/{x}/{y}.mvt'], bounds: null, attribution: null }), { type: 'vector', tiles: ['/w/{z}/{x}/{y}.mvt'] },
    'nothing a style validator would refuse');
  assert.deepEqual(vectorSource('/tiles/watch.json'), { type: 'vector', url: '/tiles/watch.json' });
  assert.deepEqual(vectorSource('/tiles/crimes.json', 'from=2024-07'), { type: 'vector', url: '/tiles/crimes.json?from=2024-07' });
  const style = buildStyle({ neighbourhoods: vectorSource({ tiles: ['/n/{z}/{x}/{y}.mvt'] }), watch: '/w.json', crimes: vectorSource(tileJson) });
  assert.equal(style.sources.neighbourhoods.url, undefined, 'no TileJSON for MapLibre to ask for');
  assert.deepEqual(style.sources.neighbourhoods.tiles, ['/n/{z}/{x}/{y}.mvt']);
  assert.equal(style.sources.watch.url, '/w.json');
  assert.equal(style.sources.crimes.maxzoom, 16);
});

test('the crimes TileJSON\'s tiles and zooms are read, and a malformed list is dropped', async () => {
  const { readCrimesMetadata } = await importWeb('crime-filters.js');
  const read = readCrimesMetadata({ ...TILEJSON, tiles: ['/tiles/crimes/{z}/{x}/{y}.mvt'], minzoom: 0, maxzoom: 16 });
  assert.deepEqual(read.tiles, ['/tiles/crimes/{z}/{x}/{y}.mvt']);
  assert.equal(read.minzoom, 0);
  assert.equal(read.maxzoom, 16);
  const bad = readCrimesMetadata({ ...TILEJSON, tiles: [7], maxzoom: 'deep' });
  assert.equal(bad.tiles, null);
  assert.equal(bad.maxzoom, undefined);
});
