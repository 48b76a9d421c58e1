// The built-in basemap style for an archive in the OpenMapTiles schema
// (`crimemap serve --basemap FILE.mbtiles`): land, water, parks and woods,
// buildings, roads by class with casings, paths, rail, ferries, boundaries, street and place
// names. Muted greys, pale greens and blues, small grey labels, so that the
// crime symbols and their colours stay the strongest thing on the map. Tiles
// and glyphs come from our own origin. Pure functions, no DOM, so the tests
// can import this module under Node.

import { vectorSource } from './map-style.js';

/** The basemap's colours: none as saturated, or as dark, as a crime symbol. */
export const BASEMAP_COLOURS = Object.freeze({
  land: '#f3f1ec',
  residential: '#eeece6',
  park: '#e2eadb',
  wood: '#dde6d5',
  water: '#d3e0e9',
  waterLine: '#bfd2e0',
  building: '#e6e2dc',
  buildingLine: '#d9d4cc',
  boundary: '#b8b0c4',
  roadCasing: '#cfc9bf',
  road: '#ffffff',
  majorRoad: '#fbf7ef',
  rail: '#c9c4bc',
  path: '#bdb5a8',
  ferry: '#a9bfcf',
  label: '#6e6a66',
  placeLabel: '#55524e',
  waterLabel: '#8498a6',
  halo: '#ffffff',
});

/** The fonts the labels ask for: the server draws them from its installed Noto fonts. */
export const BASEMAP_FONTS = Object.freeze({
  regular: ['Noto Sans Regular'],
  bold: ['Noto Sans Bold'],
  italic: ['Noto Sans Italic'],
});

const name = ['coalesce', ['get', 'name'], ['get', 'name:latin'], ['get', 'name_en']];
const byZoom = (...stops) => ['interpolate', ['exponential', 1.5], ['zoom'], ...stops];
const classIn = (...classes) => ['match', ['get', 'class'], classes, true, false];
const notTunnel = ['!=', ['get', 'brunnel'], 'tunnel'];

// Road widths in pixels by zoom, per class group: [zoom, width] pairs.
const ROADS = [
  { id: 'minor', classes: ['minor', 'service', 'track'], minzoom: 12, widths: [12, 0.5, 14, 2.5, 18, 14] },
  { id: 'secondary', classes: ['secondary', 'tertiary'], minzoom: 9, widths: [9, 0.5, 12, 1.5, 14, 4, 18, 20] },
  { id: 'major', classes: ['motorway', 'trunk', 'primary'], minzoom: 5, widths: [5, 0.4, 10, 1.5, 14, 5, 18, 24] },
];

function roadLayers(source) {
  const casings = ROADS.map((road) => ({
    id: `basemap-road-${road.id}-casing`, type: 'line', source, 'source-layer': 'transportation',
    minzoom: Math.max(road.minzoom, 10),
    filter: ['all', classIn(...road.classes), notTunnel],
    layout: { 'line-cap': 'round', 'line-join': 'round' },
    paint: { 'line-color': BASEMAP_COLOURS.roadCasing, 'line-width': byZoom(...road.widths.map((v, i) => (i % 2 ? v + 1.5 : v))) },
  }));
  const fills = ROADS.map((road) => ({
    id: `basemap-road-${road.id}`, type: 'line', source, 'source-layer': 'transportation',
    minzoom: road.minzoom,
    filter: ['all', classIn(...road.classes), notTunnel],
    layout: { 'line-cap': 'round', 'line-join': 'round' },
    paint: {
      'line-color': road.id === 'major' ? BASEMAP_COLOURS.majorRoad : BASEMAP_COLOURS.road,
      'line-width': byZoom(...road.widths),
    },
  }));
  return [...casings, ...fills];
}

// Place names by size, smaller places first (drawn beneath): text sizes as [zoom, size] pairs.
const PLACES = [
  {
    id: 'village', classes: ['village', 'suburb', 'hamlet', 'neighbourhood', 'quarter'], minzoom: 10,
    font: BASEMAP_FONTS.regular, sizes: [10, 10, 16, 13],
  },
  { id: 'town', classes: ['city', 'town'], minzoom: 6, font: BASEMAP_FONTS.bold, sizes: [6, 11, 14, 16] },
];

function placeNameLayers(source) {
  return PLACES.map((place) => ({
    id: `basemap-${place.id}-names`, type: 'symbol', source, 'source-layer': 'place', minzoom: place.minzoom,
    filter: classIn(...place.classes),
    layout: {
      'text-field': name,
      'text-font': place.font,
      'text-size': ['interpolate', ['linear'], ['zoom'], ...place.sizes],
      'text-max-width': 8,
    },
    paint: { 'text-color': BASEMAP_COLOURS.placeLabel, 'text-halo-color': BASEMAP_COLOURS.halo, 'text-halo-width': 1.5 },
  }));
}

/**
 * The style, a MapLibre style document (version 8) for withBasemap.
 * @param {object} options
 * @param {string} options.origin the page's origin, e.g. location.origin: glyph URLs
 *   must be absolute
 * @param {string} [options.tileJsonUrl] the basemap's TileJSON (the server's /config.json
 *   names it); its maxzoom stops tile requests, MapLibre draws deeper zooms from it (overzoom)
 * @param {object} [options.tileJson] that TileJSON, when the page has it already: its tile
 *   URLs, zooms and bounds go into the style, and MapLibre does not ask for it again
 */
