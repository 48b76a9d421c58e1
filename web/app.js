// The web preview: a full-window map of the server's three tile layers with a
// filter panel. Uses the MapLibre GL global that /vendor/maplibre-gl/maplibre-gl.js
// defines (loaded with `defer` before this module, so it runs first).

import { buildStyle, CATEGORY_GROUPS, COLOURS, LAYERS } from './map-style.js';
import {
  crimesTileJsonUrl, defaultFilter, describeFilter, filterCanMatch, monthLabel, readCrimesMetadata,
} from './crime-filters.js';
import {
  crimesHoverText, describeCrimes, describeNeighbourhood, describeWatchScheme,
} from './feature-rows.js';

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

const byId = (id) => document.getElementById(id);

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
 * @throws {Error} with a message fit for the page when the server cannot be
 *   reached, answers with an error, or does not answer JSON
 */
async function fetchCrimesMetadata() {
  let response;
  try {
    response = await fetch(TILEJSON.crimes, { headers: { Accept: 'application/json' } });
  } catch (error) {
    throw new Error(`the server could not be reached for ${TILEJSON.crimes} (${error.message})`);
  }
  const body = await response.text();
  let json = null;
  try { json = JSON.parse(body); } catch { /* reported below */ }
  if (!response.ok) {
    // The server's errors are JSON: {"error": ..., "message": ...}.
    const reason = json?.message ?? json?.error ?? response.statusText;
    throw new Error(`${TILEJSON.crimes} answered HTTP ${response.status}${reason ? ` (${reason})` : ''}`);
  }
  if (json === null) throw new Error(`${TILEJSON.crimes} did not answer JSON`);
  return readCrimesMetadata(json);
}

/** Room around the opening bounds, so that the panel does not hide the data. */
function openingPadding() {
  const panel = byId('panel').getBoundingClientRect();
  const besidePanel = window.innerWidth - panel.right > panel.width;
  return { top: 24, right: 24, bottom: 24, left: besidePanel ? panel.right + 24 : 24 };
}

