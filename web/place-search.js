// The search box: /api/search moves the map to the first result, lists the others and links
// the result's neighbourhood page; a postcode that is not known is said so.

import { zoomForResult } from './map-url.js';
import { state } from './map-state.js';
import { neighbourhoodPage } from './page-urls.js';
import { byId, el, requestJson } from './site.js';

/** The request for a place. */
export const searchUrl = (q) => `/api/search?q=${encodeURIComponent(q)}`;

/** What the page says when a search fails: a postcode not known (404), or another problem. */
export function searchErrorText(error) {
  return error.status === 404 ? `${error.message}. Check the postcode, or search for a town or street.` : `The search did not work: ${error.message}`;
}

function moveTo(result) {
  state.map.jumpTo({ center: [result.longitude, result.latitude], zoom: zoomForResult(result) });
}

function showSearchResults(results) {
  const box = byId('search-result');
  const [first] = results;
  const items = [el('p', { text: `Showing ${first.label}.` })];
  if (first.neighbourhood) {
    items.push(el('p', {}, 'Neighbourhood: ',
      el('a', { href: neighbourhoodPage(first.force, first.neighbourhood), text: first.neighbourhood_name ?? first.neighbourhood })));
  }
  if (results.length > 1) {
    items.push(el('details', {}, el('summary', { text: `Other places (${results.length - 1})` }),
      el('ul', { class: 'result-list' }, results.slice(1).map((result) => {
        const button = el('button', { type: 'button', class: 'link-like', text: result.label });
        button.addEventListener('click', () => {
          moveTo(result);
          showSearchResults([result, ...results.filter((r) => r !== result)]);
        });
        return el('li', {}, button);
      }))));
  }
  box.replaceChildren(...items);
}

/** Searches for `q` and moves the map to the first place found; false when none was. */
export async function search(q) {
  const box = byId('search-result');
  box.replaceChildren(el('p', { text: 'Searching…' }));
  try {
    const results = await requestJson(searchUrl(q));
    if (!Array.isArray(results) || results.length === 0) {
      box.replaceChildren(el('p', { class: 'search-error', text: `No place called “${q}” was found. Try a postcode, a town or a street name.` }));
      return false;
    }
    moveTo(results[0]);
    showSearchResults(results);
    return true;
  } catch (error) {
    box.replaceChildren(el('p', { class: 'search-error', text: searchErrorText(error) }));
    return false;
  }
}

/**
 * The search form: the place searched for is kept in the page's URL.
 * @param {() => void} onQuery called when the query changes (to update the URL)
 */
export function wireSearch(onQuery) {
  byId('search').addEventListener('submit', async (event) => {
    event.preventDefault();
    const q = byId('search-q').value.trim();
    if (!q) return;
    state.query = q;
    onQuery();
    await search(q);
  });
}
