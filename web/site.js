// What every page shares: the quick exit, a small element builder, JSON
// requests with errors a person can read, GOV.UK-style error summaries and
// the signed-in header. DOM code: imported by page scripts only.

import { installQuickExit } from './quick-exit.js';
import { errorItems, errorTitle, plainTitle, withSubject } from './form-errors.js';
import { accountPage, signInPage } from './page-urls.js';

export const byId = (id) => document.getElementById(id);

/**
 * Makes an element. `attributes` values: strings become attributes (`text`
 * sets textContent, `on<event>` adds a listener); false/null/undefined are
 * skipped. Children are nodes or strings (text nodes: never parsed as HTML).
 */
export function el(tag, attributes = {}, ...children) {
  const node = tag.startsWith('svg:')
    ? document.createElementNS('http://www.w3.org/2000/svg', tag.slice(4))
    : document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === false || value === null || value === undefined) continue;
    if (name === 'text') node.textContent = value;
    else if (name.startsWith('on') && typeof value === 'function') node.addEventListener(name.slice(2), value);
    else node.setAttribute(name, value === true ? '' : String(value));
  }
  node.append(...children.flat().filter((c) => c !== null && c !== undefined && c !== false));
  return node;
}

/** An error from a request, with the server's answer when it sent one. */
export class RequestError extends Error {
  constructor(message, status, body) {
    super(message);
    this.status = status;
    this.body = body;
  }
}

/**
 * Sends a request and reads its JSON answer.
 * @param {string} url a path on this server
 * @param {{method?: string, body?: unknown, csrf?: string}} [options] `body`
 *   is sent as JSON; `csrf` as X-CSRF-Token
 * @returns {Promise<unknown>} the parsed answer; null for 204
 * @throws {RequestError} with the server's `message` when it answers an error
 */
