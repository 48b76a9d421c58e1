// The team editor (/team): a neighbourhood team's contact details, people,
// priorities and events, each saved with PUT and the session's CSRF token.
// An admin names the neighbourhood in the URL (/team?force=&id=).

import {
  byId, clearFormErrors, el, requestJson, requireSignedIn, showFormErrors, showPageProblem, startPage,
} from './site.js';
import { neighbourhoodPage, signInPage } from './page-urls.js';
import { formFields } from './team-fields.js';
import { htmlToText } from './text.js';

startPage();

/** The contact details shown: `[key, label, input type]` (team-fields.js). */
let CONTACT_FIELDS = [];

/** The repeating parts: their fields, in form order, and what each item is called (team-fields.js). */
const PARTS = {};

let user = null;
let base = '';
let items = { people: [], priorities: [], events: [] };   // what was loaded, for the fields kept unedited

function announce(text) {
  const box = byId('saved');
  box.textContent = text;
  box.hidden = false;
}

// ---- Dates: the API writes "2024-09-01T10:00:00"; date inputs want less ----

const toInput = (value, kind) => (typeof value === 'string' ? value.slice(0, kind === 'date' ? 10 : 16) : '');
const fromInput = (value, kind) => {
  if (!value) return null;
  if (kind === 'date') return `${value}T00:00:00`;
  const [day, time = ''] = value.split('T');  // seconds, if any, are dropped
  return `${day}T${time.slice(0, 5)}:00`;
};

function field(part, index, spec, value) {
  const id = `${part}-${index}-${spec.key}`;
  const attributes = { id, name: id };
  let input;
  if (spec.textarea) {
    input = el('textarea', { ...attributes, rows: 3 });
    input.value = htmlToText(value ?? '');
  } else {
    input = el('input', { ...attributes, type: spec.date ?? 'text', autocomplete: spec.autocomplete ?? null });
    input.value = spec.date ? toInput(value, spec.date) : (value ?? '');
  }
  return el('div', { class: 'form-group' }, el('label', { for: id, text: spec.label }), input);
}

/** A repeating part's heading and form: its items, then "Add" and "Save" buttons. */
function partForm(part) {
  const spec = PARTS[part];
  return [
    el('h2', { id: `${part}-heading`, text: spec.heading }),
    el('form', { id: `${part}-form`, novalidate: true, 'aria-labelledby': `${part}-heading` },
      el('div', { id: `${part}-items` }),
      el('div', { class: 'button-row' },
        el('button', { type: 'button', class: 'button secondary', id: `${part}-add`, text: spec.add }),
        el('button', { type: 'submit', class: 'button', text: spec.save }))),
  ];
}

function renderPart(part) {
  const spec = PARTS[part];
  const box = byId(`${part}-items`);
  if (items[part].length === 0) {
    box.replaceChildren(el('p', { text: `None yet.` }));
    return;
  }
  box.replaceChildren(...items[part].map((item, i) => {
    const remove = el('button', { type: 'button', class: 'button secondary' },
      'Remove', el('span', { class: 'visually-hidden', text: ` ${spec.noun.toLowerCase()} ${i + 1}` }));
    remove.addEventListener('click', () => {
      readPart(part);
      items[part].splice(i, 1);
      renderPart(part);
      announce(`${spec.noun} ${i + 1} removed: save to keep the change.`);
    });
    return el('fieldset', { class: 'repeat-item' },
      el('legend', { text: `${spec.noun} ${i + 1}` }),
      spec.fields.map((f) => field(part, i, f, item[f.key])),
      remove);
  }));
}

/** The items as the form holds them now, with the kept fields from the loaded items. */
function readPart(part) {
  const spec = PARTS[part];
  items[part] = items[part].map((item, i) => {
    const out = {};
    for (const key of spec.keep) if (item[key] !== undefined) out[key] = item[key];
    for (const f of spec.fields) {
      const input = byId(`${part}-${i}-${f.key}`);
      if (!input) continue;
      const value = f.date ? fromInput(input.value, f.date) : input.value.trim();
      if (value !== null && value !== '') out[f.key] = value;
      else if (f.required) out[f.key] = '';
    }
    return out;
  });
  return items[part];
}

