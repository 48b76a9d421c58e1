// Every page, checked for WCAG 2.2 AA beyond what axe-core checks (see
// page-checks.mjs): target sizes, visible and unobscured focus on every Tab
// stop, accessible names, heading levels, lang and a unique title; at 320 and
// 375 px wide, no horizontal scrolling and a reachable map; and the map's
// keyboard path. Screenshots of each page on a phone go to test-artifacts/.
// Run by tools/test: node --test tests/web/browser/pages.browser.mjs

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  COORDINATOR, finish, launchBrowser, mapIdle, missingPrerequisite, newPage, pageProblems, screenshot, signIn, startServer, TEAM,
} from './harness.mjs';
import {
  focusState, headingProblems, languageAndTitle, leakedValueProblems, nameProblems, reflowProblems, targetSizeProblems,
} from './page-checks.mjs';

const skip = missingPrerequisite();

/** The phones of WCAG 1.4.10 (320 CSS px) and a common one. */
const PHONES = [{ width: 320, height: 640 }, { width: 375, height: 812 }];

/** Tab stops visited at most on one page (the team editor has the most, about 150). */
const MAX_TAB_STOPS = 300;

describe('every page against WCAG 2.2 AA, on a desktop and on phones', { skip, concurrency: false, timeout: 180000 }, () => {
  let server;
  let browser;
  /** name → {path, account, ready}: what to open, as whom, and what shows it has loaded. */
  let pages;

  before(async () => {
    server = await startServer();
    browser = await launchBrowser();
    const summary = await (await fetch(`${server.url}/api/summary/${server.force}/${server.neighbourhood}`)).json();
    const { latitude, longitude } = summary.busiest_locations[0];
    const box = [longitude - 0.01, latitude - 0.01, longitude + 0.01, latitude + 0.01].map((v) => v.toFixed(5)).join(',');
    pages = {
      map: { path: `/#15/${latitude}/${longitude}`, ready: mapIdle },
      list: { path: `/list?bbox=${box}`, ready: (page) => page.waitForSelector('table.crime-list') },
      neighbourhood: {
        path: `/neighbourhood?force=${server.force}&id=${server.neighbourhood}`,
        ready: (page) => page.waitForSelector('#content:not([hidden])'),
      },
      watch: {
        path: `/watch?postcode=${encodeURIComponent(server.postcode)}`,
        ready: (page) => page.waitForSelector('#results a[href^="/scheme?id="]'),
      },
      scheme: { path: `/scheme?id=${encodeURIComponent(server.scheme)}`, ready: (page) => page.waitForSelector('#message-form') },
      signin: { path: '/signin', ready: (page) => page.waitForSelector('#email') },
      'set-password': {
        path: server.newAccountLink('pages.team@example.test'),  // opening it does not use it up
        ready: (page) => page.waitForSelector('#password-form:not([hidden])'),
      },
      team: { path: '/team', account: TEAM, ready: (page) => page.waitForSelector('#editor:not([hidden])') },
      inbox: { path: '/inbox', account: COORDINATOR, ready: (page) => page.waitForSelector('#inbox:not([hidden])') },
    };
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  /** A new window of `viewport` size showing page `name`, signed in when the page needs it. */
  async function open(name, viewport) {
    const { path, account, ready } = pages[name];
    const page = await newPage(browser, server, { viewport });
    if (account) await signIn(page, server, account);
    await page.goto(`${server.url}${path}`);
    await ready(page);
    return page;
  }

  /** Tabs through the whole page from its start; the problems of each stop, once each. */
  async function focusProblems(page) {
    const problems = new Set();
    const seen = [];
    for (let stop = 0; ; stop++) {
      assert.ok(stop < MAX_TAB_STOPS, `more than ${MAX_TAB_STOPS} Tab stops`);
      await page.keyboard.press('Tab');
      const state = await page.evaluate(focusState);
      if (!state || (seen.length > 1 && state.name === seen[0])) break;  // left the page, or came round again
      seen.push(state.name);
      if (state.problem) problems.add(`${state.name} ${state.problem}`);
    }
    assert.ok(seen.length >= 3, `only ${seen.length} Tab stops`);
    return [...problems];
  }

  test('the checks find what they look for in a page made to fail them', async () => {
    const page = await newPage(browser, server, { viewport: { width: 320, height: 640 } });
    await page.setContent(`<!doctype html><html><head><title>t</title><style>
        .tiny { width: 16px; height: 16px; padding: 0; } input { height: 30px; } :focus { outline: none; } .wide { width: 400px; }
      </style></head><body>
      <h1>Page</h1><h3>Skipped a level</h3>
      <p>Read <a href="/a">this sentence's link</a> here.</p>
      <p><a href="/b">One</a> · <a href="/c">Two</a></p>
      <button class="tiny" aria-label="Tiny"></button>
      <input id="unnamed"><label>Named <input id="named"></label>
      <div class="wide">Too wide</div></body></html>`);
    assert.deepEqual(await page.evaluate(headingProblems), ['"Skipped a level" is h3 after h1']);
    const small = await page.evaluate(targetSizeProblems);
    assert.deepEqual(small.map((line) => /^\w+ "([^"]*)"/.exec(line)[1]), ['One', 'Two', 'Tiny'],
      'links in a row and a small button, not the link in a sentence');
    assert.deepEqual(await page.evaluate(nameProblems), ['input#unnamed has no accessible name']);
    assert.equal((await page.evaluate(reflowProblems)).length, 1);
    await page.focus('#named');
    assert.match((await page.evaluate(focusState)).problem, /no outline/);
    await finish(page);
  });

  test('a page is a problem when it shows null, undefined, NaN or [object Object], or gets an answer it did not expect', async () => {
    const page = await newPage(browser, server);
    await page.setContent(`<!doctype html><html><head><title>t</title></head><body>
      <p>Upcoming events</p><p>null</p><input id="v" value="[object Object]"><button aria-label="Zoom to NaN">+</button>
      <p hidden>undefined but hidden</p><p>nullable, annulled and undefinedness are words</p></body></html>`);
    assert.deepEqual((await page.evaluate(leakedValueProblems)).map((line) => /^(.*) shows "([^"]+)"/.exec(line).slice(1).join(': ')),
      ['the page: null', "input#v's value: [object Object]", "button's aria-label: NaN"]);
    // In our pages the checks run after every change, and answers are watched.
    await page.goto(`${server.url}/signin`);
    await page.waitForSelector('#email');
    // A state that lasts a moment: gone before the last look at the page.
    await page.evaluate(async () => {
      const line = Object.assign(document.createElement('p'), { textContent: 'Count: undefined' });
      document.querySelector('main').append(line);
      await new Promise((resolve) => { setTimeout(resolve, 300); });
      line.remove();
    });
    await page.evaluate(() => fetch('/api/forces/no-such-force'));
    const seen = await pageProblems(page);
    assert.ok(seen.some((line) => /^\/signin: the page shows "undefined": …Count: undefined…$/.test(line)), seen.join('\n'));
    assert.ok(seen.some((line) => /answer 404 to \/api\/forces\/no-such-force, which the page did not expect/.test(line)), seen.join('\n'));
    await page.context().close();
  });

  const titles = new Map();

  for (const name of ['map', 'list', 'neighbourhood', 'watch', 'scheme', 'signin', 'set-password', 'team', 'inbox']) {
    test(`${name}: targets, focus, names, headings, language and title`, async () => {
      const page = await open(name, { width: 1280, height: 800 });
      assert.deepEqual(await page.evaluate(targetSizeProblems), [], 'targets under 24 × 24 px (2.5.8)');
      assert.deepEqual(await page.evaluate(nameProblems), [], 'controls without a name (4.1.2)');
      assert.deepEqual(await page.evaluate(headingProblems), [], 'heading levels (1.3.1)');
      const { lang, title } = await page.evaluate(languageAndTitle);
      assert.match(lang, /^en(-GB)?$/, 'the page\'s language (3.1.1)');
      assert.match(title, /\S - crimemap$/, 'the title names the page, then the site (2.4.2)');
      for (const [other, otherTitle] of titles) assert.notEqual(title, otherTitle, `${name} has the title of ${other}`);
      titles.set(name, title);
      assert.deepEqual(await focusProblems(page), [], 'focus not shown, or hidden, on Tab (2.4.7, 2.4.11)');
      await finish(page);

      for (const viewport of PHONES) {
        const phone = await open(name, viewport);
        assert.deepEqual(await phone.evaluate(reflowProblems), [], `horizontal scrolling at ${viewport.width} px (1.4.10)`);
        assert.deepEqual(await phone.evaluate(targetSizeProblems), [], `targets under 24 × 24 px at ${viewport.width} px`);
        await screenshot(phone, `mobile-${viewport.width}-${name}`);
        await finish(phone);
      }
    });
  }

  test('on a phone the map is below the panel, uncovered, and opening the filters does not widen the page', async () => {
    const page = await open('map', PHONES[0]);
    await page.click('#filters-box > summary');
    await page.click('#in-view-box > summary');
    assert.deepEqual(await page.evaluate(reflowProblems), [], 'with the filters and the locations open');
    assert.deepEqual(await page.evaluate(targetSizeProblems), []);
    await page.locator('#map').scrollIntoViewIfNeeded();
    const reach = await page.evaluate(() => {
      const map = document.getElementById('map').getBoundingClientRect();
      const hits = (x, y, el) => { const top = document.elementFromPoint(x, y); return Boolean(top && el.contains(top)); };
      const canvas = document.querySelector('#map canvas');
      // A grid of points over the map: how many reach the map itself, not a panel over it.
      let open = 0;
      let all = 0;
      for (let fx = 0.1; fx < 1; fx += 0.2) {
        for (let fy = 0.1; fy < 1; fy += 0.2) {
          const x = map.left + map.width * fx;
          const y = map.top + map.height * fy;
          if (y < 0 || y >= innerHeight) continue;
          all++;
          if (document.elementFromPoint(x, y) === canvas) open++;
        }
      }
      const zoomIn = document.querySelector('.maplibregl-ctrl-zoom-in').getBoundingClientRect();
      return {
        share: open / all,
        width: map.width,
        zoomIn: hits(zoomIn.left + zoomIn.width / 2, zoomIn.top + zoomIn.height / 2, document.querySelector('.maplibregl-ctrl-zoom-in')),
      };
    });
    assert.equal(reach.width, 320, 'the map is as wide as the window');
    assert.ok(reach.share >= 0.8, `only ${Math.round(reach.share * 100)}% of the map can be touched`);
    assert.ok(reach.zoomIn, 'the zoom-in button is not covered');
    const before = await page.evaluate(() => window.crimemapPreview.getZoom());
    await page.click('.maplibregl-ctrl-zoom-in');
    await page.waitForFunction((z) => window.crimemapPreview.getZoom() > z + 0.9, before);
    await screenshot(page, 'mobile-320-map-filters');
    await finish(page);
  });

  test('the map works from the keyboard: Tab to the zoom and pan buttons, press them, and the map moves', async () => {
    const page = await open('map', { width: 1280, height: 800 });
    const map = () => page.evaluate(() => {
      const m = window.crimemapPreview;
      return { zoom: m.getZoom(), lng: m.getCenter().lng, lat: m.getCenter().lat, moving: m.isMoving() };
    });
    /** Presses Tab until `label` has focus; fails after MAX_TAB_STOPS. */
    const tabTo = async (label) => {
      for (let stop = 0; stop < MAX_TAB_STOPS; stop++) {
        await page.keyboard.press('Tab');
        if (await page.evaluate((l) => document.activeElement?.getAttribute('aria-label') === l, label)) return;
      }
      assert.fail(`Tab never reached "${label}"`);
    };
    const settled = () => page.waitForFunction(() => !window.crimemapPreview.isMoving());

    const start = await map();
    await tabTo('Zoom in');
    await page.keyboard.press('Enter');
    await page.waitForFunction((z) => window.crimemapPreview.getZoom() > z + 0.9, start.zoom);
    await settled();
    await tabTo('Pan east');
    const zoomed = await map();
    await page.keyboard.press('Enter');
    await page.waitForFunction((lng) => window.crimemapPreview.getCenter().lng > lng + 1e-6, zoomed.lng);
    await settled();
    const panned = await map();
    await page.keyboard.press('Shift+Tab');
    await page.keyboard.press('Shift+Tab');
    assert.equal(await page.evaluate(() => document.activeElement.getAttribute('aria-label')), 'Pan north');
    await page.keyboard.press('Space');
    await page.waitForFunction((lat) => window.crimemapPreview.getCenter().lat > lat + 1e-6, panned.lat);
    await settled();
    // The focused map itself: arrow keys pan, + zooms.
    await page.focus('#map canvas');
    const focused = await map();
    await page.keyboard.press('ArrowLeft');
    await page.waitForFunction((lng) => window.crimemapPreview.getCenter().lng < lng - 1e-6, focused.lng);
    await settled();
    const before = await map();
    await page.keyboard.press('Equal');
    await page.waitForFunction((z) => window.crimemapPreview.getZoom() > z + 0.5, before.zoom);
    await finish(page);
  });
});
