// The Neighbourhood Watch finder (/watch?postcode= or ?lat=&lng=): the
// schemes covering the place, then the nearest ones.

import { byId, clearFormErrors, el, requestJson, showFormErrors, startPage } from './site.js';
import { schemePage } from './page-urls.js';
import { formatDistance, schemeStatusText } from './text.js';

startPage();

const form = byId('find');

function showResults(schemes, where) {
  const section = byId('results-section');
  section.hidden = false;
  byId('results-heading').textContent = `Schemes near ${where}`;
  if (!schemes.length) {
    byId('results').replaceChildren(el('li', { text: 'There are no schemes near here yet.' }));
  } else {
    byId('results').replaceChildren(...schemes.map((s) => el('li', {},
      el('h3', {}, el('a', { href: schemePage(s.id), text: s.name })),
      el('p', { class: 'meta', text: [s.covers ? 'Covers this place' : `${formatDistance(s.distance_m)} away`, schemeStatusText(s.status)].join(' · ') }))));
  }
  document.title = `Schemes near ${where} - crimemap`;
  byId('results-heading').focus();
}

async function find(query, where) {
  try {
    showResults(await requestJson(`/api/watch/schemes?${query}`), where);
  } catch (error) {
    const message = error.status === 404 || error.status === 400
      ? `We could not find the postcode ${where}: check it and try again`
      : `The search did not work: ${error.message}`;
    showFormErrors(form, { postcode: message }, message, ['postcode']);
  }
}

form.addEventListener('submit', (event) => {
  if (byId('postcode').value.trim() === '') {
    event.preventDefault();
    showFormErrors(form, { postcode: 'Enter a postcode' }, 'Enter a postcode', ['postcode']);
  } else {
    clearFormErrors(form);
  }
});

const params = new URLSearchParams(location.search);
const postcode = params.get('postcode')?.trim();
const lat = Number(params.get('lat'));
const lng = Number(params.get('lng'));
if (postcode) {
  byId('postcode').value = postcode;
  find(`postcode=${encodeURIComponent(postcode)}`, postcode.toUpperCase());
} else if (params.has('lat') && params.has('lng') && Number.isFinite(lat) && Number.isFinite(lng)) {
  find(`lat=${lat}&lng=${lng}`, 'the place you chose');
}
