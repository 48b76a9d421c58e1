// What the panel says about the map's centre: the neighbourhood there (one request,
// /api/neighbourhood-at, docs/api.md) with links to its page and to Watch schemes, and a note
// when the force there has not published the chosen months.

import { describeLaggingForce, laggingForcesAt, monthLabel } from './crime-filters.js';
import { state } from './map-state.js';
import { neighbourhoodPage, watchNear } from './page-urls.js';
import { byId, el, requestJson } from './site.js';

/** From this zoom on, the panel names the neighbourhood at the centre. */
export const AREA_ZOOM = 11;

/** The request naming the neighbourhood at a point (WGS84 degrees, six decimals). */
export function neighbourhoodAtUrl(centre) {
  return `/api/neighbourhood-at?lat=${centre.lat.toFixed(6)}&lng=${centre.lng.toFixed(6)}`;
}

/**
 * Says when the force at the map's centre has published nothing for the
 * filter's months (forces publish at different times), with a button that
 * shows its latest month.
 */
export function updateLag() {
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

function clearArea() {
  byId('area').replaceChildren();
  state.areaForce = null;
  updateLag();
}

let areaRequest = 0;

/** Names the neighbourhood at the map's centre (from AREA_ZOOM on); a newer call wins. */
export async function updateArea() {
  const { map } = state;
  if (!map || map.getZoom() < AREA_ZOOM) {
    clearArea();
    return;
  }
  const centre = map.getCenter();
  const ticket = ++areaRequest;
  try {
    const found = await requestJson(neighbourhoodAtUrl(centre));
    if (ticket !== areaRequest) return;
    if (!found?.neighbourhood) {
      clearArea();
      return;
    }
    state.areaForce = found.force;
    updateLag();
    byId('area').replaceChildren(el('p', {}, 'At the centre of the map: ',
      el('a', { href: neighbourhoodPage(found.force, found.neighbourhood), text: found.name ?? found.neighbourhood }),
      ' (neighbourhood team, contacts and crime summary) · ',
      el('a', { href: watchNear(centre.lat, centre.lng), text: 'Neighbourhood Watch near here' })));
  } catch {
    if (ticket === areaRequest) clearArea();
  }
}
