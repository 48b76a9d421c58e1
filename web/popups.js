// Clicks and hovers on the map: a crime location's click lists its crimes in the panel; any
// other click opens one popup describing the top feature of each layer under the pointer; a
// hover over crimes shows their count.

import { crimesHoverText, describeCrimes, describeNeighbourhood, describeWatchScheme } from './feature-rows.js';
import { showLocation } from './location-panel.js';
import { LAYERS } from './map-style.js';
import { state } from './map-state.js';
import { neighbourhoodPage, schemePage } from './page-urls.js';
import { el } from './site.js';

/**
 * The features a click describes: the first of each source, in the order given (MapLibre's,
 * topmost first).
 */
export function firstOfEachSource(features) {
  const seen = new Set();
  return features.filter((feature) => {
    if (seen.has(feature.source)) return false;
    seen.add(feature.source);
    return true;
  });
}

/** Where a popup's link leads for a feature of the neighbourhoods or watch layer; null for crimes. */
export function featureLink(feature) {
  if (feature.source === 'watch') return { href: schemePage(feature.properties.id), text: 'About this scheme, and how to join' };
  if (feature.source === 'neighbourhoods') {
    return { href: neighbourhoodPage(feature.properties.force, feature.properties.id), text: 'About this neighbourhood' };
  }
  return null;
}

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
export function wirePopups(map) {
  const categories = state.metadata?.categories ?? [];
  const present = (ids) => ids.filter((id) => map.getLayer(id));
  const clickable = [...LAYERS.crimes, ...LAYERS.watch, 'neighbourhoods-fill'];
  let clickPopup = null;
  const hoverPopup = new maplibregl.Popup({
    closeButton: false, closeOnClick: false, className: 'hover-popup', offset: 12,
  });
  const linked = (summary, feature) => ({ ...summary, action: el('a', featureLink(feature)) });
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
    watch: (feature) => linked(describeWatchScheme(feature.properties), feature),
    neighbourhoods: (feature) => linked(describeNeighbourhood(feature.properties), feature),
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
    const summaries = firstOfEachSource(features).map((feature) => describe[feature.source](feature));
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
