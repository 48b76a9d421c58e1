// Shared by the browser tests: a generated dataset and a real `crimemap serve`
// on loopback, Debian's chromium driven by playwright-core, axe-core injected
// into pages, and screenshots saved in test-artifacts/.

import { spawn, execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import assert from 'node:assert/strict';
import { leakedValueProblems } from './page-checks.mjs';

export const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
export const binary = join(root, 'build', 'crimemap');
export const chromiumPath = '/usr/bin/chromium';
export const artifacts = join(root, 'test-artifacts');
const playwrightPath = join(root, 'web', 'node_modules', 'playwright-core', 'index.mjs');
const axePath = join(root, 'web', 'node_modules', 'axe-core', 'axe.min.js');

/**
 * Why the browser tests cannot run here, or false. Under tools/test
 * (CRIMEMAP_BROWSER_TESTS=required) a missing prerequisite is an error, not a
 * skip, so that the tests cannot pass by not running.
 */
export function missingPrerequisite() {
  const reason = prerequisiteProblem();
  if (reason && process.env.CRIMEMAP_BROWSER_TESTS === 'required') throw new Error(`browser tests cannot run: ${reason}`);
  return reason;
}

function prerequisiteProblem() {
  if (!existsSync(binary)) return `${binary} is not built (tools/setup)`;
  if (!existsSync(chromiumPath)) return `${chromiumPath} is not installed (apt-get install chromium)`;
  if (!existsSync(playwrightPath) || !existsSync(axePath)) return 'web/node_modules lacks playwright-core or axe-core (cd web && npm ci)';
  try { execFileSync('sqlite3', ['-version'], { stdio: 'ignore' }); } catch { return 'sqlite3 is not installed'; }
  return false;
}

export const TEAM = { email: 'team@example.test', password: 'team-password-1234' };
export const COORDINATOR = { email: 'coordinator@example.test', password: 'coordinator-password-1234' };

const sql = (db, query) => execFileSync('sqlite3', ['-batch', '-noheader', '-separator', '|', db, query], { encoding: 'utf8' }).trim();

function run(args, input) {
  try {
    return execFileSync(binary, args, { encoding: 'utf8', input, stdio: ['pipe', 'pipe', 'pipe'] });
  } catch (error) {
    throw new Error(`crimemap ${args[0]} failed: ${error.stderr || error.message}`);
  }
}

/**
 * Makes a dataset, accounts and a server. Returns what the tests need and a
 * stop() that ends the server and removes the folder.
 * @param {{serveArgs?: string[] | ((made: {db: string, dir: string}) => string[]), leaveOut?: RegExp}} [options]
 *   more arguments for `crimemap serve`, or a function making them from the imported store;
 *   generated files (by path under the data folder) not to import, e.g. one force's newest
 *   month, as when a force publishes late
 */
export async function startServer({ serveArgs = [], leaveOut = null } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'crimemap-web-'));
  const db = join(dir, 'store.sqlite');
  run(['generate', '--out', join(dir, 'data'), '--rows', '20000', '--months', '2', '--seed', '3']);
  if (leaveOut) {
    const files = readdirSync(join(dir, 'data'), { recursive: true }).filter((path) => leaveOut.test(path));
    if (files.length === 0) throw new Error(`no generated file matches ${leaveOut}`);
    for (const path of files) rmSync(join(dir, 'data', path));
  }
  run(['import', '--db', db, join(dir, 'data')]);
  const [force, neighbourhood] = sql(db, 'SELECT force, id FROM neighbourhoods ORDER BY force, id LIMIT 1').split('|');
  const scheme = sql(db, "SELECT id FROM watch_schemes WHERE visibility = 'public' ORDER BY id LIMIT 1");
  sql(db, `UPDATE watch_schemes SET status = 'verified-by-police' WHERE id = '${scheme.replace(/'/g, "''")}'`);
  const [postcode, postcodeLat, postcodeLng] = sql(db, 'SELECT label, latitude, longitude FROM postcodes ORDER BY postcode LIMIT 1').split('|');
  run(['user', 'add', '--db', db, '--email', TEAM.email, '--role', 'team', '--force', force, '--neighbourhood', neighbourhood, '--password-stdin'], TEAM.password);
  run(['user', 'add', '--db', db, '--email', COORDINATOR.email, '--role', 'coordinator', '--scheme', scheme, '--password-stdin'], COORDINATOR.password);

  const extraArgs = typeof serveArgs === 'function' ? serveArgs({ db, dir }) : serveArgs;
  const server = spawn(binary, ['serve', '--db', db, '--listen', '127.0.0.1:0', '--insecure-cookies', '--web', join(root, 'web'), ...extraArgs],
    { stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  const url = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the server did not start in 30 s:\n${log}`)), 30000);
    server.stderr.on('data', (chunk) => {
      log += chunk;
      const match = /serving (http:\/\/127\.0\.0\.1:\d+)\//.exec(log);
      if (match) { clearTimeout(timer); resolve(match[1]); }
    });
    server.on('exit', (code) => { clearTimeout(timer); reject(new Error(`the server stopped (${code}):\n${log}`)); });
  });
  server.stderr.on('data', () => {});  // keep draining
  return {
    url, db, force, neighbourhood, scheme, postcode,
    /** A new team account for `email` with no password: the path of its set-password link. */
    newAccountLink(email) {
      const printed = run(['user', 'add', '--db', db, '--email', email, '--role', 'team', '--force', force, '--neighbourhood', neighbourhood]);
      const link = /(\/auth\/set-password\?token=[A-Za-z0-9_-]+)/.exec(printed);
      if (!link) throw new Error(`crimemap user add printed no set-password link:\n${printed}`);
      return link[1];
    },
    postcodeLat: Number(postcodeLat), postcodeLng: Number(postcodeLng),
    log: () => log,
    async stop() {
      server.kill('SIGTERM');
      await new Promise((resolve) => { if (server.exitCode !== null) resolve(); else server.once('exit', resolve); });
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Debian's chromium, headless, with software WebGL for the map. */
export async function launchBrowser() {
  const { chromium } = await import(playwrightPath);
  return chromium.launch({
    executablePath: chromiumPath,
    headless: true,
    args: ['--enable-unsafe-swiftshader', '--use-angle=swiftshader', '--disable-dev-shm-usage'],
  });
}

/**
 * Answers of our own server that a page asks for knowing they may fail, and
 * handles: the API's 404 for a point outside every neighbourhood, and the 401
 * of /auth/me that tells a page nobody is signed in. Anything else at 400 or
 * above is a problem unless the test expects it (newPage's `expect`).
 */
const EXPECTED_EVERYWHERE = [
  { status: 404, path: /^\/api\/locate-neighbourhood\?/ },
  { status: 401, path: /^\/auth\/me$/ },
];

const LEAK_WATCH = `(() => {
  const check = ${leakedValueProblems.toString()};
  let pending = false;
  const run = () => { pending = false; for (const problem of check()) window.crimemapLeak(problem); };
  new MutationObserver(() => { if (!pending) { pending = true; setTimeout(run, 0); } })
    .observe(document, { subtree: true, childList: true, characterData: true, attributes: true });
  addEventListener('load', run);
})();`;

/**
 * A new page that records, in page.problems: console errors; page errors;
 * requests to other hosts (the quick exit's neutral site is answered locally,
 * never fetched); answers of our own server at 400 or above, and requests to
 * it that failed, unless expected (a request the page or a navigation
 * cancelled, net::ERR_ABORTED, is not a failure), and source maps named by
 * our scripts and stylesheets that do not answer; and, in every state the page
 * passes through (checked after each change of its DOM), visible text with
 * `null`, `undefined`, `NaN` or `[object Object]` (page-checks.mjs,
 * leakedValueProblems). finish(page) asserts that there were none.
 * @param {{viewport?: {width: number, height: number}, allowOrigins?: string[],
 *   expect?: {status: number, path: RegExp}[]}} [options]
 *   the window's size; origins besides the server's that the page may ask;
 *   answers of ours that the test makes happen (a form's 400), by status and a
 *   pattern on the path with its query
 */
export async function newPage(browser, server, { viewport = { width: 1280, height: 800 }, allowOrigins = [], expect = [] } = {}) {
  const context = await browser.newContext({ viewport, locale: 'en-GB' });
  const page = await context.newPage();
  page.problems = [];
  page.serverUrl = server.url;
  const seen = new Set();
  const problem = (text) => { if (!seen.has(text)) { seen.add(text); page.problems.push(text); } };
  const expected = [...EXPECTED_EVERYWHERE, ...expect];
  const ours = (url) => url.startsWith(`${server.url}/`);
  const pathOf = (url) => url.slice(server.url.length);
  const isExpected = (status, url) => expected.some((e) => e.status === status && e.path.test(pathOf(url)));
  const failedAnswer = (status, url) => {
    if (!isExpected(status, url)) problem(`answer ${status} to ${pathOf(url)}, which the page did not expect`);
  };
  page.on('console', (message) => {
    if (message.type() !== 'error') return;
    // The browser logs every answer at 400 or above, also those a page asks for
    // knowing they may fail; some (the favicon) are never seen as responses.
    const answer = /^Failed to load resource: the server responded with a status of (\d+)/.exec(message.text());
    const url = message.location()?.url ?? '';
    if (answer && ours(url)) failedAnswer(Number(answer[1]), url);
    else problem(`console: ${message.text()}${url ? ` (${url})` : ''}`);
  });
  page.on('pageerror', (error) => problem(`page error: ${error.message}`));
  // A browser with its developer tools open asks for the source map a script or stylesheet
  // names (headless chromium does not): each must answer, or that console logs a 404.
  page.pendingChecks = [];
  page.on('response', (response) => {
    if (!ours(response.url())) return;
    if (response.status() >= 400) failedAnswer(response.status(), response.url());
    if (!['script', 'stylesheet'].includes(response.request().resourceType()) || response.status() !== 200) return;
    page.pendingChecks.push(response.text().then(async (body) => {
      const named = /[#@] sourceMappingURL=(\S+)\s*(?:\*\/)?\s*$/.exec(body.slice(-500));
      if (!named || named[1].startsWith('data:')) return;
      const map = new URL(named[1], response.url()).href;
      const answer = await fetch(map);
      if (answer.status !== 200) problem(`${pathOf(response.url())} names its source map ${pathOf(map)}, which answers ${answer.status}`);
    }, () => {}));
  });
  page.on('requestfailed', (request) => {
    const reason = request.failure()?.errorText ?? 'failed';
    if (ours(request.url()) && reason !== 'net::ERR_ABORTED') problem(`request to ${pathOf(request.url())} failed: ${reason}`);
  });
  await page.exposeFunction('crimemapLeak', (text) => problem(`${new URL(page.url()).pathname}: ${text}`));
  await context.addInitScript({ content: LEAK_WATCH });
  await context.route((url) => !ours(url.href), (route) => {
    const target = route.request().url();
    if (allowOrigins.includes(new URL(target).origin)) return route.continue();
    if (target.startsWith('https://www.bbc.co.uk/')) {
      return route.fulfill({ status: 200, contentType: 'text/html', body: '<!doctype html><title>Weather</title><p>Neutral page' });
    }
    problem(`request to another host: ${target}`);
    return route.abort();
  });
  return page;
}

/**
 * The problems newPage recorded, with a last look at the page as it is now
 * (a change made just before may not have been checked yet).
 */
export async function pageProblems(page) {
  await Promise.all(page.pendingChecks ?? []);
  if (!page.isClosed() && page.url().startsWith(`${page.serverUrl}/`)) {
    // A page that names no icon makes the browser ask for /favicon.ico, once a session (so a
    // test may not see it happen): that must answer too.
    if (!(await page.evaluate(() => Boolean(document.querySelector('link[rel~="icon"]'))))) {
      const status = (await fetch(`${page.serverUrl}/favicon.ico`)).status;
      const line = `${new URL(page.url()).pathname} names no icon, so browsers ask for /favicon.ico, which answers ${status}`;
      if (status >= 400 && !page.problems.includes(line)) page.problems.push(line);
    }
    for (const text of await page.evaluate(leakedValueProblems)) {
      const line = `${new URL(page.url()).pathname}: ${text}`;
      if (!page.problems.includes(line)) page.problems.push(line);
    }
  }
  return page.problems;
}

/** Asserts that `page` had no problem (newPage) in any state it was in. */
export async function assertNoProblems(page) {
  assert.deepEqual(await pageProblems(page), [],
    'console errors, page errors, unexpected failed answers of ours, requests to other hosts, or null/undefined/NaN shown');
}

/** assertNoProblems, then closes the page's window. */
export async function finish(page) {
  await assertNoProblems(page);
  await page.context().close();
}

/** Waits until the map has loaded its style and every visible tile. */
export async function mapIdle(page, timeout = 20000) {
  await page.waitForFunction(() => {
    const map = window.crimemapPreview;
    return map && map.loaded() && map.isStyleLoaded() && map.areTilesLoaded();
  }, null, { timeout, polling: 100 });
}

/** Signs `page` in as `account` through the sign-in form; resolves when it has left /signin. */
export async function signIn(page, server, account) {
  await page.goto(`${server.url}/signin`);
  await page.fill('#email', account.email);
  await page.fill('#password', account.password);
  await Promise.all([page.waitForURL((url) => !url.pathname.startsWith('/signin')), page.click('button[type=submit]')]);
}

let axeSource = null;

/**
 * Runs axe-core in the page (WCAG 2.0–2.2 A and AA and best practices) and
 * returns its violations as readable lines. Injected by evaluation, which the
 * page's Content-Security-Policy does not govern, so the policy stays on.
 */
export async function axeViolations(page, exclude = []) {
  axeSource ??= readFileSync(axePath, 'utf8');
  if (!(await page.evaluate(() => typeof window.axe === 'object'))) await page.evaluate(axeSource);
  const results = await page.evaluate(async (excluded) => window.axe.run(
    { exclude: excluded.map((selector) => [selector]) },
    { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'] } },
  ), exclude);
  return results.violations.map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join('; ')}`);
}

/** Saves a full-page screenshot as test-artifacts/<name>.png. */
export async function screenshot(page, name) {
  mkdirSync(artifacts, { recursive: true });
  await page.screenshot({ path: join(artifacts, `${name}.png`), fullPage: true });
}
