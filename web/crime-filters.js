// The crimes filter: the query string the crimes TileJSON and its tiles take,
// and how to describe a filter to a person. Pure functions, no DOM.

/**
 * @typedef {object} CrimeFilter
 * @property {string} from first month, "YYYY-MM"
 * @property {string} to last month, "YYYY-MM", not before `from`
 * @property {string[]} categories checked category slugs
 * @property {string[]} outcomes checked outcome group slugs
 */

/**
 * @typedef {object} CrimesMetadata the parts of /tiles/crimes.json the filter uses
 * @property {string[]} months every month in the data, ascending
 * @property {{slug: string, name: string}[]} categories
 * @property {{slug: string, name: string, labels?: string[]}[]} outcomes outcome groups, each
 *   with the data.police.uk outcome labels in it (see outcome-groups.js)
 */

function sameSet(chosen, all) {
  const wanted = new Set(chosen);
  return wanted.size === all.length && all.every((item) => wanted.has(item.slug));
}

/**
 * The query string for a filter, without the leading "?"; empty when the
 * filter is the server's default (latest month, every category, every
 * outcome), so the default view shares its cache entries with a bare URL.
 * A list that names every choice is left out, since that is no filter.
 * Slugs keep their commas unescaped, as the server's contract writes them.
 * @param {CrimeFilter} filter
 * @param {CrimesMetadata} metadata
 * @returns {string}
 */
export function crimesQuery(filter, metadata) {
  const latest = metadata.months[metadata.months.length - 1];
  const parts = [];
  if (filter.from !== latest || filter.to !== latest) {
    parts.push(`from=${encodeURIComponent(filter.from)}`, `to=${encodeURIComponent(filter.to)}`);
  }
  if (!sameSet(filter.categories, metadata.categories)) {
    parts.push(`category=${filter.categories.map(encodeURIComponent).join(',')}`);
  }
  if (!sameSet(filter.outcomes, metadata.outcomes)) {
    parts.push(`outcome=${filter.outcomes.map(encodeURIComponent).join(',')}`);
  }
  return parts.join('&');
}

/**
 * The TileJSON URL for a filter: `base` with the filter's query, if any.
 * @param {string} base the TileJSON path, e.g. "/tiles/crimes.json"
 * @param {CrimeFilter} filter
 * @param {CrimesMetadata} metadata
 */
export function crimesTileJsonUrl(base, filter, metadata) {
  const query = crimesQuery(filter, metadata);
  return query === '' ? base : `${base}?${query}`;
}

/** The filter the page opens with: the latest month, everything checked. */
export function defaultFilter(metadata) {
  const latest = metadata.months[metadata.months.length - 1] ?? '';
  return {
    from: latest,
    to: latest,
    categories: metadata.categories.map((c) => c.slug),
    outcomes: metadata.outcomes.map((o) => o.slug),
  };
}

/**
 * Whether a filter can match anything: with no category or no outcome group
 * checked it cannot, and the page shows no crimes rather than asking.
 */
export function filterCanMatch(filter) {
  return filter.categories.length > 0 && filter.outcomes.length > 0;
}

const MONTH_NAMES = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** "2024-09" → "Sep 2024"; anything else is returned unchanged. */
export function monthLabel(month) {
  const match = /^(\d{4})-(\d{2})$/.exec(month);
  const index = match ? Number(match[2]) - 1 : -1;
  return index >= 0 && index < 12 ? `${MONTH_NAMES[index]} ${match[1]}` : month;
}

/**
 * One line saying what a filter shows, e.g.
 * "Jan 2024 – Sep 2024 · 2 of 14 categories · all outcomes".
 * @param {CrimeFilter} filter
 * @param {CrimesMetadata} metadata
 */
export function describeFilter(filter, metadata) {
  const period = filter.from === filter.to
    ? monthLabel(filter.from)
    : `${monthLabel(filter.from)} – ${monthLabel(filter.to)}`;
  const part = (chosen, all, noun, plural) => {
    if (chosen.length === all.length) return `all ${plural}`;
    if (chosen.length === 0) return `no ${plural}`;
    return `${chosen.length} of ${all.length} ${all.length === 1 ? noun : plural}`;
  };
  return [
    period,
    part(filter.categories, metadata.categories, 'category', 'categories'),
    part(filter.outcomes, metadata.outcomes, 'outcome', 'outcomes'),
  ].join(' · ');
}

/**
 * The summary above a location's list of crimes, saying which filters
 * narrowed it, e.g. "2 crimes in Sep 2024, with the checked outcomes
 * (1 more here has another outcome)."
 * @param {number} shown crimes listed
 * @param {number} hidden crimes of the period and checked categories that the
 *   outcome filter left out
 * @param {CrimeFilter} filter
 * @param {CrimesMetadata} metadata
 */
