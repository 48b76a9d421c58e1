// The addresses of the site's pages, written in one place: every link a script makes to a
// page of ours comes from here (the list view's, with its filter, from map-url.js). Pure
// functions, no DOM.

const enc = encodeURIComponent;
const five = (degrees) => Number(degrees).toFixed(5);

/** A neighbourhood's page: /neighbourhood?force=&id=. */
export const neighbourhoodPage = (force, id) => `/neighbourhood?force=${enc(force)}&id=${enc(id)}`;

/** A Watch scheme's page (its join / message form): /scheme?id=. */
export const schemePage = (id) => `/scheme?id=${enc(id)}`;

/** The page that deletes a Watch message with its link (`delete_url`, from the message's 201). */
export const messageDeletePage = (deleteUrl) => `/scheme?delete=${enc(deleteUrl)}`;

/** The Watch finder at a point (WGS84 degrees, five decimals: about a metre). */
export const watchNear = (lat, lng) => `/watch?lat=${five(lat)}&lng=${five(lng)}`;

/** The crime map at a place: MapLibre's hash, #zoom/lat/lng. */
export const mapAt = (zoom, lat, lng) => `/#${zoom}/${five(lat)}/${five(lng)}`;

/**
 * The sign-in page, with what it is told in its query: `next` (the path to come back to),
 * `signed_out` or `password_set` (a note to show: the page asks only whether the parameter is
 * there; an empty value writes the name alone).
 * @param {Record<string, string>} [query]
 */
export function signInPage(query = {}) {
  const params = Object.entries(query).map(([name, value]) => (value === '' ? enc(name) : `${enc(name)}=${enc(value)}`));
  return params.length ? `/signin?${params.join('&')}` : '/signin';
}

/** Where a signed-in account works: a coordinator's inbox, else the team editor. */
export const accountPage = (user) => (user?.role === 'coordinator' ? '/inbox' : '/team');
