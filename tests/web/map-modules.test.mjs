// The map page's modules (web/app.js's parts), imported under Node without a DOM: importing
// one does nothing (no import-time side effects), and the logic in each is exercised directly.
// Run with `node --test tests/web/`.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { CATEGORIES, importWeb, MONTHS, webDir } from './fixtures.mjs';

const METADATA = {
  months: MONTHS,
  categories: CATEGORIES,
  outcomes: [
    { slug: 'no-suspect', name: 'No suspect identified', labels: ['Investigation complete; no suspect identified'] },
    { slug: 'no-outcome', name: 'No outcome recorded', labels: [] },
    { slug: 'other', name: 'Other', labels: [] },
  ],
};
const FILTER = { from: '2024-07', to: '2024-09', categories: ['burglary', 'robbery', 'violent-crime'], outcomes: ['no-suspect', 'no-outcome', 'other'] };

test('every module of the map page imports without a DOM and touches nothing', async () => {
  for (const name of ['map-state.js', 'map-view.js', 'filter-panel.js', 'location-panel.js', 'map-centre.js', 'place-search.js', 'popups.js', 'page-urls.js']) {
    const module = await importWeb(name);
    assert.ok(Object.keys(module).length > 0, `${name} exports nothing`);
  }
  assert.equal(globalThis.document, undefined);
});

test('a location\'s crimes over a month range are one request', async () => {
  const { locationCrimesUrl } = await importWeb('location-panel.js');
  assert.equal(locationCrimesUrl(1234, FILTER), '/api/location-crimes?location_id=1234&from=2024-07&to=2024-09');
  assert.equal(locationCrimesUrl(7, { ...FILTER, from: '2024-09' }), '/api/location-crimes?location_id=7&from=2024-09&to=2024-09');
});

test('a location\'s list keeps the checked categories and outcomes, newest month first, then by name', async () => {
  const { crimesForList } = await importWeb('location-panel.js');
  const crimes = [
    { category: 'robbery', month: '2024-07', outcome_status: null },
    { category: 'violent-crime', month: '2024-09', outcome_status: { category: 'Investigation complete; no suspect identified' } },
    { category: 'burglary', month: '2024-09', outcome_status: null },
    { category: 'burglary', month: '2024-08', outcome_status: { category: 'Investigation complete; no suspect identified' } },
  ];
  const all = crimesForList(crimes, FILTER, METADATA);
  assert.deepEqual(all.crimes.map((c) => `${c.month} ${c.category}`),
    ['2024-09 burglary', '2024-09 violent-crime', '2024-08 burglary', '2024-07 robbery']);
  assert.equal(all.hidden, 0);
  const narrowed = crimesForList(crimes, { ...FILTER, categories: ['burglary', 'violent-crime'], outcomes: ['no-suspect'] }, METADATA);
  assert.deepEqual(narrowed.crimes.map((c) => `${c.month} ${c.category}`), ['2024-09 violent-crime', '2024-08 burglary']);
  assert.equal(narrowed.hidden, 1, 'the burglary without an outcome is counted as left out');
});

test('the locations in view are each listed once, busiest first, at most twelve', async () => {
  const { busiestLocations } = await importWeb('location-panel.js');
  const feature = (id, count) => ({ properties: { location_id: id, count, street: `Street ${id}` } });
  const features = [feature(3, 5), feature(1, 9), feature(3, 5), feature(2, 5)];
  assert.deepEqual(busiestLocations(features).map((p) => p.location_id), [1, 2, 3]);
  const many = Array.from({ length: 20 }, (_, i) => feature(i, i));
  assert.equal(busiestLocations(many).length, 12);
  assert.equal(busiestLocations(many)[0].location_id, 19);
});

test('the neighbourhood at the centre is one request', async () => {
  const { neighbourhoodAtUrl } = await importWeb('map-centre.js');
  assert.equal(neighbourhoodAtUrl({ lat: 52.6297291, lng: -1.1315924 }), '/api/neighbourhood-at?lat=52.629729&lng=-1.131592');
});

