// A location's crimes in the panel: one request for the filter's whole month range
// (/api/location-crimes, docs/api.md), the list with each crime's outcome history on demand,
// and "Crime locations in view", the keyboard's way to a location.

import { describeLocationList, monthLabel } from './crime-filters.js';
import { crimesHoverText } from './feature-rows.js';
import { state } from './map-state.js';
import { crimesWithOutcomes } from './outcome-groups.js';
import { byId, el, requestJson } from './site.js';
import { formatDate } from './text.js';

/** How many of the busiest locations on screen get a button. */
export const IN_VIEW_COUNT = 12;

/** The request for a location's crimes over the filter's months (one, however many months). */
export function locationCrimesUrl(locationId, filter) {
  const params = new URLSearchParams({ location_id: String(locationId), from: filter.from, to: filter.to });
  return `/api/location-crimes?${params}`;
}

const nameOf = (metadata, slug) => metadata?.categories.find((c) => c.slug === slug)?.name ?? slug;

/**
 * What the list shows of a location's crimes: those of the checked categories and outcome
 * groups, newest month first, then by category name; and how many of the checked categories
 * the outcome filter left out.
 * @param {object[]} crimes the API's crimes at the location
 * @returns {{crimes: object[], hidden: number}}
 */
export function crimesForList(crimes, filter, metadata) {
  const wanted = new Set(filter.categories);
  const inCategories = crimes.filter((c) => wanted.has(c.category));
  const shown = crimesWithOutcomes(inCategories, metadata.outcomes, filter.outcomes);
  shown.sort((a, b) => (b.month ?? '').localeCompare(a.month ?? '')
    || nameOf(metadata, a.category).localeCompare(nameOf(metadata, b.category)));
  return { crimes: shown, hidden: inCategories.length - shown.length };
}

/**
 * The busiest locations among rendered features, each once: most crimes first, then by id.
 * @param {{properties: {location_id: number, count: number, street?: string}}[]} features
 */
export function busiestLocations(features, count = IN_VIEW_COUNT) {
  const seen = new Map();
  for (const feature of features) {
    const id = feature.properties.location_id;
    if (!seen.has(id)) seen.set(id, feature.properties);
  }
  return [...seen.values()].sort((a, b) => b.count - a.count || a.location_id - b.location_id).slice(0, count);
}

const categoryName = (slug) => nameOf(state.metadata, slug);

async function showOutcomeHistory(button, persistentId, box) {
  button.disabled = true;
  box.replaceChildren(el('p', { text: 'Loading the outcome history…' }));
  try {
    const history = await requestJson(`/api/outcomes-for-crime/${encodeURIComponent(persistentId)}`);
    const outcomes = history?.outcomes ?? [];
    box.replaceChildren(outcomes.length
      ? el('ol', { class: 'outcome-history' }, outcomes.map((o) => el('li', {},
        el('span', { class: 'meta', text: `${formatDate(o.date)}: ` }), o.category?.name ?? o.category?.code ?? '')))
      : el('p', { text: 'No outcomes have been recorded for this crime.' }));
    button.remove();
  } catch (error) {
    box.replaceChildren(el('p', { text: error.status === 404 ? 'No outcome history is published for this crime.' : `The outcome history could not be loaded: ${error.message}` }));
    button.disabled = false;
  }
}

function crimeItem(crime) {
  const outcome = crime.outcome_status?.category ?? 'No outcome recorded';
  const history = el('div', { class: 'history' });
  const item = el('li', {},
    el('p', { class: 'crime-category', text: categoryName(crime.category) }),
    el('p', { class: 'meta', text: `${monthLabel(crime.month)} · ${crime.location?.street?.name ?? ''}` }),
    el('p', {}, 'Outcome: ', el('span', { text: outcome })));
  if (crime.persistent_id) {
    const button = el('button', { type: 'button', class: 'small-button', 'aria-expanded': 'false' },
      'Outcome history', el('span', { class: 'visually-hidden', text: ` of this ${categoryName(crime.category).toLowerCase()}` }));
    button.addEventListener('click', () => {
      button.setAttribute('aria-expanded', 'true');
      showOutcomeHistory(button, crime.persistent_id, history);
    });
    item.append(button);
  }
  item.append(history);
  return item;
}

