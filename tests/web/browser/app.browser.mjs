// Browser tests of the web app against the real server on loopback with
// generated data: Debian's chromium driven by playwright-core, axe-core in
// every page. Run by tools/test: node --test tests/web/browser/app.browser.mjs

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  assertNoProblems, axeViolations, COORDINATOR, finish, launchBrowser, mapIdle, missingPrerequisite, newPage, screenshot, signIn,
  startServer, TEAM,
} from './harness.mjs';

const skip = missingPrerequisite();
let server;
let browser;

/** The rendered crime features: their number and the sum of their counts. */
const renderedCrimes = (page) => page.evaluate(() => {
  const map = window.crimemapPreview;
  const features = map.queryRenderedFeatures({ layers: ['crimes-cluster', 'crimes-location'] });
  return { features: features.length, total: features.reduce((sum, f) => sum + f.properties.count, 0) };
});

async function getJson(path) {
  const response = await fetch(`${server.url}${path}`);
  assert.equal(response.status, 200, `${path} answered ${response.status}`);
  return response.json();
}

async function assertAccessible(page, name) {
  const violations = await axeViolations(page);
  assert.deepEqual(violations, [], `axe-core on ${name}`);
}

/**
 * GOV.UK's error pattern on one field of a form: the summary at the top of the
 * form has focus and links to the field, the title starts "Error: ", the
 * field's message sits in its group before it, and the field points to it.
 */
async function assertFieldError(page, formId, fieldId, message) {
  await page.waitForSelector(`#${formId} .error-summary a[href="#${fieldId}"]`);
  const seen = await page.evaluate(([form, field]) => {
    const summary = document.querySelector(`#${form} .error-summary`);
    const input = document.getElementById(field);
    const note = document.getElementById(`${field}-error`);
    return {
      focused: document.activeElement === summary,
      first: document.getElementById(form).firstElementChild === summary,
      link: summary.querySelector(`a[href="#${field}"]`).textContent,
      note: note?.textContent.replace(/^Error: /, ''),
      beside: Boolean(note) && note.closest('.form-group') === input.closest('.form-group')
        && Boolean(note.compareDocumentPosition(input) & Node.DOCUMENT_POSITION_FOLLOWING),
      invalid: input.getAttribute('aria-invalid'),
      describedBy: (input.getAttribute('aria-describedby') ?? '').split(' '),
    };
  }, [formId, fieldId]);
  assert.match(await page.title(), /^Error: /);
  assert.ok(seen.focused, 'focus is on the error summary');
  assert.ok(seen.first, 'the summary is at the top of the form');
  assert.match(seen.link, message);
  assert.equal(seen.note, seen.link, 'the field\'s message is the summary\'s');
  assert.ok(seen.beside, 'the message is in the field\'s group, before the field');
  assert.equal(seen.invalid, 'true');
  assert.ok(seen.describedBy.includes(`${fieldId}-error`), 'aria-describedby names the message');
}


