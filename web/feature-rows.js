// What a popup says about a clicked or hovered feature, as a title and
// label/value rows. Pure functions, no DOM: the page turns the rows into text
// nodes, so nothing from a tile is ever parsed as HTML.

/**
 * @typedef {object} FeatureSummary
 * @property {string} heading which layer, e.g. "Neighbourhood"
 * @property {string} title the feature's own name
 * @property {[string, string][]} rows label and value pairs, in display order
 */

const CRIME_PROPERTIES = new Set(['count', 'kind', 'location_id', 'street']);

function plural(n, one, many) {
  return `${n} ${n === 1 ? one : many}`;
}

/** "violent-crime" → "Violent crime", for a slug the server did not name. */
function nameFromSlug(slug) {
  const words = slug.replace(/[-_]+/g, ' ').trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/**
 * A crimes feature: a single map location (zoomed in) or a cluster of many.
 * Per-category counts are listed largest first, named from `categories`;
 * any other numeric property is taken to be a category the page does not
 * know by name and is listed under a name made from its slug.
 * @param {Record<string, unknown>} properties the tile feature's properties
 * @param {{slug: string, name: string}[]} categories from the crimes TileJSON
 * @returns {FeatureSummary}
 */
export function describeCrimes(properties, categories) {
  const names = new Map(categories.map((c) => [c.slug, c.name]));
  const count = Number(properties.count ?? 0);
  const isLocation = properties.kind === 'location';
  const title = isLocation
    ? String(properties.street ?? 'Map location')
    : 'Several map locations';
  const rows = [['Crimes', String(count)]];
  if (isLocation && properties.location_id !== undefined) {
    rows.push(['Location id', String(properties.location_id)]);
  }
  const byCategory = Object.entries(properties)
    .filter(([key, value]) => !CRIME_PROPERTIES.has(key) && typeof value === 'number' && value > 0)
    .sort(([keyA, a], [keyB, b]) => b - a || keyA.localeCompare(keyB));
  for (const [slug, n] of byCategory) {
    rows.push([names.get(slug) ?? nameFromSlug(slug), String(n)]);
  }
  return { heading: 'Crimes', title, rows };
}

/** One-line hover text for a crimes feature, e.g. "12 crimes". */
export function crimesHoverText(properties) {
  const count = Number(properties.count ?? 0);
  const what = plural(count, 'crime', 'crimes');
  return properties.kind === 'location' && properties.street
    ? `${what} · ${properties.street}`
    : what;
}

/** The rows of the properties present, `[key, label]` in display order, each value as text. */
function presentRows(properties, labels) {
  return labels.filter(([key]) => properties[key] !== undefined).map(([key, label]) => [label, String(properties[key])]);
}

/** @returns {FeatureSummary} */
export function describeNeighbourhood(properties) {
  return {
    heading: 'Neighbourhood',
    title: String(properties.name ?? properties.id ?? 'Unnamed neighbourhood'),
    rows: presentRows(properties, [['force', 'Force'], ['id', 'Neighbourhood id']]),
  };
}

/** @returns {FeatureSummary} */
export function describeWatchScheme(properties) {
  return {
    heading: 'Neighbourhood Watch scheme',
    title: String(properties.name ?? 'Unnamed scheme'),
    rows: presentRows(properties, [['status', 'Status'], ['id', 'Scheme id']]),
  };
}
