// The crime map: the server's three tile layers on a MapLibre GL map, with
// search, filters kept in the URL, a list of the crimes at a clicked location,
// links to the list view and the neighbourhood pages, and keyboard controls.
// Uses the MapLibre GL global that /vendor/maplibre-gl/maplibre-gl.js defines
// (loaded with `defer` before this module, so it runs first).

import { openMapTilesStyle } from './basemap-style.js';
import { buildStyle, CATEGORY_GROUPS, COLOURS, LAYERS, withBasemap } from './map-style.js';
import {
  crimesTileJsonUrl, describeFilter, describeLaggingForce, describeLocationList, filterCanMatch, laggingForcesAt, monthLabel,
  readCrimesMetadata,
} from './crime-filters.js';
import {
  crimesHoverText, describeCrimes, describeNeighbourhood, describeWatchScheme,
} from './feature-rows.js';
import { filterFromParams, listUrl, monthsInRange, pageQuery, zoomForResult } from './map-url.js';
import { crimesWithOutcomes } from './outcome-groups.js';
import { byId, el, requestJson, startPage } from './site.js';
import { formatDate } from './text.js';

startPage();

/** The server's TileJSON endpoints, one per source. */
const TILEJSON = Object.freeze({
  crimes: '/tiles/crimes.json',
  neighbourhoods: '/tiles/neighbourhoods.json',
  watch: '/tiles/watch.json',
});

/** The licence notice the data needs; the TileJSONs are expected to carry it too. */
const ATTRIBUTION = 'Contains data from data.police.uk, Open Government Licence v3.0';

/** Where the map opens when the crimes TileJSON gives no bounds: England and Wales. */
const FALLBACK_BOUNDS = [-6.4, 49.8, 1.9, 55.9];

/** Filter changes within this many milliseconds make one request, not one each. */
const FILTER_DELAY_MS = 250;

/** How far one press of a pan button moves the map, in pixels. */
const PAN_STEP = 150;

const state = {
  map: null,
  metadata: null,
  filter: null,
  query: '',          // the place searched for, kept in the URL
  location: null,     // the location whose crimes are listed: {id, street}
  areaForce: null,    // the force of the neighbourhood at the map's centre, when known
};

function setStatus(text) {
  byId('status').textContent = text;
}

/** Shows a problem in the page (not only the console) until dismissed or replaced. */
function showMessage(text) {
  byId('message-text').textContent = text;
  byId('message').hidden = false;
}

byId('message-close').addEventListener('click', () => { byId('message').hidden = true; });

/**
 * Fetches and reads the crimes TileJSON.
 * @throws {Error} with a message fit for the page
 */
async function fetchCrimesMetadata() {
  try {
    return readCrimesMetadata(await requestJson(TILEJSON.crimes));
  } catch (error) {
    throw new Error(`${TILEJSON.crimes} could not be loaded: ${error.message}`);
  }
}

/**
 * The basemap style, or null: /config.json names an operator's style (a URL elsewhere, or
 * our own /basemap/style.json over our archive) or our own basemap archive's TileJSON (drawn
 * with the built-in style); see the README.
 */
async function fetchBasemapStyle() {
  try {
    const config = await requestJson('/config.json');
    const url = config?.basemap_style;
    if (typeof url === 'string' && url !== '') return await requestJson(url);
    if (typeof config?.basemap_tiles === 'string') {
      return openMapTilesStyle({ origin: location.origin, tileJsonUrl: config.basemap_tiles });
    }
    return null;
  } catch (error) {
    if (error.status !== 404) showMessage(`The basemap could not be loaded (${error.message}); the map is shown without it.`);
    return null;
  }
}

/** Room around the opening bounds, so that the panel does not hide the data. */
function openingPadding() {
  const panel = byId('panel').getBoundingClientRect();
  const besidePanel = window.innerWidth - panel.right > panel.width;
  return { top: 24, right: 24, bottom: 24, left: besidePanel ? panel.right + 24 : 24 };
}

