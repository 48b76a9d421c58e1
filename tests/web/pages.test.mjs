// Tests of the web app's DOM-free modules beyond the map style: text from
// data.police.uk's HTML, links from data, form errors, the quick exit's key
// counting, chart rows, the map page's URL and the basemap merge. Run with
// `node --test tests/web/` from the repository root.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { importWeb, MONTHS } from './fixtures.mjs';

const METADATA = {
  months: MONTHS,
  categories: [{ slug: 'burglary', name: 'Burglary' }, { slug: 'robbery', name: 'Robbery' }],
  outcomes: [{ slug: 'no-suspect', name: 'No suspect' }, { slug: 'charged', name: 'Charged' }],
};

test('HTML from the data becomes paragraphs of text, with nothing left to run', async () => {
  const { htmlToParagraphs, htmlToText } = await importWeb('text.js');
  assert.deepEqual(htmlToParagraphs('<p>Call 101, or 999 in an emergency.</p>\n<p>Fish &amp; chips&nbsp;&#163;5</p>'),
    ['Call 101, or 999 in an emergency.', 'Fish & chips £5']);
  assert.deepEqual(htmlToParagraphs('<script>alert(1)</script><img src=x onerror=alert(2)>Hello<br>there'), ['Hello', 'there']);
  assert.deepEqual(htmlToParagraphs('&lt;b&gt;not bold&lt;/b&gt;'), ['<b>not bold</b>']);
  assert.deepEqual(htmlToParagraphs(null), []);
  assert.equal(htmlToText('<p>a</p><p>b</p>'), 'a\n\nb');
});

test('only http(s), mailto and tel links from the data are kept', async () => {
  const { safeHref, telHref } = await importWeb('text.js');
  assert.equal(safeHref('https://example.org/a'), 'https://example.org/a');
  assert.equal(safeHref('www.example.org'), 'https://www.example.org');
  assert.equal(safeHref('javascript:alert(1)'), null);
  assert.equal(safeHref(' JaVaScRiPt:alert(1)'), null);
  assert.equal(safeHref('data:text/html,hi'), null);
  assert.equal(safeHref('/relative'), null);
  assert.equal(telHref('01632 960 101'), 'tel:01632960101');
  assert.equal(telHref('none'), null);
});

test('dates, shares and distances read as people write them', async () => {
  const { formatDate, formatShare, formatDistance } = await importWeb('text.js');
  assert.equal(formatDate('2024-10-25T17:00:00'), '25 October 2024, 17:00');
  assert.equal(formatDate('2024-05-20T00:00:00'), '20 May 2024');
  assert.equal(formatDate('2024-09'), 'September 2024');
  assert.equal(formatDate('soon'), 'soon');
  assert.equal(formatShare(0.4412), '44%');
  assert.equal(formatShare(0.004), '<1%');
  assert.equal(formatDistance(349), '350 m');
  assert.equal(formatDistance(3508), '3.5 km');
});

test('server field errors become summary items in form order, with the inputs\' ids', async () => {
  const { errorItems, fieldId, errorTitle, plainTitle } = await importWeb('form-errors.js');
  assert.equal(fieldId('people[2].name'), 'people-2-name');
  assert.equal(fieldId('contact_details.email'), 'contact_details-email');
  const items = errorItems({ text: 'tell us more', email: 'Enter an email address', name: '' }, ['name', 'email', 'text']);
  assert.deepEqual(items, [
    { field: 'email', id: 'email', message: 'Enter an email address' },
    { field: 'text', id: 'text', message: 'Tell us more' },
  ]);
  assert.equal(errorTitle('Join - crimemap'), 'Error: Join - crimemap');
  assert.equal(errorTitle('Error: Join'), 'Error: Join');
  assert.equal(plainTitle('Error: Join'), 'Join');
});

test('a message without its field\'s name gets it; a whole sentence is kept', async () => {
  const { withSubject } = await importWeb('form-errors.js');
  assert.equal(withSubject('must be at most 400 characters', 'Telephone'), 'Telephone must be at most 400 characters');
  assert.equal(withSubject('Is required', 'Event 2: Title'), 'Event 2: Title is required');
  assert.equal(withSubject('enter your name', 'Name'), 'Enter your name');
  assert.equal(withSubject('must be text', ''), 'Must be text');
});