export async function requestJson(url, { method = 'GET', body, csrf } = {}) {
  const headers = { Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (csrf) headers['X-CSRF-Token'] = csrf;
  let response;
  try {
    response = await fetch(url, {
      method, headers, body: body === undefined ? undefined : JSON.stringify(body), credentials: 'same-origin',
    });
  } catch (error) {
    throw new RequestError(`The server could not be reached (${error.message}).`, 0, null);
  }
  if (response.status === 204) return null;
  const text = await response.text();
  let json = null;
  try { json = text === '' ? null : JSON.parse(text); } catch { /* not JSON */ }
  if (!response.ok) {
    const reason = json?.message ?? response.statusText ?? 'error';
    throw new RequestError(reason.charAt(0).toUpperCase() + reason.slice(1), response.status, json);
  }
  return json;
}

/** The signed-in account ({email, role, scope, csrf_token}), or null. */
export async function currentUser() {
  try {
    return await requestJson('/auth/me');
  } catch (error) {
    if (error.status === 401) return null;
    throw error;
  }
}

/**
 * The account a signed-in page is for: sends a visitor who is not signed in to
 * the sign-in page (coming back to `next`), shows the sign-out button, and
 * returns null when the page should stop (after saying why).
 */
export async function requireSignedIn(next) {
  let user;
  try {
    user = await currentUser();
  } catch (error) {
    showPageProblem(error.message);
    return null;
  }
  if (!user) {
    location.replace(signInPage({ next }));
    return null;
  }
  showSignedIn(user);
  return user;
}

/** Shows a sign-out button in the header for `user`. */
export function showSignedIn(user) {
  const slot = byId('account');
  if (!slot || !user) return;
  const button = el('button', { type: 'button', class: 'link-button', text: 'Sign out' });
  button.addEventListener('click', async () => {
    try { await requestJson('/auth/logout', { method: 'POST', csrf: user.csrf_token }); } catch { /* signed out anyway */ }
    location.assign(signInPage({ signed_out: '1' }));
  });
  slot.replaceChildren(el('span', { class: 'account-email', text: `Signed in as ${user.email}` }), ' ', button);
  // Signed in, the header's "Sign in" leads to the account's own page instead.
  const signInLink = document.querySelector('.site-header nav a[href="/signin"]');
  if (signInLink) {
    signInLink.href = accountPage(user);
    signInLink.textContent = user.role === 'coordinator' ? 'Inbox' : 'Team editor';
  }
}

/**
 * What a field is called on the page, for a message that does not name it:
 * its label without a parenthesis ("(optional)"), after its group's legend
 * when it is one of several alike ("Event 2: Starts").
 */
function fieldName(input) {
  const label = input?.labels?.[0]?.textContent.replace(/\s*\(.*\)\s*$/, '').trim() ?? '';
  const group = input?.closest('fieldset.repeat-item')?.querySelector('legend')?.textContent.trim();
  return group && label ? `${group}: ${label}` : label;
}

/**
 * GOV.UK error summary: a box at the top of `form` listing each problem as a
 * link to its field, each field's message beside it, the title starting
 * "Error: " and focus on the summary.
 * @param {HTMLFormElement} form
 * @param {Record<string,string>|undefined} fields the server's `fields`
 * @param {string} message shown when no field has a message of its own
 * @param {string[]} order field names in form order
 * @param {string} [prefix] the ids' prefix (see fieldId)
 */
export function showFormErrors(form, fields, message, order = [], prefix = '') {
  clearFormErrors(form);
  let items = errorItems(fields, order, prefix)
    .filter((item) => document.getElementById(item.id))
    .map((item) => ({ ...item, message: withSubject(item.message, fieldName(document.getElementById(item.id))) }));
  if (items.length === 0) items = [{ id: null, message }];
  const list = el('ul', { class: 'error-summary-list' }, items.map((item) => el('li', {},
    item.id ? el('a', { href: `#${item.id}`, text: item.message }) : item.message)));
  const summary = el('div', { class: 'error-summary', tabindex: '-1', role: 'alert', 'aria-labelledby': `${form.id}-error-title` },
    el('h2', { id: `${form.id}-error-title`, class: 'error-summary-title', text: 'There is a problem' }), list);
  summary.addEventListener('click', (event) => {
    const link = event.target.closest('a[href^="#"]');
    if (!link) return;
    event.preventDefault();
    document.getElementById(link.getAttribute('href').slice(1))?.focus();
  });
  form.prepend(summary);
  for (const item of items) {
    const input = item.id && document.getElementById(item.id);
    if (!input) continue;
    const messageId = `${item.id}-error`;
    const group = input.closest('.form-group') ?? input.parentElement;
    group.classList.add('form-group-error');
    const note = el('p', { id: messageId, class: 'error-message' }, el('span', { class: 'visually-hidden', text: 'Error: ' }), item.message);
    const anchor = group.querySelector('.hint') ?? group.querySelector('label, legend');
    if (anchor) anchor.after(note); else group.prepend(note);
    input.setAttribute('aria-invalid', 'true');
    const described = (input.getAttribute('aria-describedby') ?? '').split(' ').filter(Boolean);
    input.setAttribute('aria-describedby', [...described, messageId].join(' '));
  }
  document.title = errorTitle(document.title);
  summary.focus();
}

/**
 * A form that asks only for an email address, as the server's double opt-in and reset forms
 * do: the form `PREFIX-form`, its field `PREFIX-email`, the answer shown in `PREFIX-sent`. On
 * submit it POSTs `{ email, ...body }` to `url` and shows the server's `message`, which is
 * the same whether or not the address is known; errors as showFormErrors shows them.
 * @param {string} prefix
 * @param {string} url
 * @param {object} [body] sent with the address
 */
export function wireEmailForm(prefix, url, body = {}) {
  const form = byId(`${prefix}-form`);
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const email = byId(`${prefix}-email`).value.trim();
    if (!email) {
      showFormErrors(form, { email: 'Enter your email address' }, 'Enter your email address', ['email'], `${prefix}-`);
      return;
    }
    try {
      const answer = await requestJson(url, { method: 'POST', body: { email, ...body } });
      clearFormErrors(form);
      byId(`${prefix}-sent`).textContent = answer.message;
      byId(`${prefix}-sent`).hidden = false;
    } catch (error) {
      showFormErrors(form, error.body?.fields, error.message, ['email'], `${prefix}-`);
    }
  });
}

/** Removes what showFormErrors added. */
export function clearFormErrors(form) {
  form.querySelector('.error-summary')?.remove();
  for (const note of form.querySelectorAll('.error-message')) {
    const input = form.querySelector(`[aria-describedby~="${note.id}"]`);
    if (input) {
      const rest = input.getAttribute('aria-describedby').split(' ').filter((id) => id !== note.id);
      if (rest.length) input.setAttribute('aria-describedby', rest.join(' ')); else input.removeAttribute('aria-describedby');
      input.removeAttribute('aria-invalid');
    }
    note.remove();
  }
  for (const group of form.querySelectorAll('.form-group-error')) group.classList.remove('form-group-error');
  // A page with several forms (the team editor) keeps "Error: " while another still shows errors.
  if (!document.querySelector('.error-summary')) document.title = plainTitle(document.title);
}

/** Shows a problem that stops the page (e.g. an unknown id) in its main area. */
export function showPageProblem(text) {
  const main = byId('main');
  main.replaceChildren(el('h1', { text: 'Sorry, there is a problem' }), el('p', { text }),
    el('p', {}, el('a', { href: '/', text: 'Go to the crime map' })));
  document.title = `Sorry, there is a problem - crimemap`;
}

/** Runs on every page: the quick exit. */
export function startPage() {
  installQuickExit(document);
}
