// The rows behind the neighbourhood page's charts, from /api/summary. Each
// chart is drawn from these rows and the same rows make its table, so the
// picture and the text say the same. Pure functions, no DOM.

import { monthLabel } from './crime-filters.js';
import { formatShare } from './text.js';

/**
 * @typedef {object} ChartRow
 * @property {string} label
 * @property {number|null} value null: no data (not zero)
 * @property {string} text the value as a person reads it
 */

/** Counts by category, most first, as the summary lists them. */
export function categoryRows(summary) {
  return (summary?.by_category ?? []).map((c) => ({
    label: c.name ?? c.category, value: Number(c.count), text: String(c.count),
  }));
}

/** The twelve months of the trend, oldest first; a month without data has value null. */
export function trendRows(summary) {
  const trend = summary?.trend;
  if (!trend || !Array.isArray(trend.months)) return [];
  return trend.months.map((month, i) => {
    const hasData = trend.has_data?.[i] !== false && trend.total?.[i] !== null && trend.total?.[i] !== undefined;
    const value = hasData ? Number(trend.total[i]) : null;
    return { label: monthLabel(month), value, text: value === null ? 'no data' : String(value) };
  });
}

/** Outcome groups with their share of the month's crimes. */
export function outcomeRows(summary) {
  return (summary?.outcomes ?? []).map((o) => ({
    label: o.name ?? o.status,
    value: Number(o.count),
    text: `${o.count} (${formatShare(o.share ?? 0)})`,
  }));
}

/**
 * Bar lengths for rows in a space of `length` units: the largest value fills
 * it; null stays null. A value above zero gets at least one unit, so it shows.
 */
export function barLengths(rows, length) {
  const max = Math.max(0, ...rows.map((r) => r.value ?? 0));
  return rows.map((r) => {
    if (r.value === null) return null;
    if (max === 0 || r.value <= 0) return 0;
    return Math.max(1, Math.round((r.value / max) * length));
  });
}
