// The map page's URL: the filter lives in the query string (the same
// parameters as the crimes tiles, so a shared link shows the same crimes),
// the place in MapLibre's hash (#zoom/lat/lng). Also the list view's URL for
// the same view. Pure functions, no DOM.

import { crimesQuery, defaultFilter } from './crime-filters.js';

const listParam = (params, name) => {
  const value = params.get(name);
  return value === null ? null : value.split(',').map((s) => s.trim()).filter(Boolean);
};

/**
 * The filter a page URL asks for, checked against what the data holds:
 * unknown months, categories and outcomes are dropped, a missing part is the
 * default, and a reversed range is put in order.
 * @param {URLSearchParams} params the page's query
 * @param {import('./crime-filters.js').CrimesMetadata} metadata
 */
export function filterFromParams(params, metadata) {
  const filter = defaultFilter(metadata);
  const months = new Set(metadata.months);
  const from = params.get('from');
  const to = params.get('to');
  if (from && months.has(from)) filter.from = from;
  if (to && months.has(to)) filter.to = to;
  if (params.has('from') && !params.has('to') && months.has(from)) filter.to = filter.from > filter.to ? filter.from : filter.to;
  if (filter.from > filter.to) [filter.from, filter.to] = [filter.to, filter.from];
  const pick = (name, all) => {
    const chosen = listParam(params, name);
    if (chosen === null) return all.map((item) => item.slug);
    const wanted = new Set(chosen);
    return all.map((item) => item.slug).filter((slug) => wanted.has(slug));
  };
  filter.categories = pick('category', metadata.categories);
  filter.outcomes = pick('outcome', metadata.outcomes);
  return filter;
}

/**
 * The page's query string for a filter (without "?"): the crimes tile query,
 * so the default filter gives "". A place search (`q`) is kept when given.
 */
export function pageQuery(filter, metadata, q = '') {
  const parts = [];
  if (q) parts.push(`q=${encodeURIComponent(q)}`);
  const query = crimesQuery(filter, metadata);
  if (query) parts.push(query);
  return parts.join('&');
}

const six = (n) => Number(n.toFixed(6));

/**
 * The list view (/list) for the same period, filter and box.
 * @param {number[]} bounds [west, south, east, north], WGS84 degrees
 */
export function listUrl(filter, metadata, bounds) {
  const [west, south, east, north] = bounds.map(six);
  const clamp = (v, lo, hi) => Math.min(hi, Math.max(lo, v));
  const box = [clamp(west, -180, 180), clamp(south, -90, 90), clamp(east, -180, 180), clamp(north, -90, 90)];
  const latest = metadata.months[metadata.months.length - 1];
  const parts = [];
  // The list always names the period, so the page says which months it counts.
  parts.push(`from=${filter.from || latest}`, `to=${filter.to || latest}`);
  const rest = crimesQuery({ ...filter, from: latest, to: latest }, metadata);
  if (rest) parts.push(rest);
  parts.push(`bbox=${box.join(',')}`);
  return `/list?${parts.join('&')}`;
}

/** The months of the data from `from` to `to`, inclusive, ascending. */
export function monthsInRange(months, from, to) {
  return months.filter((m) => m >= from && m <= to);
}

/** The zoom to show a search result at: streets and postcodes close up. */
export function zoomForResult(result) {
  switch (result?.type) {
    case 'postcode': return 16;
    case 'street': return 16;
    case 'neighbourhood': return 13;
    case 'town': return 12;
    default: return 14;
  }
}