/** Buttons that pan the map, for people who do not drag (WCAG 2.5.7). */
class PanControl {
  onAdd(map) {
    const button = (label, symbol, dx, dy) => {
      const b = el('button', { type: 'button', class: 'pan-button', title: label, 'aria-label': label },
        el('span', { 'aria-hidden': 'true', text: symbol }));
      b.addEventListener('click', () => map.panBy([dx, dy]));
      return b;
    };
    this.container = el('div', { class: 'maplibregl-ctrl maplibregl-ctrl-group pan-control' },
      button('Pan north', '↑', 0, -PAN_STEP), button('Pan west', '←', -PAN_STEP, 0),
      button('Pan east', '→', PAN_STEP, 0), button('Pan south', '↓', 0, PAN_STEP));
    return this.container;
  }

  onRemove() {
    this.container.remove();
  }
}

function createMap(metadata, basemap) {
  let style = buildStyle({
    neighbourhoodsUrl: TILEJSON.neighbourhoods,
    watchUrl: TILEJSON.watch,
    crimesUrl: metadata ? crimesTileJsonUrl(TILEJSON.crimes, state.filter, metadata) : null,
    categories: metadata?.categories ?? [],
  });
  if (basemap) style = withBasemap(basemap, style);
  const map = new maplibregl.Map({
    container: 'map',
    style,
    // Used only when the URL hash does not name a place (#zoom/lat/lng).
    bounds: metadata?.bounds ?? FALLBACK_BOUNDS,
    fitBoundsOptions: { padding: openingPadding() },
    hash: true,
    attributionControl: {
      compact: false,
      customAttribution: metadata?.attribution?.includes('Open Government Licence') ? undefined : ATTRIBUTION,
    },
    // A flat map: crime locations are read from above.
    dragRotate: false,
    pitchWithRotate: false,
    touchPitch: false,
    maxZoom: 19,
  });
  map.touchZoomRotate.disableRotation();
  map.keyboard.disableRotation();
  map.addControl(new maplibregl.NavigationControl({ showCompass: false }), 'top-right');
  map.addControl(new PanControl(), 'top-right');
  map.addControl(new maplibregl.ScaleControl({ unit: 'metric' }), 'bottom-right');
  map.on('error', (event) => {
    const error = event.error;
    if (!error || error.name === 'AbortError') return;
    console.error(error);
    const where = event.sourceId ? `the ${event.sourceId} layer` : 'the map';
    showMessage(`Could not load ${where}: ${error.message}`);
  });
  return map;
}

function setLayersVisible(map, layerIds, visible) {
  for (const id of layerIds) {
    if (map.getLayer(id)) map.setLayoutProperty(id, 'visibility', visible ? 'visible' : 'none');
  }
}

function wireLayerToggles(map) {
  const toggles = [
    [byId('show-neighbourhoods'), LAYERS.neighbourhoods],
    [byId('show-watch'), LAYERS.watch],
  ];
  for (const [checkbox, layerIds] of toggles) {
    setLayersVisible(map, layerIds, checkbox.checked);
    checkbox.addEventListener('change', () => setLayersVisible(map, layerIds, checkbox.checked));
  }
}

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
function updatePageUrl() {
  if (!state.metadata) return;
  const query = pageQuery(state.filter, state.metadata, state.query);
  const url = `${location.pathname}${query ? `?${query}` : ''}${location.hash}`;
  history.replaceState(history.state, '', url);
}

/** The list view's link follows the map's view and filter. */
function updateListLink() {
  const { map, metadata, filter } = state;
  if (!map || !metadata || !filter) return;
  const b = map.getBounds();
  byId('list-link').href = listUrl(filter, metadata, [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()]);
}

