// The MapLibre style of the preview, built in code: a plain background and our
// own three vector sources, with no basemap, sprite or glyphs (so no text
// layers: counts are shown in popups instead). Pure functions, no DOM, so the
// tests can import this module under Node.

/** Layer ids grouped by the toggle or source they belong to. */
export const LAYERS = Object.freeze({
  neighbourhoods: ['neighbourhoods-fill', 'neighbourhoods-line'],
  watch: ['watch-fill', 'watch-line', 'watch-point'],
  crimes: ['crimes-cluster', 'crimes-location'],
});

/** Colours shared by the style and the legend. */
export const COLOURS = Object.freeze({
  background: '#f4f1ea',
  neighbourhoodFill: '#c9d6e3',
  neighbourhoodLine: '#4f6780',
  watch: '#009e73',
  cluster: '#4b4b8f',
  noCategory: '#767676',
});

/**
 * Groups of data.police.uk category slugs that share a colour when a map
 * location is coloured by its most common kind of crime. Fourteen colours
 * would not be told apart on a map; four can be. A slug the server reports
 * that is in no group here counts towards the last group.
 */
export const CATEGORY_GROUPS = Object.freeze([
  {
    id: 'violence',
    name: 'Violence, robbery and public order',
    colour: '#d55e00',
    slugs: ['violent-crime', 'robbery', 'possession-of-weapons', 'public-order'],
  },
  {
    id: 'theft',
    name: 'Burglary, theft and vehicle crime',
    colour: '#0072b2',
    slugs: ['burglary', 'bicycle-theft', 'other-theft', 'shoplifting',
      'theft-from-the-person', 'vehicle-crime'],
  },
  {
    id: 'nuisance',
    name: 'Anti-social behaviour and damage',
    colour: '#cc79a7',
    slugs: ['anti-social-behaviour', 'criminal-damage-arson'],
  },
  {
    id: 'other',
    name: 'Drugs and other crime',
    colour: '#e69f00',
    slugs: ['drugs', 'other-crime'],
  },
]);

/**
 * The slugs of each group, with every category the server lists but no group
 * names added to the last group.
 * @param {{slug: string}[]} categories from the crimes TileJSON
 * @returns {string[][]} one array of slugs per entry of CATEGORY_GROUPS
 */
export function groupSlugs(categories) {
  const groups = CATEGORY_GROUPS.map((group) => [...group.slugs]);
  const known = new Set(groups.flat());
  for (const { slug } of categories) {
    if (!known.has(slug)) groups[groups.length - 1].push(slug);
  }
  return groups;
}

function sumOf(slugs) {
  const terms = slugs.map((slug) => ['to-number', ['get', slug], 0]);
  if (terms.length === 0) return 0;
  if (terms.length === 1) return terms[0];
  return ['+', ...terms];
}

/**
 * A colour expression: the colour of the group with the most crimes at a
 * feature (the first group wins a tie), or grey when the feature carries no
 * per-category counts at all.
 * @param {{slug: string}[]} categories from the crimes TileJSON
 */
export function dominantGroupColour(categories) {
  const groups = groupSlugs(categories);
  const names = groups.map((_, i) => `group${i}`);
  const bindings = groups.flatMap((slugs, i) => [names[i], sumOf(slugs)]);
  const variable = (i) => ['var', names[i]];
  const total = ['+', ...names.map((_, i) => variable(i))];
  const cases = ['case', ['==', total, 0], COLOURS.noCategory];
  for (let i = 0; i < groups.length - 1; i++) {
    const beatsTheRest = ['all', ...names.slice(i + 1).map((_, k) => ['>=', variable(i), variable(i + 1 + k)])];
    cases.push(beatsTheRest, CATEGORY_GROUPS[i].colour);
  }
  cases.push(CATEGORY_GROUPS[groups.length - 1].colour);
  return ['let', ...bindings, cases];
}

const count = ['to-number', ['get', 'count'], 0];

/**
 * Circle radius in pixels growing with the square root of `count`, so that a
 * circle's area, not its width, is proportional to the number of crimes.
 */
function radiusByCount(smallest, largest, largestCount) {
  return ['interpolate', ['linear'], ['sqrt', count],
    1, smallest,
    Math.sqrt(largestCount), largest];
}

/**
 * A vector source for the style from a TileJSON the page already holds: its tile URLs,
 * zooms, bounds and attribution put straight into the style, so that MapLibre asks for no
 * TileJSON of its own (that request would wait until its WebGL context is set up, and the
 * tiles until it is answered). A string is a TileJSON URL that MapLibre fetches itself.
 * @param {object|string} tileJson a TileJSON 3.0.0 document, or its URL
 * @param {string} [query] a query string (no "?") added to each tile URL, as the server
 *   adds a TileJSON's own query to the tile URLs it names
 */
export function vectorSource(tileJson, query = '') {
  if (typeof tileJson === 'string') return { type: 'vector', url: query ? `${tileJson}?${query}` : tileJson };
  const source = { type: 'vector', tiles: tileJson.tiles.map((url) => (query ? `${url}?${query}` : url)) };
  for (const key of ['minzoom', 'maxzoom', 'bounds', 'attribution']) {
    if (tileJson[key] !== undefined && tileJson[key] !== null) source[key] = tileJson[key];
  }
  return source;
}

