// Forces publish at different times: a store where one force (Marches) has not
// published the newest month (2024-09) that the others have. The map opens on
// that month, as data.police.uk's API defaults to it; over the lagging force it
// must say why nothing is drawn and offer the force's latest month.
// Run by tools/test: node --test tests/web/browser/lag.browser.mjs

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { finish, launchBrowser, mapIdle, missingPrerequisite, newPage, screenshot, startServer } from './harness.mjs';

const skip = missingPrerequisite();

describe('a force that publishes later than the others', { skip, concurrency: false, timeout: 180000 }, () => {
  let server;
  let browser;
  let forces;

  before(async () => {
    server = await startServer({ leaveOut: /(^|\/)2024-09-marches-/ });
    browser = await launchBrowser();
    const tileJson = await (await fetch(`${server.url}/tiles/crimes.json`)).json();
    forces = Object.fromEntries(tileJson.forces.map((f) => [f.id, f]));
    assert.equal(tileJson.months.at(-1), '2024-09');
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
  });

  test('the crimes TileJSON gives each force its latest month and the box of its crimes', () => {
    assert.equal(forces.marches.last_month, '2024-08');
    assert.equal(forces.marches.name, 'Marches Police');
    assert.equal(forces.downland.last_month, '2024-09');
    const [west, south, east, north] = forces.marches.bounds;
    assert.ok(west < east && south < north, `marches bounds ${forces.marches.bounds}`);
  });

  /** The map opened at zoom `zoom` on the centre of `force`'s box. */
  async function openOver(force, zoom) {
    const [west, south, east, north] = forces[force].bounds;
    const page = await newPage(browser, server);
    await page.goto(`${server.url}/#${zoom}/${((south + north) / 2).toFixed(5)}/${((west + east) / 2).toFixed(5)}`);
    await mapIdle(page);
    await page.waitForSelector('#crime-filters:not([disabled])');
    return page;
  }

  for (const zoom of [9, 13]) {
    test(`at zoom ${zoom} the map says the force has no data for the newest month, and its button shows the force's latest`, async () => {
      const page = await openOver('marches', zoom);
      await page.waitForSelector('#lag:not([hidden])');
      assert.equal(await page.textContent('#lag p'),
        'No data is published here for Sep 2024; the latest for this force (Marches Police) is Aug 2024. Show Aug 2024');
      assert.equal(await page.inputValue('#month-to'), '2024-09', 'the map opens on the newest month of any force');
      await screenshot(page, `map-lagging-force-${zoom}`);
      await page.click('#lag button');
      await page.waitForFunction(() => window.crimemapPreview.getSource('crimes').tiles[0].includes('2024-08'));
      await page.waitForSelector('#lag', { state: 'hidden' });
      assert.equal(await page.inputValue('#month-from'), '2024-08');
      assert.equal(await page.inputValue('#month-to'), '2024-08');
      assert.match(page.url(), /2024-08/, 'the URL keeps the month');
      await page.waitForTimeout(100);
      await mapIdle(page);
      const drawn = await page.evaluate(() => window.crimemapPreview
        .queryRenderedFeatures({ layers: ['crimes-cluster', 'crimes-location'] }).length);
      assert.ok(drawn > 0, 'the force\'s crimes are drawn in its latest month');
      await finish(page);
    });
  }

  test('over a force that has published the newest month nothing is said', async () => {
    const page = await openOver('downland', 13);
    await page.waitForFunction(() => document.querySelector('#area a[href^="/neighbourhood?"]'));
    assert.equal(await page.isHidden('#lag'), true);
    await finish(page);
  });
});