function createMap(metadata) {
  const style = buildStyle({
    neighbourhoodsUrl: TILEJSON.neighbourhoods,
    watchUrl: TILEJSON.watch,
    crimesUrl: metadata ? crimesTileJsonUrl(TILEJSON.crimes, defaultFilter(metadata), metadata) : null,
    categories: metadata?.categories ?? [],
  });
  const map = new maplibregl.Map({
    container: 'map',
    style,
    // Used only when the URL hash does not name a place (#zoom/lat/lng).
    bounds: metadata?.bounds ?? FALLBACK_BOUNDS,
    fitBoundsOptions: { padding: openingPadding() },
    hash: true,
    attributionControl: {
      compact: false,
      // Our own copy only when the crimes TileJSON's does not already name
      // the licence, so that the notice shows once, but always shows.
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
    // The browser may have restored a checkbox's state on reload: apply it.
    setLayersVisible(map, layerIds, checkbox.checked);
    checkbox.addEventListener('change', () => setLayersVisible(map, layerIds, checkbox.checked));
  }
}

function fillMonths(select, months, selected) {
  select.replaceChildren(...months.map((month) => new Option(monthLabel(month), month, false, month === selected)));
}

function fillChoices(fieldset, items, name) {
  const list = fieldset.querySelector('[data-list]');
  list.replaceChildren(...items.map(({ slug, name: label }) => {
    const input = document.createElement('input');
    input.type = 'checkbox';
    input.name = name;
    input.value = slug;
    input.checked = true;
    const wrapper = document.createElement('label');
    wrapper.append(input, ` ${label}`);
    return wrapper;
  }));
}

function checkedValues(fieldset) {
  return [...fieldset.querySelectorAll('input[type=checkbox]:checked')].map((input) => input.value);
}

/** Fills the filter panel from the crimes TileJSON and re-points the crimes source on change. */
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
  const initial = defaultFilter(metadata);
  fillMonths(from, metadata.months, initial.from);
  fillMonths(to, metadata.months, initial.to);
  fillChoices(categories, metadata.categories, 'category');
  fillChoices(outcomes, metadata.outcomes, 'outcome');

  const readFilter = () => ({
    from: from.value,
    to: to.value,
    categories: checkedValues(categories),
    outcomes: checkedValues(outcomes),
  });

  const apply = () => {
    const filter = readFilter();
    const canMatch = filterCanMatch(filter);
    setLayersVisible(map, LAYERS.crimes, canMatch);
    if (!canMatch) {
      setStatus('No crimes shown: check at least one category and one outcome.');
      return;
    }
    const url = crimesTileJsonUrl(TILEJSON.crimes, filter, metadata);
    const source = map.getSource('crimes');
    if (source.url !== url) source.setUrl(url);
    setStatus(`Showing ${describeFilter(filter, metadata)}`);
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
  const swatch = document.createElement('span');
  swatch.className = `swatch swatch-${kind}`;
  swatch.style.setProperty('--colour', colour);
  swatch.setAttribute('aria-hidden', 'true');
  return swatch;
}

function legendItem(kind, colour, text) {
  const item = document.createElement('li');
  item.append(legendSwatch(kind, colour), text);
  return item;
}

function buildLegend(detailZoom) {
  const groups = document.createElement('ul');
  groups.append(...CATEGORY_GROUPS.map((group) => legendItem('circle', group.colour, group.name)));
  const locations = document.createElement('li');
  locations.append(`From zoom ${detailZoom}, one circle per map location, coloured by its most common crime:`, groups);
  byId('legend-items').replaceChildren(
    legendItem('cluster', COLOURS.cluster, `Crimes in an area (zoomed out); the bigger the circle, the more crimes`),
    locations,
    legendItem('area', COLOURS.neighbourhoodLine, 'Neighbourhood'),
    legendItem('watch-area', COLOURS.watch, 'Neighbourhood Watch scheme area'),
    legendItem('circle', COLOURS.watch, 'Neighbourhood Watch scheme'),
  );
}

function popupContent(summaries) {
  const container = document.createElement('div');
  container.className = 'feature-popup';
  for (const { heading, title, rows } of summaries) {
    const section = document.createElement('section');
    const headingElement = document.createElement('h3');
    headingElement.textContent = heading;
    const titleElement = document.createElement('p');
    titleElement.className = 'feature-title';
    titleElement.textContent = title;
    const list = document.createElement('dl');
    for (const [label, value] of rows) {
      const term = document.createElement('dt');
      term.textContent = label;
      const detail = document.createElement('dd');
      detail.textContent = value;
      list.append(term, detail);
    }
    section.append(headingElement, titleElement, list);
    container.append(section);
  }
  return container;
}

/** Click: a popup describing the top feature of each source under the pointer. Hover: crime counts. */
function wirePopups(map, categories) {
  // Querying or listening on a layer the style lacks (the crimes, when their
  // TileJSON failed) would report an error at every click or pointer move.
  const present = (ids) => ids.filter((id) => map.getLayer(id));
  const clickable = [...LAYERS.crimes, ...LAYERS.watch, 'neighbourhoods-fill'];
  const describe = {
    crimes: (properties) => describeCrimes(properties, categories),
    watch: describeWatchScheme,
    neighbourhoods: describeNeighbourhood,
  };
  // A new popup per click: reusing one would let its own close-on-click
  // listener, run for the same click, close it again at once.
  let clickPopup = null;
  const hoverPopup = new maplibregl.Popup({
    closeButton: false, closeOnClick: false, className: 'hover-popup', offset: 12,
  });

  map.on('click', (event) => {
    hoverPopup.remove();
    const features = map.queryRenderedFeatures(event.point, { layers: present(clickable) });
    const seen = new Set();
    const summaries = [];
    for (const feature of features) {
      if (seen.has(feature.source)) continue;
      seen.add(feature.source);
      summaries.push(describe[feature.source](feature.properties));
    }
    clickPopup?.remove();
    clickPopup = null;
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
  // On a phone the panels would cover the map: start them folded.
  if (window.matchMedia('(max-width: 600px)').matches) {
    byId('panel').open = false;
    byId('legend').open = false;
  }
  if (typeof maplibregl === 'undefined') {
    setStatus('The map could not start.');
    showMessage('The map library did not load from /vendor/maplibre-gl/maplibre-gl.js.');
    return;
  }
  let metadata = null;
  try {
    metadata = await fetchCrimesMetadata();
  } catch (error) {
    setStatus('Crimes are not shown.');
    showMessage(`Crimes are not shown: ${error.message}.`);
  }
  buildLegend(metadata?.detailZoom ?? 14);

  let map;
  try {
    map = createMap(metadata);
  } catch (error) {
    setStatus('The map could not start.');
    showMessage(`The map could not start: ${error.message}. It needs a browser with WebGL.`);
    return;
  }
  // Layout changes need a loaded style; style.load comes before any tile.
  map.once('style.load', () => {
    wireLayerToggles(map);
    if (metadata) wireFilters(map, metadata);
    wirePopups(map, metadata?.categories ?? []);
  });
  // For tests and the console: the running map.
  window.crimemapPreview = map;
}

main();