test('search asks for the place and words its failures', async () => {
  const { searchUrl, searchErrorText } = await importWeb('place-search.js');
  assert.equal(searchUrl('SO23 1AA'), '/api/search?q=SO23%201AA');
  assert.equal(searchErrorText({ status: 404, message: 'No postcode SO23 9ZZ' }),
    'No postcode SO23 9ZZ. Check the postcode, or search for a town or street.');
  assert.equal(searchErrorText({ status: 500, message: 'Internal error' }), 'The search did not work: Internal error');
});

test('a popup describes the top feature of each layer and links its page', async () => {
  const { featureLink, firstOfEachSource } = await importWeb('popups.js');
  const features = [
    { source: 'crimes', properties: { kind: 'cluster' } },
    { source: 'watch', properties: { id: 'W 1' } },
    { source: 'crimes', properties: { kind: 'cluster' } },
    { source: 'neighbourhoods', properties: { force: 'downland', id: 'DW01' } },
  ];
  assert.deepEqual(firstOfEachSource(features).map((f) => f.source), ['crimes', 'watch', 'neighbourhoods']);
  assert.deepEqual(featureLink(features[1]), { href: '/scheme?id=W%201', text: 'About this scheme, and how to join' });
  assert.deepEqual(featureLink(features[3]), { href: '/neighbourhood?force=downland&id=DW01', text: 'About this neighbourhood' });
  assert.equal(featureLink(features[0]), null);
});

test('the map adds the licence notice only when the TileJSON lacks it', async () => {
  const { needsAttribution } = await importWeb('map-view.js');
  assert.equal(needsAttribution({ attribution: 'Contains data from data.police.uk, Open Government Licence v3.0' }), false);
  assert.equal(needsAttribution({ attribution: null }), true);
  assert.equal(needsAttribution(null), true);
});

test('page addresses are written by one helper each', async () => {
  const urls = await importWeb('page-urls.js');
  assert.equal(urls.neighbourhoodPage('downland', 'DW 01'), '/neighbourhood?force=downland&id=DW%2001');
  assert.equal(urls.schemePage(42), '/scheme?id=42');
  assert.equal(urls.messageDeletePage('/api/watch/messages/3?token=a+b'), '/scheme?delete=%2Fapi%2Fwatch%2Fmessages%2F3%3Ftoken%3Da%2Bb');
  assert.equal(urls.watchNear(51.123456, -0.4159284), '/watch?lat=51.12346&lng=-0.41593');
  assert.equal(urls.mapAt(14, 51.1, -0.4), '/#14/51.10000/-0.40000');
  assert.equal(urls.signInPage(), '/signin');
  assert.equal(urls.signInPage({ next: '/team' }), '/signin?next=%2Fteam');
  assert.equal(urls.signInPage({ signed_out: '1' }), '/signin?signed_out=1');
  assert.equal(urls.signInPage({ password_set: '' }), '/signin?password_set');
  assert.equal(urls.accountPage({ role: 'coordinator' }), '/inbox');
  assert.equal(urls.accountPage({ role: 'team' }), '/team');
});

test('no script writes a page address by hand', async () => {
  const { readdirSync, readFileSync } = await import('node:fs');
  for (const name of readdirSync(webDir).filter((n) => n.endsWith('.js') && n !== 'page-urls.js' && n !== 'map-url.js')) {
    const text = readFileSync(join(webDir, name), 'utf8');
    assert.doesNotMatch(text, /[`'"]\/(?:neighbourhood|scheme|watch|signin)\?/, `web/${name} writes a page URL itself: use page-urls.js`);
    assert.doesNotMatch(text, /[`'"]\/#\$\{/, `web/${name} writes a map URL itself: use page-urls.js`);
  }
});