export function describeLocationList(shown, hidden, filter, metadata) {
  const period = filter.from === filter.to ? monthLabel(filter.from) : `${monthLabel(filter.from)} to ${monthLabel(filter.to)}`;
  let text = `${shown} ${shown === 1 ? 'crime' : 'crimes'} in ${period}`;
  if (filter.categories.length < metadata.categories.length) text += ', in the checked categories';
  if (filter.outcomes.length < metadata.outcomes.length) {
    text += ', with the checked outcomes';
    if (hidden > 0) text += ` (${hidden} more here ${hidden === 1 ? 'has' : 'have'} another outcome)`;
  }
  return `${text}.`;
}

function isLonLat(lon, lat) {
  return Number.isFinite(lon) && Number.isFinite(lat) && Math.abs(lon) <= 180 && Math.abs(lat) <= 90;
}

/**
 * A TileJSON `bounds` value as [west, south, east, north] in WGS84 degrees,
 * or null when it is missing or not a box with west < east and south < north.
 */
export function validBounds(bounds) {
  if (!Array.isArray(bounds) || bounds.length !== 4) return null;
  const [west, south, east, north] = bounds;
  if (!isLonLat(west, south) || !isLonLat(east, north)) return null;
  return west < east && south < north ? [west, south, east, north] : null;
}

/** Items with a slug, each with its name (the slug if none) and its `labels` when it lists them. */
function slugNameList(value) {
  if (!Array.isArray(value)) return [];
  return value
    .filter((item) => item && typeof item.slug === 'string' && item.slug !== '')
    .map((item) => {
      const out = { slug: item.slug, name: typeof item.name === 'string' ? item.name : item.slug };
      if (Array.isArray(item.labels)) out.labels = item.labels.filter((label) => typeof label === 'string' && label !== '');
      return out;
    });
}

/**
 * The parts of the crimes TileJSON the page uses, with anything malformed
 * dropped rather than trusted: months that are not "YYYY-MM" strings
 * (the rest are sorted, oldest first),
 * categories or outcomes without a slug, outcome labels that are not text,
 * a bounds box that is not one.
 * @param {unknown} tileJson the parsed body of /tiles/crimes.json
 * @returns {CrimesMetadata & {bounds: number[]|null, detailZoom: number, attribution: string|null,
 *   tiles: string[]|null, minzoom: number|undefined, maxzoom: number|undefined}}
 */
export function readCrimesMetadata(tileJson) {
  const json = tileJson && typeof tileJson === 'object' ? tileJson : {};
  const months = Array.isArray(json.months)
    ? json.months.filter((m) => typeof m === 'string' && /^\d{4}-\d{2}$/.test(m)).sort()
    : [];
  return {
    months,
    categories: slugNameList(json.categories),
    outcomes: slugNameList(json.outcomes),
    bounds: validBounds(json.bounds),
    detailZoom: Number.isInteger(json.detail_zoom) ? json.detail_zoom : 14,
    attribution: typeof json.attribution === 'string' && json.attribution.trim() !== '' ? json.attribution : null,
    tiles: Array.isArray(json.tiles) && json.tiles.length > 0 && json.tiles.every((t) => typeof t === 'string')
      ? json.tiles : null,
    minzoom: Number.isInteger(json.minzoom) ? json.minzoom : undefined,
    maxzoom: Number.isInteger(json.maxzoom) ? json.maxzoom : undefined,
    forces: Array.isArray(json.forces)
      ? json.forces.filter((f) => f && typeof f.id === 'string' && /^\d{4}-\d{2}$/.test(f.last_month ?? ''))
        .map((f) => ({
          id: f.id, name: typeof f.name === 'string' && f.name !== '' ? f.name : f.id, lastMonth: f.last_month, bounds: validBounds(f.bounds),
        }))
      : [],
  };
}

/**
 * The forces "here" that published nothing for the filter's months because
 * their newest month is earlier (forces publish at different times; the API's
 * default month is the newest of any force). Here is `forceId` when the
 * neighbourhood at the map's centre is known, else every force whose box of
 * crimes holds the centre.
 * @param {{lng: number, lat: number}} centre the map's centre, WGS84 degrees
 * @param {string|null} forceId the force of the neighbourhood at the centre, or null
 * @returns {{id: string, name: string, lastMonth: string}[]}
 */
export function laggingForcesAt(metadata, filter, centre, forceId) {
  if (!filter?.from) return [];
  const inBox = (b) => b && centre.lng >= b[0] && centre.lng <= b[2] && centre.lat >= b[1] && centre.lat <= b[3];
  return (metadata.forces ?? [])
    .filter((f) => (forceId ? f.id === forceId : inBox(f.bounds)) && f.lastMonth < filter.from);
}

/** What the map says about a lagging force (laggingForcesAt), and the month it offers. */
export function describeLaggingForce(force, filter) {
  const period = filter.from === filter.to ? monthLabel(filter.from) : `${monthLabel(filter.from)} to ${monthLabel(filter.to)}`;
  return `No data is published here for ${period}; the latest for this force (${force.name}) is ${monthLabel(force.lastMonth)}.`;
}