const isPolygon = ['match', ['geometry-type'], ['Polygon', 'MultiPolygon'], true, false];
const isPoint = ['match', ['geometry-type'], ['Point', 'MultiPoint'], true, false];

/**
 * The whole style.
 * @param {object} options
 * @param {object|string} options.neighbourhoods the neighbourhood boundaries' source: a
 *   vectorSource, or a TileJSON URL
 * @param {object|string} options.watch the Neighbourhood Watch schemes' source, the same
 * @param {object|string|null} options.crimes the crimes' source with its filter (a
 *   vectorSource, or a TileJSON URL with its filter query); null leaves the crimes source
 *   and layers out (no metadata was loaded)
 * @param {{slug: string}[]} options.categories from the crimes TileJSON
 */
export function buildStyle({ neighbourhoods, watch, crimes, categories = [] }) {
  const asSource = (source) => (typeof source === 'string' ? vectorSource(source) : source);
  const sources = { neighbourhoods: asSource(neighbourhoods), watch: asSource(watch) };
  const layers = [
    { id: 'background', type: 'background', paint: { 'background-color': COLOURS.background } },
    {
      id: 'neighbourhoods-fill', type: 'fill', source: 'neighbourhoods', 'source-layer': 'neighbourhoods',
      paint: { 'fill-color': COLOURS.neighbourhoodFill, 'fill-opacity': 0.35 },
    },
    {
      id: 'neighbourhoods-line', type: 'line', source: 'neighbourhoods', 'source-layer': 'neighbourhoods',
      layout: { 'line-join': 'round' },
      paint: {
        'line-color': COLOURS.neighbourhoodLine,
        'line-width': ['interpolate', ['linear'], ['zoom'], 6, 0.4, 14, 1.5],
      },
    },
    {
      id: 'watch-fill', type: 'fill', source: 'watch', 'source-layer': 'watch', filter: isPolygon,
      paint: { 'fill-color': COLOURS.watch, 'fill-opacity': 0.25 },
    },
    {
      id: 'watch-line', type: 'line', source: 'watch', 'source-layer': 'watch', filter: isPolygon,
      paint: { 'line-color': COLOURS.watch, 'line-width': 1.5, 'line-dasharray': [3, 2] },
    },
    {
      id: 'watch-point', type: 'circle', source: 'watch', 'source-layer': 'watch', filter: isPoint,
      paint: {
        'circle-color': COLOURS.watch,
        'circle-radius': 5,
        'circle-stroke-color': '#ffffff',
        'circle-stroke-width': 1.5,
      },
    },
  ];
  if (crimes) {
    sources.crimes = asSource(crimes);
    layers.push(
      {
        id: 'crimes-cluster', type: 'circle', source: 'crimes', 'source-layer': 'crimes',
        filter: ['==', ['get', 'kind'], 'cluster'],
        paint: {
          'circle-color': COLOURS.cluster,
          'circle-opacity': 0.55,
          'circle-radius': radiusByCount(4, 40, 10000),
          'circle-stroke-color': '#ffffff',
          'circle-stroke-width': 1,
        },
      },
      {
        id: 'crimes-location', type: 'circle', source: 'crimes', 'source-layer': 'crimes',
        filter: ['==', ['get', 'kind'], 'location'],
        paint: {
          'circle-color': dominantGroupColour(categories),
          'circle-opacity': 0.85,
          'circle-radius': radiusByCount(4, 12, 100),
          'circle-stroke-color': '#ffffff',
          'circle-stroke-width': 1,
        },
      },
    );
  }
  return { version: 8, name: 'crimemap preview', sources, layers };
}

/**
 * An operator's basemap style with our sources and layers on top: its
 * sources, sprite and glyphs are kept, our background is left out (the
 * basemap draws one) and our neighbourhood fill is lightened so the basemap
 * shows through. An id clash is settled in our favour.
 * @param {object} basemap a MapLibre style document (version 8)
 * @param {object} ours the style buildStyle made
 */
export function withBasemap(basemap, ours) {
  if (!basemap || typeof basemap !== 'object' || !Array.isArray(basemap.layers)) return ours;
  const ourIds = new Set(ours.layers.map((layer) => layer.id));
  const ourSources = new Set(Object.keys(ours.sources));
  const layers = basemap.layers.filter((layer) => !ourIds.has(layer.id) && !ourSources.has(layer.source));
  const sources = Object.fromEntries(Object.entries(basemap.sources ?? {}).filter(([id]) => !ourSources.has(id)));
  const overlay = ours.layers
    .filter((layer) => layer.type !== 'background')
    .map((layer) => (layer.id === 'neighbourhoods-fill'
      ? { ...layer, paint: { ...layer.paint, 'fill-opacity': 0.15 } }
      : layer));
  return {
    ...basemap,
    name: `${basemap.name ?? 'basemap'} + crimemap`,
    sources: { ...sources, ...ours.sources },
    layers: [...layers, ...overlay],
  };
}