describe('the web app in a browser', { skip, concurrency: false, timeout: 240000 }, () => {
  before(async () => {
    server = await startServer();
    browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  test('the map renders crime features, quickly, and passes axe', async () => {
    const page = await newPage(browser, server);
    const asked = [];
    page.on('request', (request) => asked.push(new URL(request.url()).pathname));
    const started = Date.now();
    await page.goto(`${server.url}/`);
    await page.waitForFunction(() => window.crimemapPreview?.getLayer('crimes-cluster')
      && window.crimemapPreview.queryRenderedFeatures({ layers: ['crimes-cluster'] }).length > 0, null, { timeout: 20000, polling: 50 });
    const firstRender = Date.now() - started;
    console.log(`# first render of the map with crime tiles: ${firstRender} ms`);
    await mapIdle(page);
    const drawn = await renderedCrimes(page);
    assert.ok(drawn.features > 0, 'no crime features are drawn');
    // The page reads each TileJSON once, before the map starts, and the style names their
    // tiles: MapLibre asks for none again after setting up WebGL.
    for (const tileJson of ['/tiles/crimes.json', '/tiles/neighbourhoods.json', '/tiles/watch.json']) {
      assert.equal(asked.filter((path) => path === tileJson).length, 1, `${tileJson} asked for once`);
      assert.ok(asked.indexOf(tileJson) < asked.findIndex((path) => path.endsWith('.mvt')), `${tileJson} asked before the tiles`);
    }
    await screenshot(page, 'map');
    await assertAccessible(page, 'the map');
    await finish(page);
  });

  test('changing a filter changes what is drawn, and the URL keeps it', async () => {
    const page = await newPage(browser, server);
    await page.goto(`${server.url}/`);
    await mapIdle(page);
    await page.waitForSelector('#crime-filters:not([disabled])');
    const before = await renderedCrimes(page);
    await page.click('#categories button[data-set=none]');
    await page.check('#categories input[value=burglary]');
    await page.waitForFunction(() => window.crimemapPreview.getSource('crimes').tiles[0].includes('category=burglary'));
    await page.waitForTimeout(100);
    await mapIdle(page);
    const after = await renderedCrimes(page);
    assert.ok(after.total > 0 && after.total < before.total, `burglary only: ${after.total} of ${before.total}`);
    assert.match(page.url(), /[?&]category=burglary(&|#|$)/);
    // The shared link opens with the same filter.
    const shared = await newPage(browser, server);
    await shared.goto(page.url());
    await mapIdle(shared);
    assert.equal(await shared.isChecked('#categories input[value=burglary]'), true);
    assert.equal(await shared.isChecked('#categories input[value=robbery]'), false);
    await finish(shared);
    await finish(page);
  });

  test('search moves the map to a postcode and says when there is none', async () => {
    const page = await newPage(browser, server, { expect: [{ status: 404, path: /^\/api\/search\?q=ZZ9%209ZZ$/ }] });
    await page.goto(`${server.url}/`);
    await mapIdle(page);
    await page.fill('#search-q', server.postcode);
    await page.click('#search button[type=submit]');
    await page.waitForFunction(([lat, lng]) => {
      const c = window.crimemapPreview.getCenter();
      return Math.abs(c.lat - lat) < 1e-4 && Math.abs(c.lng - lng) < 1e-4;
    }, [server.postcodeLat, server.postcodeLng], { timeout: 10000 });
    await page.waitForSelector('#search-result a[href^="/neighbourhood?"]');
    await page.fill('#search-q', 'ZZ9 9ZZ');
    await page.click('#search button[type=submit]');
    await page.waitForSelector('.search-error');
    assert.match(await page.textContent('.search-error'), /postcode/i);
    await finish(page);
  });

  test('clicking a crime location lists its crimes and their outcome history', async () => {
    const summary = await getJson(`/api/summary/${server.force}/${server.neighbourhood}`);
    const busiest = summary.busiest_locations[0];
    const expected = await getJson(`/api/crimes-at-location?location_id=${busiest.location_id}&date=${summary.month}`);
    const page = await newPage(browser, server);
    await page.goto(`${server.url}/#17/${busiest.latitude}/${busiest.longitude}`);
    await mapIdle(page);
    const point = await page.evaluate((id) => {
      const map = window.crimemapPreview;
      const feature = map.queryRenderedFeatures({ layers: ['crimes-location'] }).find((f) => f.properties.location_id === id);
      if (!feature) return null;
      const p = map.project(feature.geometry.coordinates);
      const box = map.getCanvas().getBoundingClientRect();
      return { x: box.left + p.x, y: box.top + p.y };
    }, busiest.location_id);
    assert.ok(point, `location ${busiest.location_id} is not drawn`);
    await page.mouse.click(point.x, point.y);
    await page.waitForFunction((n) => document.querySelectorAll('#location-crimes > li').length === n
      && !document.querySelector('#location-summary').textContent.startsWith('Loading'), expected.length);
    assert.match(await page.textContent('#location-heading'), new RegExp(busiest.street.replace(/^On or near /, ''), 'i'));
    const withHistory = page.locator('#location-crimes button', { hasText: 'Outcome history' }).first();
    if (await withHistory.count()) {
      await withHistory.click();
      await page.waitForSelector('#location-crimes .history ol, #location-crimes .history p:not(:empty)');
    }
    // Unchecking the outcome group of one of these crimes narrows the list to the
    // crimes whose group (by the TileJSON's labels) is still checked.
    const { outcomes } = await getJson('/tiles/crimes.json');
    const groupOf = (crime) => {
      const label = crime.outcome_status?.category;
      if (!label) return 'no-outcome';
      return outcomes.find((group) => group.labels.includes(label))?.slug ?? 'other';
    };
    const dropped = groupOf(expected[0]);
    const kept = expected.filter((crime) => groupOf(crime) !== dropped).length;
    await page.uncheck(`#outcomes input[value="${dropped}"]`);
    await page.waitForFunction((n) => document.querySelectorAll('#location-crimes > li').length === n
      && /with the checked outcomes/.test(document.querySelector('#location-summary').textContent), kept);
    assert.match(await page.textContent('#location-summary'),
      new RegExp(`^${kept} crimes? in .*with the checked outcomes \\(${expected.length - kept} more here ha(s|ve) another outcome\\)\\.$`));
    await page.check(`#outcomes input[value="${dropped}"]`);
    await page.waitForFunction((n) => document.querySelectorAll('#location-crimes > li').length === n
      && !/Loading|outcome/.test(document.querySelector('#location-summary').textContent), expected.length);
    // The same list from the keyboard's way in: the "in view" buttons.
    await page.waitForSelector(`#in-view button[data-location-id="${busiest.location_id}"]`);
    await screenshot(page, 'map-location');
    await assertAccessible(page, 'the map with a location listed');
    await finish(page);
  });

  test('the list view linked from the map matches the API counts', async () => {
    const summary = await getJson(`/api/summary/${server.force}/${server.neighbourhood}`);
    const { latitude, longitude } = summary.busiest_locations[0];
    const page = await newPage(browser, server);
    await page.goto(`${server.url}/#15/${latitude}/${longitude}`);
    await mapIdle(page);
    await page.waitForFunction(() => document.querySelector('#list-link').href.includes('bbox='));
    const href = await page.getAttribute('#list-link', 'href');
    const bbox = new URL(href, server.url).searchParams.get('bbox').split(',').map(Number);
    const [west, south, east, north] = bbox;
    const poly = `${south},${west}:${north},${west}:${north},${east}:${south},${east}`;
    const crimes = await getJson(`/api/crimes-street/all-crime?poly=${poly}&date=${summary.month}`);
    await Promise.all([page.waitForURL(/\/list\?/), page.click('#list-link')]);
    const text = await page.textContent('main');
    const total = Number(/(\d[\d,]*) crimes? on/.exec(text)?.[1].replace(/,/g, ''));
    assert.equal(total, crimes.length, 'the list view counts what crimes-street finds in the box');
    const rows = await page.$$eval('table.crime-list tbody td.number', (cells) => cells.reduce((s, c) => s + Number(c.textContent), 0));
    assert.equal(rows, crimes.length, 'the table rows add up to the total');
    assert.ok(await page.isVisible('a.exit-this-page[href="https://www.bbc.co.uk/weather"]'), 'the list view has the quick exit');
    await screenshot(page, 'list');
    await assertAccessible(page, 'the list view');
    await finish(page);
  });

  test('a join request sent through the form reaches the coordinator\'s inbox', async () => {
    const page = await newPage(browser, server, { expect: [{ status: 400, path: /^\/api\/watch\/schemes\/[^/]+\/messages$/ }] });
    await page.goto(`${server.url}/scheme?id=${encodeURIComponent(server.scheme)}`);
    await page.waitForSelector('#message-form');
    await screenshot(page, 'scheme');
    await assertAccessible(page, 'the scheme page');
    // Nothing filled in: GOV.UK-style errors.
    await page.click('#message-form button[type=submit]');
    await page.waitForSelector('.error-summary');
    assert.match(await page.title(), /^Error: /);
    assert.equal(await page.evaluate(() => document.activeElement.classList.contains('error-summary')), true);
    assert.ok(await page.locator('.error-summary a[href="#name"]').count() === 1, 'the summary links to the name field');
    assert.ok(await page.locator('#name-error').count() === 1, 'the name field has its message');
    assert.equal(await page.getAttribute('#name', 'aria-invalid'), 'true');
    await screenshot(page, 'scheme-errors');
    await assertAccessible(page, 'the scheme page with errors');
    // The honeypot is hidden from people and assistive technology.
    assert.equal(await page.getByRole('textbox', { name: /leave this empty/i }).count(), 0, 'the honeypot is in the accessibility tree');
    assert.equal(await page.getAttribute('#website', 'tabindex'), '-1');
    const box = await page.locator('#website').boundingBox();
    assert.ok(!box || box.x + box.width <= 0, 'the honeypot is on screen');
    const name = `Pat Tester ${Date.now()}`;
    await page.fill('#name', name);
    await page.fill('#email', 'pat@example.test');
    await page.fill('#text', 'I live on the next street and would like to join.');
    await page.click('#message-form button[type=submit]');
    await page.waitForSelector('#confirmation:not([hidden])');
    assert.doesNotMatch(await page.title(), /^Error: /);
    assert.match(await page.getAttribute('#delete-link', 'href'), /^\/scheme\?delete=%2Fapi%2Fwatch%2Fmessages%2F/);
    await screenshot(page, 'scheme-sent');
    await assertAccessible(page, 'the confirmation');
    await finish(page);

    const coordinator = await newPage(browser, server);
    await signIn(coordinator, server, COORDINATOR);
    assert.equal(new URL(coordinator.url()).pathname, '/inbox');
    await coordinator.waitForSelector('#inbox:not([hidden])');
    const item = coordinator.locator('#messages > li', { hasText: name });
    assert.equal(await item.count(), 1, 'the message is in the inbox');
    await screenshot(coordinator, 'inbox');
    await assertAccessible(coordinator, 'the inbox');
    await item.getByRole('button', { name: /Mark as read/ }).click();
    await coordinator.waitForSelector('#inbox-status:not([hidden])');
    await coordinator.waitForFunction((n) => [...document.querySelectorAll('#messages > li.read')].some((li) => li.textContent.includes(n)), name);
    await coordinator.locator('#messages > li', { hasText: name }).getByRole('button', { name: /Delete/ }).click();
    await coordinator.waitForFunction((n) => ![...document.querySelectorAll('#messages > li')].some((li) => li.textContent.includes(n)), name);
    await finish(coordinator);
  });

  test('a team\'s edit appears on the neighbourhood page', async () => {
    const page = await newPage(browser, server);
    await signIn(page, server, TEAM);
    assert.equal(new URL(page.url()).pathname, '/team');
    await page.waitForSelector('#editor:not([hidden])');
    await screenshot(page, 'team');
    await assertAccessible(page, 'the team editor');
    const issue = `Parking on the pavement near the school ${Date.now()}`;
    await page.click('#priorities-add');
    const index = await page.locator('#priorities-items fieldset').count() - 1;
    await page.fill(`#priorities-${index}-issue`, issue);
    await page.fill(`#priorities-${index}-issue-date`, '2024-09-02');
    await page.click('#priorities-form button[type=submit]');
    await page.waitForFunction(() => /Priorities saved/.test(document.querySelector('#saved').textContent));
    const telephone = '01632 960 999';
    await page.fill('#contact_details-telephone', telephone);
    await page.click('#contact-form button[type=submit]');
    await page.waitForFunction(() => /Contact details saved/.test(document.querySelector('#saved').textContent));

    await page.goto(`${server.url}/neighbourhood?force=${server.force}&id=${server.neighbourhood}`);
    await page.waitForSelector('#content:not([hidden])');
    assert.match(await page.textContent('#priorities'), new RegExp(issue));
    assert.match(await page.textContent('#contact'), new RegExp(telephone));
    await finish(page);
  });

  test('the team editor shows the server\'s 400s GOV.UK-style, and a good save clears them', async () => {
    const page = await newPage(browser, server, { expect: [{ status: 400, path: /^\/api\/[^/]+\/[^/]+\/(contact_details|events)$/ }] });
    await signIn(page, server, TEAM);
    await page.waitForSelector('#editor:not([hidden])');
    const title = await page.title();
    const put = (part, status) => page.waitForResponse((r) => r.request().method() === 'PUT' && r.url().endsWith(`/${part}`) && r.status() === status);

    // The server's 400: an email address that is not one.
    await page.fill('#contact_details-email', 'not an email address');
    await Promise.all([put('contact_details', 400), page.click('#contact-form button[type=submit]')]);
    await assertFieldError(page, 'contact-form', 'contact_details-email', /^Enter an email address in the correct format, like team@example\.org$/);

    // Refused by the server: a telephone number of 401 characters.
    await page.fill('#contact_details-email', 'team.contact@example.test');
    await page.fill('#contact_details-telephone', '0'.repeat(401));
    await Promise.all([put('contact_details', 400), page.click('#contact-form button[type=submit]')]);
    await assertFieldError(page, 'contact-form', 'contact_details-telephone', /^Telephone must be at most 400 characters$/);
    assert.equal(await page.getAttribute('#contact_details-email', 'aria-invalid'), null, 'the email error is gone');
    assert.equal(await page.locator('#contact-form .error-message').count(), 1);

    // Refused by the server: an event whose start has a five-digit year.
    await page.click('#events-add');
    const event = await page.locator('#events-items fieldset').count() - 1;
    await page.fill(`#events-${event}-title`, 'Street surgery');
    await page.fill(`#events-${event}-start_date`, '20245-10-01T18:30');
    await Promise.all([put('events', 400), page.click('#events-form button[type=submit]')]);
    await assertFieldError(page, 'events-form', `events-${event}-start_date`, new RegExp(`^Event ${event + 1}: Starts must be a date`));
    await screenshot(page, 'team-errors');
    await assertAccessible(page, 'the team editor with errors');

    // Good values: each form's errors go when it saves, the title when none are left.
    await page.fill('#contact_details-telephone', '01632 960 111');
    await Promise.all([put('contact_details', 200), page.click('#contact-form button[type=submit]')]);
    await page.waitForFunction(() => /Contact details saved/.test(document.querySelector('#saved').textContent));
    assert.equal(await page.locator('#contact-form .error-summary, #contact-form .error-message, #contact-form [aria-invalid]').count(), 0);
    assert.equal(await page.getAttribute('#contact_details-telephone', 'aria-describedby'), null);
    assert.match(await page.title(), /^Error: /, 'the events form still has an error');
    await page.fill(`#events-${event}-start_date`, '2025-10-01T18:30');
    await Promise.all([put('events', 200), page.click('#events-form button[type=submit]')]);
    await page.waitForFunction(() => /Events saved/.test(document.querySelector('#saved').textContent));
    assert.equal(await page.locator('.error-summary, .error-message, [aria-invalid], .form-group-error').count(), 0);
    assert.equal(await page.title(), title);
    await finish(page);
  });

  test('the neighbourhood page shows the team, the charts with tables and victim support', async () => {
    const page = await newPage(browser, server);
    await page.goto(`${server.url}/neighbourhood?force=${server.force}&id=${server.neighbourhood}`);
    await page.waitForSelector('#content:not([hidden])');
    assert.ok(await page.locator('.chart-figure').count() >= 3, 'three charts');
    assert.ok(await page.locator('.chart-figure table.figures').count() >= 3, 'each chart has a table');
    const support = await getJson(`/api/forces/${server.force}/support`);
    for (const service of support) assert.match(await page.textContent('#support'), new RegExp(service.name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
    assert.equal(await page.locator('#description script, #description img').count(), 0);
    await screenshot(page, 'neighbourhood');
    await assertAccessible(page, 'the neighbourhood page');
    await finish(page);
  });

  test('the Watch finder lists schemes near a postcode, and errors for an unknown one', async () => {
    const page = await newPage(browser, server, { expect: [{ status: 404, path: /^\/api\/watch\/schemes\?postcode=ZZ9%209ZZ$/ }] });
    await page.goto(`${server.url}/watch?postcode=${encodeURIComponent(server.postcode)}`);
    await page.waitForSelector('#results a[href^="/scheme?id="]');
    await screenshot(page, 'watch');
    await assertAccessible(page, 'the Watch finder');
    await page.goto(`${server.url}/watch?postcode=ZZ9%209ZZ`);
    await page.waitForSelector('.error-summary');
    assert.match(await page.title(), /^Error: /);
    await assertAccessible(page, 'the Watch finder with an error');
    await finish(page);
  });

  test('the sign-in page works with password managers and explains a failure', async () => {
    const page = await newPage(browser, server, { expect: [{ status: 401, path: /^\/auth\/login$/ }] });
    await page.goto(`${server.url}/signin`);
    assert.equal(await page.getAttribute('#email', 'autocomplete'), 'username');
    assert.equal(await page.getAttribute('#password', 'autocomplete'), 'current-password');
    await screenshot(page, 'signin');
    await assertAccessible(page, 'the sign-in page');
    await page.fill('#email', 'nobody@example.test');
    await page.fill('#password', 'not-the-password-at-all');
    await page.click('button[type=submit]');
    await page.waitForSelector('.error-summary');
    assert.match(await page.textContent('.error-summary'), /not right/);
    await assertAccessible(page, 'the sign-in page with an error');
    await finish(page);
  });

  test('a set-password link shows its account, refuses a short password, sets a good one that signs in, and works once', async () => {
    const account = { email: 'new.team@example.test', password: 'a long new password 42' };
    const link = server.newAccountLink(account.email);
    const page = await newPage(browser, server, {
      expect: [{ status: 400, path: /^\/auth\/set-password$/ }, { status: 404, path: /^\/auth\/set-password\/account\?token=/ }],
    });
    await page.goto(`${server.url}${link}`);
    await page.waitForSelector('#password-form:not([hidden])');
    assert.equal(await page.inputValue('#email'), account.email, 'the account the link is for');
    assert.equal(await page.getAttribute('#email', 'autocomplete'), 'username');
    assert.equal(await page.getAttribute('#password', 'autocomplete'), 'new-password');
    assert.equal(new URL(page.url()).search, '', 'the token leaves the address bar');
    await screenshot(page, 'set-password');
    await assertAccessible(page, 'the set-password page');

    await page.fill('#password', 'too short');
    await page.click('#password-form button[type=submit]');
    await assertFieldError(page, 'password-form', 'password', /at least 12 characters/);
    await assertAccessible(page, 'the set-password page with an error');

    await page.fill('#password', account.password);
    await Promise.all([page.waitForURL(/\/signin\?password_set$/), page.click('#password-form button[type=submit]')]);
    assert.ok(await page.isVisible('#password-set'), 'the sign-in page says the password is set');
    await signIn(page, server, account);
    assert.equal(new URL(page.url()).pathname, '/team');
    await page.waitForSelector('.site-header nav a[href="/team"]');
    assert.equal(await page.textContent('.site-header nav a[href="/team"]'), 'Team editor', 'signed in, the header leads to the account\'s page');

    await page.goto(`${server.url}${link}`);
    await page.waitForSelector('#link-problem:not([hidden])');
    assert.match(await page.textContent('#link-problem'), /not valid, has been used or has expired/);
    assert.ok(await page.isHidden('#password-form'));
    await finish(page);
  });

  test('no page shows null, undefined or NaN: empty lists, errors, signed out and signed in', async () => {
    // A neighbourhood with no events at all, upcoming or past.
    const hoods = await getJson(`/api/${server.force}/neighbourhoods`);
    let empty = null;
    for (const { id } of hoods) {
      if ((await getJson(`/api/${server.force}/${id}/events`)).length === 0) { empty = id; break; }
    }
    assert.ok(empty, 'a neighbourhood without events');
    const visits = [
      [`/neighbourhood?force=${server.force}&id=${empty}`, '#content:not([hidden])'],
      ['/neighbourhood?force=nowhere&id=none', 'main h1'],
      ['/watch?lat=57.5&lng=-4.5', '#results li'],
      ['/scheme?id=no-such-scheme', 'main h1'],
      ['/#12/57.5/-4.5', '#crime-filters:not([disabled])'],
    ];
    const expect = [
      { status: 404, path: /^\/api\/nowhere\/none$/ },
      { status: 404, path: /^\/api\/watch\/schemes\/no-such-scheme$/ },
    ];
    for (const account of [null, TEAM, COORDINATOR]) {
      const page = await newPage(browser, server, { expect });
      if (account) await signIn(page, server, account);
      for (const [path, ready] of visits) {
        await page.goto(`${server.url}${path}`);
        await page.waitForSelector(ready);
        if (path.startsWith('/#')) await mapIdle(page);
        if (path.includes(`id=${empty}`)) {
          assert.match(await page.textContent('#events'), /^No upcoming events are published\.$/);
          if (!account) await screenshot(page, 'neighbourhood-no-events');
        }
      }
      await finish(page);
    }
  });

  for (const [how, act] of [
    ['the button', (page) => page.click('.exit-this-page')],
    ['Shift three times', async (page) => { for (let i = 0; i < 3; i++) await page.keyboard.press('Shift'); }],
  ]) {
    test(`quick exit by ${how} replaces the page with a neutral one`, async () => {
      const page = await newPage(browser, server);
      await page.goto(`${server.url}/neighbourhood?force=${server.force}&id=${server.neighbourhood}`);
      await page.waitForSelector('#content:not([hidden])');
      await Promise.all([page.waitForURL(/^https:\/\/www\.bbc\.co\.uk\/weather/), act(page)]);
      assert.equal(await page.title(), 'Weather');
      await finish(page);
    });
  }
});