test('the quick exit fires on the third Shift in a row within five seconds', async () => {
  const { shiftCounter } = await importWeb('quick-exit.js');
  const count = shiftCounter();
  assert.equal(count('Shift', 0), false);
  assert.equal(count('Shift', 100), false);
  assert.equal(count('Shift', 200), true);
  const slow = shiftCounter();
  slow('Shift', 0); slow('Shift', 3000);
  assert.equal(slow('Shift', 6000), false, 'the first press is too old');
  const broken = shiftCounter();
  broken('Shift', 0); broken('Shift', 10); broken('a', 20);
  assert.equal(broken('Shift', 30), false, 'another key starts again');
});

test('chart rows keep a month without data apart from zero', async () => {
  const { trendRows, categoryRows, outcomeRows, barLengths } = await importWeb('chart-data.js');
  const summary = {
    by_category: [{ category: 'burglary', name: 'Burglary', count: 4 }],
    trend: { months: ['2024-08', '2024-09'], has_data: [false, true], total: [null, 0] },
    outcomes: [{ status: 'charged', name: 'Charged', count: 1, share: 0.25 }],
  };
  assert.deepEqual(trendRows(summary), [
    { label: 'Aug 2024', value: null, text: 'no data' },
    { label: 'Sep 2024', value: 0, text: '0' },
  ]);
  assert.deepEqual(categoryRows(summary), [{ label: 'Burglary', value: 4, text: '4' }]);
  assert.equal(outcomeRows(summary)[0].text, '1 (25%)');
  assert.deepEqual(barLengths([{ value: 10 }, { value: 1 }, { value: 0 }, { value: null }], 100), [100, 10, 0, null]);
  assert.deepEqual(barLengths([{ value: 1000 }, { value: 1 }], 100), [100, 1], 'a small value still shows');
});

test('the map page\'s URL round-trips its filter and distrusts what it does not know', async () => {
  const { filterFromParams, pageQuery, listUrl, monthsInRange } = await importWeb('map-url.js');
  const filter = filterFromParams(new URLSearchParams('from=2024-07&to=2024-08&category=burglary,arson&outcome=charged'), METADATA);
  assert.deepEqual(filter, { from: '2024-07', to: '2024-08', categories: ['burglary'], outcomes: ['charged'] });
  assert.equal(pageQuery(filter, METADATA), 'from=2024-07&to=2024-08&category=burglary&outcome=charged');
  assert.equal(pageQuery(filterFromParams(new URLSearchParams(''), METADATA), METADATA, 'DW10 0FH'), 'q=DW10%200FH');
  const reversed = filterFromParams(new URLSearchParams('from=2024-09&to=2024-07'), METADATA);
  assert.deepEqual([reversed.from, reversed.to], ['2024-07', '2024-09']);
  const unknown = filterFromParams(new URLSearchParams('from=1999-01&to=nonsense'), METADATA);
  assert.deepEqual([unknown.from, unknown.to], ['2024-09', '2024-09']);
  assert.equal(listUrl(filter, METADATA, [-1.23456789, 51.1, -1.2, 51.2]),
    '/list?from=2024-07&to=2024-08&category=burglary&outcome=charged&bbox=-1.234568,51.1,-1.2,51.2');
  assert.equal(listUrl(filterFromParams(new URLSearchParams(''), METADATA), METADATA, [-200, -95, 10, 20]),
    '/list?from=2024-09&to=2024-09&bbox=-180,-90,10,20');
  assert.deepEqual(monthsInRange(METADATA.months, '2024-08', '2024-09'), ['2024-08', '2024-09']);
});

test('a basemap goes beneath our layers, without our background', async () => {
  const { buildStyle, withBasemap } = await importWeb('map-style.js');
  const ours = buildStyle({ neighbourhoods: '/n.json', watch: '/w.json', crimes: '/c.json', categories: [] });
  const basemap = {
    version: 8, glyphs: 'https://tiles.example/{fontstack}/{range}.pbf',
    sources: { openmaptiles: { type: 'vector', url: 'https://tiles.example/v.json' } },
    layers: [{ id: 'bg', type: 'background' }, { id: 'roads', type: 'line', source: 'openmaptiles', 'source-layer': 'transportation' }],
  };
  const merged = withBasemap(basemap, ours);
  assert.equal(merged.glyphs, basemap.glyphs);
  assert.deepEqual(merged.layers.slice(0, 2).map((l) => l.id), ['bg', 'roads']);
  assert.ok(!merged.layers.some((l) => l.id === 'background'), 'our background would hide the basemap');
  assert.deepEqual(merged.layers.slice(2).map((l) => l.id), ours.layers.slice(1).map((l) => l.id));
  assert.ok(merged.sources.openmaptiles && merged.sources.crimes);
  assert.equal(withBasemap(null, ours), ours);
});