/** Fills the filter panel and re-points the crimes source on change. */
function wireFilters(map, metadata) {
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
    // A location's list follows the filter as the map does.
    if (state.location && !byId('location').hidden) showLocation(state.location.id, state.location.street, false);
    if (!canMatch) {
      setStatus('No crimes shown: check at least one category and one outcome.');
      return;
    }
    const url = crimesTileJsonUrl(TILEJSON.crimes, filter, metadata);
    const source = map.getSource('crimes');
    if (source.url !== url) source.setUrl(url);
    setStatus(`Showing ${describeFilter(filter, metadata)}`);
    updateLag();
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

function legendSwatch(kind, colour) {
  const swatch = el('span', { class: `swatch swatch-${kind}`, 'aria-hidden': 'true' });
  swatch.style.setProperty('--colour', colour);
  return swatch;
}

function legendItem(kind, colour, text) {
  return el('li', {}, legendSwatch(kind, colour), text);
}

function buildLegend(detailZoom) {
  const groups = el('ul', {}, CATEGORY_GROUPS.map((group) => legendItem('circle', group.colour, group.name)));
  const locations = el('li', {}, `From zoom ${detailZoom}, one circle per map location, coloured by its most common crime (the list of a location names every category):`, groups);
  byId('legend-items').replaceChildren(
    legendItem('cluster', COLOURS.cluster, 'Crimes in an area (zoomed out); the bigger the circle, the more crimes'),
    locations,
    legendItem('area', COLOURS.neighbourhoodLine, 'Neighbourhood (solid outline)'),
    legendItem('watch-area', COLOURS.watch, 'Neighbourhood Watch scheme area (dashed outline)'),
    legendItem('circle', COLOURS.watch, 'Neighbourhood Watch scheme'),
  );
}

// ---- Crimes at one location ----

const categoryName = (slug) => state.metadata?.categories.find((c) => c.slug === slug)?.name ?? slug;

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
async function showLocation(locationId, street, moveFocus) {
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
  const months = monthsInRange(metadata.months, filter.from, filter.to);
  try {
    const answers = await Promise.all(months.map((month) => requestJson(
      `/api/crimes-at-location?location_id=${encodeURIComponent(locationId)}&date=${month}`).catch((error) => {
      if (error.status === 404) return [];
      throw error;
    })));
    if (ticket !== locationRequest) return;
    const wanted = new Set(filter.categories);
    const inCategories = answers.flat().filter((c) => wanted.has(c.category));
    const crimes = crimesWithOutcomes(inCategories, metadata.outcomes, filter.outcomes);
    crimes.sort((a, b) => (b.month ?? '').localeCompare(a.month ?? '') || categoryName(a.category).localeCompare(categoryName(b.category)));
    byId('location-summary').textContent = describeLocationList(crimes.length, inCategories.length - crimes.length, filter, metadata);
    byId('location-crimes').replaceChildren(...crimes.map(crimeItem));
  } catch (error) {
    if (ticket === locationRequest) byId('location-summary').textContent = `The crimes here could not be loaded: ${error.message}`;
  }
}

byId('location-close').addEventListener('click', () => {
  byId('location').hidden = true;
  state.location = null;
  byId('map').querySelector('canvas')?.focus();
});

/** Buttons for the busiest locations on screen: the keyboard's way to a location's crimes. */
function updateInView() {
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
  const seen = new Map();
  for (const feature of map.queryRenderedFeatures({ layers: ['crimes-location'] })) {
    const id = feature.properties.location_id;
    if (!seen.has(id)) seen.set(id, feature.properties);
  }
  const busiest = [...seen.values()].sort((a, b) => b.count - a.count || a.location_id - b.location_id).slice(0, 12);
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

// ---- Forces that have not published the chosen months ----

/**
 * Says when the force at the map's centre has published nothing for the
 * filter's months (forces publish at different times), with a button that
 * shows its latest month.
 */
function updateLag() {
  const { map, metadata, filter } = state;
  const box = byId('lag');
  if (!map || !metadata || !filter) return;
  const lagging = laggingForcesAt(metadata, filter, map.getCenter(), state.areaForce);
  const signature = lagging.map((f) => f.id).join(',') + `|${filter.from}|${filter.to}`;
  if (box.dataset.signature === signature) return;
  box.dataset.signature = signature;
  box.hidden = lagging.length === 0;
  box.replaceChildren(...lagging.map((force) => {
    const show = el('button', { type: 'button', class: 'small-button', text: `Show ${monthLabel(force.lastMonth)}` });
    show.addEventListener('click', () => {
      byId('month-from').value = force.lastMonth;
      byId('month-to').value = force.lastMonth;
      byId('crime-filters').dispatchEvent(new Event('change'));
    });
    return el('p', {}, `${describeLaggingForce(force, filter)} `, show);
  }));
}

// ---- The neighbourhood at the centre of the map ----

let areaRequest = 0;
async function updateArea() {
  const { map } = state;
  const box = byId('area');
  if (!map || map.getZoom() < 11) {
    box.replaceChildren();
    state.areaForce = null;
    updateLag();
    return;
  }
  const centre = map.getCenter();
  const ticket = ++areaRequest;
  try {
    const found = await requestJson(`/api/locate-neighbourhood?q=${centre.lat.toFixed(6)},${centre.lng.toFixed(6)}`);
    const hood = await requestJson(`/api/${encodeURIComponent(found.force)}/${encodeURIComponent(found.neighbourhood)}`);
    if (ticket !== areaRequest) return;
    state.areaForce = found.force;
    updateLag();
    box.replaceChildren(el('p', {}, 'At the centre of the map: ',
      el('a', { href: `/neighbourhood?force=${encodeURIComponent(found.force)}&id=${encodeURIComponent(found.neighbourhood)}`, text: hood.name ?? found.neighbourhood }),
      ' (neighbourhood team, contacts and crime summary) · ',
      el('a', { href: `/watch?lat=${centre.lat.toFixed(5)}&lng=${centre.lng.toFixed(5)}`, text: 'Neighbourhood Watch near here' })));
  } catch {
    if (ticket === areaRequest) {
      box.replaceChildren();
      state.areaForce = null;
      updateLag();
    }
  }
}

// ---- Search ----

function showSearchResults(results) {
  const box = byId('search-result');
  const [first] = results;
  const items = [el('p', { text: `Showing ${first.label}.` })];
  if (first.neighbourhood) {
    items.push(el('p', {}, 'Neighbourhood: ',
      el('a', { href: `/neighbourhood?force=${encodeURIComponent(first.force)}&id=${encodeURIComponent(first.neighbourhood)}`, text: first.neighbourhood_name ?? first.neighbourhood })));
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

function moveTo(result) {
  state.map.jumpTo({ center: [result.longitude, result.latitude], zoom: zoomForResult(result) });
}

async function search(q) {
  const box = byId('search-result');
  box.replaceChildren(el('p', { text: 'Searching…' }));
  try {
    const results = await requestJson(`/api/search?q=${encodeURIComponent(q)}`);
    if (!Array.isArray(results) || results.length === 0) {
      box.replaceChildren(el('p', { class: 'search-error', text: `No place called “${q}” was found. Try a postcode, a town or a street name.` }));
      return false;
    }
    moveTo(results[0]);
    showSearchResults(results);
    return true;
  } catch (error) {
    const text = error.status === 404 ? `${error.message}. Check the postcode, or search for a town or street.` : `The search did not work: ${error.message}`;
    box.replaceChildren(el('p', { class: 'search-error', text }));
    return false;
  }
}

function wireSearch() {
  byId('search').addEventListener('submit', async (event) => {
    event.preventDefault();
    const q = byId('search-q').value.trim();
    if (!q) return;
    state.query = q;
    updatePageUrl();
    await search(q);
  });
}

// ---- Popups ----

function popupContent(summaries) {
  const container = el('div', { class: 'feature-popup' });
  for (const { heading, title, rows, action } of summaries) {
    container.append(el('section', {},
      el('h3', { text: heading }),
      el('p', { class: 'feature-title', text: title }),
      el('dl', {}, rows.flatMap(([label, value]) => [el('dt', { text: label }), el('dd', { text: value })])),
      action ?? null));
  }
  return container;
}

/** Click: the crimes at a location in the panel; a popup for clusters, neighbourhoods and schemes. */
function wirePopups(map) {
  const categories = state.metadata?.categories ?? [];
  const present = (ids) => ids.filter((id) => map.getLayer(id));
  const clickable = [...LAYERS.crimes, ...LAYERS.watch, 'neighbourhoods-fill'];
  let clickPopup = null;
  const hoverPopup = new maplibregl.Popup({
    closeButton: false, closeOnClick: false, className: 'hover-popup', offset: 12,
  });
  const describe = {
    crimes: (feature) => {
      const summary = describeCrimes(feature.properties, categories);
      if (feature.properties.kind !== 'location') {
        const zoom = el('button', { type: 'button', class: 'small-button', text: 'Zoom in here' });
        zoom.addEventListener('click', () => {
          clickPopup?.remove();
          map.easeTo({ center: feature.geometry.coordinates, zoom: Math.min(map.getZoom() + 3, state.metadata.detailZoom + 0.5) });
        });
        summary.action = zoom;
      }
      return summary;
    },
    watch: (feature) => ({
      ...describeWatchScheme(feature.properties),
      action: el('a', { href: `/scheme?id=${encodeURIComponent(feature.properties.id)}`, text: 'About this scheme, and how to join' }),
    }),
    neighbourhoods: (feature) => ({
      ...describeNeighbourhood(feature.properties),
      action: el('a', {
        href: `/neighbourhood?force=${encodeURIComponent(feature.properties.force)}&id=${encodeURIComponent(feature.properties.id)}`,
        text: 'About this neighbourhood',
      }),
    }),
  };

  map.on('click', (event) => {
    hoverPopup.remove();
    const features = map.queryRenderedFeatures(event.point, { layers: present(clickable) });
    const location = features.find((f) => f.source === 'crimes' && f.properties.kind === 'location');
    clickPopup?.remove();
    clickPopup = null;
    if (location) {
      showLocation(location.properties.location_id, location.properties.street, false);
      return;
    }
    const seen = new Set();
    const summaries = [];
    for (const feature of features) {
      if (seen.has(feature.source)) continue;
      seen.add(feature.source);
      summaries.push(describe[feature.source](feature));
    }
    if (summaries.length === 0) return;
    clickPopup = new maplibregl.Popup({ maxWidth: '320px' })
      .setLngLat(event.lngLat).setDOMContent(popupContent(summaries)).addTo(map);
  });

  for (const id of present([...LAYERS.crimes, 'watch-fill', 'watch-point'])) {
    map.on('mouseenter', id, () => { map.getCanvas().style.cursor = 'pointer'; });
    map.on('mouseleave', id, () => { map.getCanvas().style.cursor = ''; });
  }
  for (const id of present(LAYERS.crimes)) {
    map.on('mousemove', id, (event) => {
      const feature = event.features?.[0];
      if (!feature) return;
      hoverPopup.setLngLat(event.lngLat).setText(crimesHoverText(feature.properties));
      if (!hoverPopup.isOpen()) hoverPopup.addTo(map);
    });
    map.on('mouseleave', id, () => hoverPopup.remove());
  }
}

async function main() {
  // On a phone the panel is above the map (style.css): folded boxes keep the map near the top.
  if (window.matchMedia('(max-width: 600px)').matches) {
    byId('filters-box').open = false;
    byId('in-view-box').open = false;
  }
  wireSearch();
  if (typeof maplibregl === 'undefined') {
    setStatus('The map could not start.');
    showMessage('The map library did not load from /vendor/maplibre-gl/maplibre-gl.js.');
    return;
  }
  const params = new URLSearchParams(location.search);
  const [metadataResult, basemap] = await Promise.all([
    fetchCrimesMetadata().then((m) => ({ metadata: m }), (error) => ({ error })),
    fetchBasemapStyle(),
  ]);
  const { metadata } = metadataResult;
  if (metadataResult.error) {
    setStatus('Crimes are not shown.');
    showMessage(`Crimes are not shown: ${metadataResult.error.message}.`);
  }
  state.metadata = metadata ?? null;
  if (metadata) state.filter = filterFromParams(params, metadata);
  state.query = params.get('q')?.trim() ?? '';
  byId('search-q').value = state.query;
  buildLegend(metadata?.detailZoom ?? 14);

  let map;
  try {
    map = createMap(metadata, basemap);
  } catch (error) {
    setStatus('The map could not start.');
    showMessage(`The map could not start: ${error.message}. It needs a browser with WebGL; the list view works without it.`);
    return;
  }
  state.map = map;
  // A place searched for opens the map there, unless the hash names a place.
  if (state.query && !/^#\d/.test(location.hash)) search(state.query);
  map.once('style.load', () => {
    wireLayerToggles(map);
    if (metadata) wireFilters(map, metadata);
    wirePopups(map);
  });
  let pendingMove = 0;
  map.on('moveend', () => {
    updateListLink();
    updateLag();
    clearTimeout(pendingMove);
    pendingMove = setTimeout(updateArea, 400);
  });
  map.on('idle', updateInView);
  map.once('load', () => { updateListLink(); updateArea(); });
  // For tests and the console: the running map.
  window.crimemapPreview = map;
}

main();