let locationRequest = 0;

/**
 * Lists the crimes at a map location for the filter's period, categories and
 * outcome groups. A newer call wins: an answer that arrives late is dropped.
 * @param {number} locationId the location's id (the tile feature's location_id)
 * @param {string} street for the heading until the crimes arrive
 * @param {boolean} moveFocus true when a keyboard or button started it
 */
export async function showLocation(locationId, street, moveFocus) {
  const { metadata, filter } = state;
  if (!metadata || !filter) return;
  const ticket = ++locationRequest;
  state.location = { id: locationId, street };
  const section = byId('location');
  // The same location again (the filter changed): the old list stays until the new one is in.
  const reopened = !section.hidden && section.dataset.locationId === String(locationId);
  section.hidden = false;
  section.dataset.locationId = String(locationId);
  byId('location-heading').textContent = `Crimes ${street ? street.replace(/^On or near /i, 'on or near ') : 'here'}`;
  byId('location-summary').textContent = 'Loading…';
  if (!reopened) byId('location-crimes').replaceChildren();
  if (moveFocus) byId('location-heading').focus();
  else if (!reopened) section.scrollIntoView({ block: 'nearest' });
  try {
    const answer = await requestJson(locationCrimesUrl(locationId, filter)).catch((error) => {
      if (error.status === 404) return [];
      throw error;
    });
    if (ticket !== locationRequest) return;
    const { crimes, hidden } = crimesForList(answer ?? [], filter, metadata);
    byId('location-summary').textContent = describeLocationList(crimes.length, hidden, filter, metadata);
    byId('location-crimes').replaceChildren(...crimes.map(crimeItem));
  } catch (error) {
    if (ticket === locationRequest) byId('location-summary').textContent = `The crimes here could not be loaded: ${error.message}`;
  }
}

/** The open location's list again, for a changed filter. */
export function refreshLocation() {
  if (state.location && !byId('location').hidden) showLocation(state.location.id, state.location.street, false);
}

/** The panel's close button. */
export function wireLocationPanel() {
  byId('location-close').addEventListener('click', () => {
    byId('location').hidden = true;
    state.location = null;
    byId('map').querySelector('canvas')?.focus();
  });
}

/** Buttons for the busiest locations on screen: the keyboard's way to a location's crimes. */
export function updateInView() {
  const { map, metadata } = state;
  const box = byId('in-view');
  if (!map || !metadata) return;
  if (map.getZoom() < metadata.detailZoom) {
    const zoomIn = el('button', { type: 'button', class: 'small-button', text: 'Zoom in' });
    zoomIn.addEventListener('click', () => map.zoomTo(metadata.detailZoom + 0.5));
    box.replaceChildren(el('p', { text: `Zoom in to zoom ${metadata.detailZoom} to list single locations. ` }), zoomIn);
    box.dataset.signature = '';
    return;
  }
  if (!map.getLayer('crimes-location')) return;
  const busiest = busiestLocations(map.queryRenderedFeatures({ layers: ['crimes-location'] }));
  // Idle comes after every render: rebuild only when the list changes, so
  // that keyboard focus in it is not lost.
  const signature = busiest.map((p) => `${p.location_id}:${p.count}`).join(',');
  if (signature === box.dataset.signature) return;
  box.dataset.signature = signature;
  if (busiest.length === 0) {
    box.replaceChildren(el('p', { text: 'No crime locations match in this view.' }));
    return;
  }
  box.replaceChildren(el('ul', { class: 'in-view-list' }, busiest.map((p) => {
    const button = el('button', { type: 'button', class: 'link-like', 'data-location-id': p.location_id },
      `${p.street ?? 'Map location'}: ${crimesHoverText({ count: p.count })}`);
    button.addEventListener('click', () => showLocation(p.location_id, p.street, true));
    return el('li', {}, button);
  })));
}