function renderContact(details) {
  const known = new Set(CONTACT_FIELDS.map(([key]) => key));
  const extra = Object.keys(details).filter((key) => !known.has(key)).map((key) => [key, key, 'text']);
  byId('contact-fields').replaceChildren(...[...CONTACT_FIELDS, ...extra].map(([key, label, type]) => {
    const id = `contact_details-${key}`;
    const input = el('input', { id, name: key, type, autocomplete: 'off' });
    input.value = details[key] ?? '';
    return el('div', { class: 'form-group' }, el('label', { for: id, text: label }), input);
  }));
}

async function save(form, url, body, order, what) {
  try {
    await requestJson(url, { method: 'PUT', body, csrf: user.csrf_token });
    clearFormErrors(form);
    announce(`${what} saved.`);
  } catch (error) {
    if (error.status === 401) {
      location.assign(signInPage({ next: '/team' }));
      return;
    }
    showFormErrors(form, error.body?.fields, error.message, order);
  }
}

function wire() {
  byId('contact-form').addEventListener('submit', (event) => {
    event.preventDefault();
    const body = {};
    for (const input of byId('contact-fields').querySelectorAll('input')) {
      if (input.value.trim() !== '') body[input.name] = input.value.trim();
    }
    save(event.target, `${base}/contact_details`, body, CONTACT_FIELDS.map(([k]) => `contact_details.${k}`), 'Contact details');
  });
  for (const part of Object.keys(PARTS)) {
    byId(`${part}-add`).addEventListener('click', () => {
      readPart(part);
      items[part].push({ ...PARTS[part].blank });
      renderPart(part);
      byId(`${part}-${items[part].length - 1}-${PARTS[part].fields[0].key}`).focus();
    });
    byId(`${part}-form`).addEventListener('submit', (event) => {
      event.preventDefault();
      const body = readPart(part);
      const order = body.flatMap((_, i) => PARTS[part].fields.map((f) => `${part}[${i}].${f.key}`));
      save(event.target, `${base}/${part}`, body, order, PARTS[part].heading);
    });
  }
}

async function main() {
  user = await requireSignedIn('/team');
  if (!user) return;
  const params = new URLSearchParams(location.search);
  let force = user.scope?.force;
  let id = user.scope?.neighbourhood;
  if (user.role === 'admin') {
    force = params.get('force');
    id = params.get('id');
  }
  if (user.role === 'coordinator') {
    showPageProblem('This page is for neighbourhood policing teams. Your messages are in your inbox at /inbox.');
    return;
  }
  if (!force || !id) {
    showPageProblem('Name the neighbourhood to edit: /team?force=FORCE&id=NEIGHBOURHOOD.');
    return;
  }
  base = `/api/${encodeURIComponent(force)}/${encodeURIComponent(id)}`;
  try {
    const form = formFields(await requestJson('/api/team-fields'));
    CONTACT_FIELDS = form.contact;
    Object.assign(PARTS, form.parts);
    const [hood, people, priorities, events] = await Promise.all(
      ['', '/people', '/priorities', '/events'].map((part) => requestJson(`${base}${part}`)));
    items = { people, priorities, events };
    byId('team-title').textContent = `Edit ${hood.name ?? id}`;
    document.title = `Edit ${hood.name ?? id} - crimemap`;
    byId('public-page').href = neighbourhoodPage(force, id);
    renderContact(hood.contact_details ?? {});
    byId('parts').replaceChildren(...Object.keys(PARTS).flatMap(partForm));
    for (const part of Object.keys(PARTS)) renderPart(part);
  } catch (error) {
    showPageProblem(error.message);
    return;
  }
  wire();
  byId('loading').remove();
  byId('editor').hidden = false;
}

main();
