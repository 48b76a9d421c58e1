// The MapLibre map itself: the basemap, the map with its controls, the layer toggles and the
// legend. Uses the MapLibre GL global that /vendor/maplibre-gl/maplibre-gl.js defines.

import { openMapTilesStyle } from './basemap-style.js';
import { crimesQuery, readCrimesMetadata, crimesTileJsonUrl } from './crime-filters.js';
import {
  buildStyle, CATEGORY_GROUPS, COLOURS, LAYERS, vectorSource, withBasemap,
} from './map-style.js';
import { showMessage, state, TILEJSON } from './map-state.js';
import { byId, el, requestJson } from './site.js';

/** The licence notice the data needs; the TileJSONs are expected to carry it too. */
export const ATTRIBUTION = 'Contains data from data.police.uk, Open Government Licence v3.0';

/** Where the map opens when the crimes TileJSON gives no bounds: England and Wales. */
export const FALLBACK_BOUNDS = [-6.4, 49.8, 1.9, 55.9];

/** How far one press of a pan button moves the map, in pixels. */
export const PAN_STEP = 150;

/**
 * Fetches and reads the crimes TileJSON.
 * @throws {Error} with a message fit for the page
 */
export async function fetchCrimesMetadata() {
  try {
    return readCrimesMetadata(await requestJson(TILEJSON.crimes));
  } catch (error) {
    throw new Error(`${TILEJSON.crimes} could not be loaded: ${error.message}`);
  }
}

/**
 * A TileJSON for the style's sources (see vectorSource), or its URL when it could not be
 * had: MapLibre then asks for it itself and reports what went wrong as a map error.
 */
export async function fetchTileJson(url) {
  try {
    const tileJson = await requestJson(url);
    return Array.isArray(tileJson?.tiles) ? tileJson : url;
  } catch {
    return url;
  }
}

/**
 * The crimes source for a filter: the crimes TileJSON's tile URLs with the filter's query
 * (as the server writes them in a filtered TileJSON), or the filtered TileJSON's URL when
 * the TileJSON named no tiles.
 */
export function crimesSource(metadata, filter) {
  if (!metadata.tiles) return crimesTileJsonUrl(TILEJSON.crimes, filter, metadata);
  return vectorSource(metadata, crimesQuery(filter, metadata));
}

/**
 * The basemap style, or null: /config.json names an operator's style (a URL elsewhere, or
 * our own /basemap/style.json over our archive) or our own basemap archive's TileJSON (drawn
 * with the built-in style); see the README.
 */
export async function fetchBasemapStyle() {
  try {
    const config = await requestJson('/config.json');
    const url = config?.basemap_style;
    if (typeof url === 'string' && url !== '') return await requestJson(url);
    if (typeof config?.basemap_tiles === 'string') {
      const tileJson = await fetchTileJson(config.basemap_tiles);
      const style = openMapTilesStyle({
        origin: location.origin,
        tileJsonUrl: config.basemap_tiles,
        tileJson: typeof tileJson === 'object' ? tileJson : undefined,
      });
      builtInStyles.add(style);
      return style;
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
export class PanControl {
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

/** Whether the page must add the licence notice itself: the TileJSON's attribution lacks it. */
/**
 * Whether MapLibre need not validate the style: it is all ours (our layers, alone or over the
 * built-in basemap style), which tests/web/preview.test.mjs validates with MapLibre's own
 * validator; an operator's style (from /config.json's basemap_style) is validated as it loads.
 * Validation is a long task on a phone's first load.
 */
export const styleIsOurs = (basemap) => !basemap || builtInStyles.has(basemap);

/** The basemap styles fetchBasemapStyle built itself (openMapTilesStyle). */
const builtInStyles = new WeakSet();

export const needsAttribution = (metadata) => !metadata?.attribution?.includes('Open Government Licence');

/**
 * The map on #map: our layers (over the basemap, if any), its controls and its error reporting.
 * @param {object|null} metadata the crimes TileJSON as readCrimesMetadata reads it
 * @param {object|null} basemap the basemap style
 * @param {{neighbourhoods?: object|string, watch?: object|string}} [tileJsons] the other
 *   sources' TileJSONs (fetchTileJson); a missing one is fetched by MapLibre
 */
export function createMap(metadata, basemap, tileJsons = {}) {
  let style = buildStyle({
    neighbourhoods: vectorSource(tileJsons.neighbourhoods ?? TILEJSON.neighbourhoods),
    watch: vectorSource(tileJsons.watch ?? TILEJSON.watch),
    crimes: metadata ? crimesSource(metadata, state.filter) : null,
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
      customAttribution: needsAttribution(metadata) ? ATTRIBUTION : undefined,
    },
    // A flat map: crime locations are read from above.
    dragRotate: false,
    pitchWithRotate: false,
    touchPitch: false,
    maxZoom: 19,
    validateStyle: !styleIsOurs(basemap),
    // Labels appear at once rather than fading in: a fade is a dozen more frames to draw.
    fadeDuration: 0,
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

export function setLayersVisible(map, layerIds, visible) {
  for (const id of layerIds) {
    if (map.getLayer(id)) map.setLayoutProperty(id, 'visibility', visible ? 'visible' : 'none');
  }
}

export function wireLayerToggles(map) {
  const toggles = [
    [byId('show-neighbourhoods'), LAYERS.neighbourhoods],
    [byId('show-watch'), LAYERS.watch],
  ];
  for (const [checkbox, layerIds] of toggles) {
    setLayersVisible(map, layerIds, checkbox.checked);
    checkbox.addEventListener('change', () => setLayersVisible(map, layerIds, checkbox.checked));
  }
}

function legendSwatch(kind, colour) {
  const swatch = el('span', { class: `swatch swatch-${kind}`, 'aria-hidden': 'true' });
  swatch.style.setProperty('--colour', colour);
  return swatch;
}

function legendItem(kind, colour, text) {
  return el('li', {}, legendSwatch(kind, colour), text);
}

export function buildLegend(detailZoom) {
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
