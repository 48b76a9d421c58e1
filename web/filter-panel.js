// The filter panel: month range, categories and outcome groups as native controls; a change
// re-points the crimes source (setTiles) a quarter of a second after the last one, and the page's
// URL and list-view link follow the filter.

import { describeFilter, filterCanMatch, monthLabel } from './crime-filters.js';
import { LAYERS } from './map-style.js';
import { listUrl, pageQuery } from './map-url.js';
import { setStatus, state } from './map-state.js';
import { crimesSource, setLayersVisible } from './map-view.js';
import { byId, el } from './site.js';

/** Filter changes within this many milliseconds make one request, not one each. */
export const FILTER_DELAY_MS = 250;

function fillMonths(select, months, selected) {
  select.replaceChildren(...months.map((month) => new Option(monthLabel(month), month, false, month === selected)));
}

function fillChoices(fieldset, items, name, checked) {
  const list = fieldset.querySelector('[data-list]');
  list.replaceChildren(...items.map(({ slug, name: label }) => {
    const input = el('input', { type: 'checkbox', name, value: slug });
    input.checked = checked.includes(slug);
    return el('label', {}, input, el('span', { text: label }));
  }));
}

function checkedValues(fieldset) {
  return [...fieldset.querySelectorAll('input[type=checkbox]:checked')].map((input) => input.value);
}

/** Puts the filter and the searched place in the address bar, keeping the hash. */
export function updatePageUrl() {
  if (!state.metadata) return;
  const query = pageQuery(state.filter, state.metadata, state.query);
  const url = `${location.pathname}${query ? `?${query}` : ''}${location.hash}`;
  history.replaceState(history.state, '', url);
}

/** The list view's link follows the map's view and filter. */
export function updateListLink() {
  const { map, metadata, filter } = state;
  if (!map || !metadata || !filter) return;
  const b = map.getBounds();
  byId('list-link').href = listUrl(filter, metadata, [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()]);
}

/**
 * Fills the filter panel and re-points the crimes source on change.
 * @param {() => void} onChange called after each change is applied (the location's list and
 *   the lag notice follow the filter)
 */
export function wireFilters(map, metadata, onChange) {
  const from = byId('month-from');
  const to = byId('month-to');
  const categories = byId('categories');
  const outcomes = byId('outcomes');

  if (metadata.months.length === 0) {
    setStatus('No crimes have been imported yet.');
    setLayersVisible(map, LAYERS.crimes, false);
    return;
  }
  const initial = state.filter;
  fillMonths(from, metadata.months, initial.from);
  fillMonths(to, metadata.months, initial.to);
  fillChoices(categories, metadata.categories, 'category', initial.categories);
  fillChoices(outcomes, metadata.outcomes, 'outcome', initial.outcomes);

  const apply = () => {
    const filter = {
      from: from.value, to: to.value, categories: checkedValues(categories), outcomes: checkedValues(outcomes),
    };
    state.filter = filter;
    updatePageUrl();
    updateListLink();
    const canMatch = filterCanMatch(filter);
    setLayersVisible(map, LAYERS.crimes, canMatch);
    if (!canMatch) {
      setStatus('No crimes shown: check at least one category and one outcome.');
      onChange();
      return;
    }
    const wanted = crimesSource(metadata, filter);
    const source = map.getSource('crimes');
    if (typeof wanted === 'string') {
      if (source.url !== wanted) source.setUrl(wanted);
    } else if (source.tiles?.[0] !== wanted.tiles[0]) {
      source.setTiles(wanted.tiles);
    }
    setStatus(`Showing ${describeFilter(filter, metadata)}`);
    onChange();
  };

  let pending = 0;
  const applySoon = () => {
    clearTimeout(pending);
    pending = setTimeout(apply, FILTER_DELAY_MS);
  };

  // Keep the range in order: moving one end past the other moves both.
  from.addEventListener('change', () => { if (from.value > to.value) to.value = from.value; });
  to.addEventListener('change', () => { if (to.value < from.value) from.value = to.value; });
  byId('crime-filters').addEventListener('change', applySoon);
  for (const fieldset of [categories, outcomes]) {
    fieldset.querySelector('.choice-actions').addEventListener('click', (event) => {
      const button = event.target.closest('button[data-set]');
      if (!button) return;
      for (const input of fieldset.querySelectorAll('input[type=checkbox]')) {
        input.checked = button.dataset.set === 'all';
      }
      applySoon();
    });
  }

  byId('crime-filters').disabled = false;
  apply();
}
