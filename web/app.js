// The crime map's entry point: starts the page and puts the modules together. The map
// (map-view.js), the filter panel (filter-panel.js), a location's crimes (location-panel.js),
// the neighbourhood at the centre (map-centre.js), search (place-search.js) and popups
// (popups.js) share the page's state through map-state.js. MapLibre GL is the global that
// /vendor/maplibre-gl/maplibre-gl.js defines (loaded with `defer` before this module, so it
// runs first).

import { filterFromParams } from './map-url.js';
import {
  setStatus, showMessage, state, TILEJSON,
} from './map-state.js';
import {
  buildLegend, createMap, fetchBasemapStyle, fetchCrimesMetadata, fetchTileJson, wireLayerToggles,
} from './map-view.js';
import { updateListLink, updatePageUrl, wireFilters } from './filter-panel.js';
import { refreshLocation, updateInView, wireLocationPanel } from './location-panel.js';
import { updateArea, updateLag } from './map-centre.js';
import { search, wireSearch } from './place-search.js';
import { wirePopups } from './popups.js';
import { byId, startPage } from './site.js';

/** After the map stops moving, this long before the neighbourhood at its centre is asked for. */
const AREA_DELAY_MS = 400;

async function main() {
  startPage();
  byId('message-close').addEventListener('click', () => { byId('message').hidden = true; });
  wireLocationPanel();
  // On a phone the panel is above the map (style.css): folded boxes keep the map near the top.
  // They are folded in the page as sent, so a phone's first paint is already its last; wider
  // screens open them.
  if (!window.matchMedia('(max-width: 600px)').matches) {
    byId('filters-box').open = true;
    byId('in-view-box').open = true;
  }
  wireSearch(updatePageUrl);
  if (typeof maplibregl === 'undefined') {
    setStatus('The map could not start.');
    showMessage('The map library did not load from /vendor/maplibre-gl/maplibre-gl.js.');
    return;
  }
  const params = new URLSearchParams(location.search);
  // Every source's TileJSON at once, before the map starts: the style names their tiles, so
  // MapLibre asks for the first view's tiles as soon as it draws its first frame.
  const [metadataResult, basemap, neighbourhoods, watch] = await Promise.all([
    fetchCrimesMetadata().then((m) => ({ metadata: m }), (error) => ({ error })),
    fetchBasemapStyle(),
    fetchTileJson(TILEJSON.neighbourhoods),
    fetchTileJson(TILEJSON.watch),
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
    map = createMap(metadata, basemap, { neighbourhoods, watch });
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
    // A location's list and the lag notice follow the filter as the map does.
    if (metadata) wireFilters(map, metadata, () => { refreshLocation(); updateLag(); });
    wirePopups(map);
  });
  let pendingMove = 0;
  map.on('moveend', () => {
    updateListLink();
    updateLag();
    clearTimeout(pendingMove);
    pendingMove = setTimeout(updateArea, AREA_DELAY_MS);
  });
  map.on('idle', updateInView);
  map.once('load', () => { updateListLink(); updateArea(); });
  // For tests and the console: the running map.
  window.crimemapPreview = map;
}

main();