export function openMapTilesStyle({ origin, tileJsonUrl = '/tiles/basemap.json', tileJson }) {
  const source = 'basemap';
  const layers = [
    { id: 'basemap-land', type: 'background', paint: { 'background-color': BASEMAP_COLOURS.land } },
    {
      id: 'basemap-residential', type: 'fill', source, 'source-layer': 'landuse',
      filter: classIn('residential', 'suburb', 'neighbourhood'),
      paint: { 'fill-color': BASEMAP_COLOURS.residential },
    },
    {
      id: 'basemap-wood', type: 'fill', source, 'source-layer': 'landcover',
      filter: classIn('wood', 'forest'),
      paint: { 'fill-color': BASEMAP_COLOURS.wood },
    },
    {
      id: 'basemap-grass', type: 'fill', source, 'source-layer': 'landcover',
      filter: classIn('grass', 'meadow', 'park', 'scrub'),
      paint: { 'fill-color': BASEMAP_COLOURS.park, 'fill-opacity': 0.7 },
    },
    { id: 'basemap-park', type: 'fill', source, 'source-layer': 'park', paint: { 'fill-color': BASEMAP_COLOURS.park } },
    {
      id: 'basemap-waterway', type: 'line', source, 'source-layer': 'waterway',
      layout: { 'line-cap': 'round' },
      paint: {
        'line-color': BASEMAP_COLOURS.waterLine,
        'line-width': byZoom(8, ['match', ['get', 'class'], ['river', 'canal'], 0.5, 0], 14,
          ['match', ['get', 'class'], ['river', 'canal'], 3, 1], 18, ['match', ['get', 'class'], ['river', 'canal'], 12, 4]),
      },
    },
    { id: 'basemap-water', type: 'fill', source, 'source-layer': 'water', paint: { 'fill-color': BASEMAP_COLOURS.water } },
    {
      id: 'basemap-building', type: 'fill', source, 'source-layer': 'building', minzoom: 14,
      paint: { 'fill-color': BASEMAP_COLOURS.building, 'fill-outline-color': BASEMAP_COLOURS.buildingLine },
    },
    {
      id: 'basemap-boundary', type: 'line', source, 'source-layer': 'boundary',
      filter: ['<=', ['to-number', ['get', 'admin_level'], 99], 8],
      paint: {
        'line-color': BASEMAP_COLOURS.boundary,
        'line-width': ['case', ['<=', ['to-number', ['get', 'admin_level'], 99], 4], 1.2, 0.8],
        'line-dasharray': [3, 2],
      },
    },
    {
      // Footpaths, bridleways, cycle tracks and steps: thin and dashed, under the roads.
      id: 'basemap-path', type: 'line', source, 'source-layer': 'transportation', minzoom: 13,
      filter: ['all', classIn('path'), notTunnel],
      paint: { 'line-color': BASEMAP_COLOURS.path, 'line-width': byZoom(13, 0.6, 18, 2.5), 'line-dasharray': [3, 2] },
    },
    ...roadLayers(source),
    {
      id: 'basemap-ferry', type: 'line', source, 'source-layer': 'transportation', minzoom: 8,
      filter: classIn('ferry'),
      paint: { 'line-color': BASEMAP_COLOURS.ferry, 'line-width': byZoom(8, 0.6, 16, 1.5), 'line-dasharray': [5, 3] },
    },
    {
      id: 'basemap-rail', type: 'line', source, 'source-layer': 'transportation', minzoom: 10,
      filter: ['all', classIn('rail'), notTunnel],
      paint: { 'line-color': BASEMAP_COLOURS.rail, 'line-width': byZoom(10, 0.6, 16, 2), 'line-dasharray': [4, 3] },
    },
    {
      id: 'basemap-street-names', type: 'symbol', source, 'source-layer': 'transportation_name', minzoom: 13,
      layout: {
        'symbol-placement': 'line',
        'text-field': name,
        'text-font': BASEMAP_FONTS.regular,
        'text-size': ['interpolate', ['linear'], ['zoom'], 13, 10, 17, 13],
        'text-max-angle': 30,
        'symbol-spacing': 300,
      },
      paint: { 'text-color': BASEMAP_COLOURS.label, 'text-halo-color': BASEMAP_COLOURS.halo, 'text-halo-width': 1.5 },
    },
    {
      id: 'basemap-water-names', type: 'symbol', source, 'source-layer': 'water_name', minzoom: 13,
      layout: { 'text-field': name, 'text-font': BASEMAP_FONTS.italic, 'text-size': 11 },
      paint: { 'text-color': BASEMAP_COLOURS.waterLabel, 'text-halo-color': BASEMAP_COLOURS.halo, 'text-halo-width': 1.2 },
    },
    ...placeNameLayers(source),
  ];
  return {
    version: 8,
    name: 'crimemap basemap',
    sources: { [source]: vectorSource(tileJson ?? tileJsonUrl) },
    glyphs: `${origin}/fonts/{fontstack}/{range}.pbf`,
    layers,
  };
}
