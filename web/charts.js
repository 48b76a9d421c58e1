// SVG charts for the neighbourhood page, each followed by a table of the same
// figures (its text equivalent). The SVG is hidden from assistive technology:
// the table says everything the picture does. DOM code.

import { el } from './site.js';
import { barLengths } from './chart-data.js';

const svg = (tag, attributes = {}, ...children) => el(`svg:${tag}`, attributes, ...children);

function figuresTable(caption, headings, rows) {
  return el('table', { class: 'figures' },
    el('caption', { text: caption }),
    el('thead', {}, el('tr', {}, headings.map((h, i) => el('th', { scope: 'col', class: i ? 'number' : null, text: h })))),
    el('tbody', {}, rows.map((row) => el('tr', {},
      el('th', { scope: 'row', text: row.label }),
      el('td', { class: 'number', text: row.text })))));
}

/**
 * A horizontal bar chart with its table.
 * @param {string} title the chart's caption
 * @param {import('./chart-data.js').ChartRow[]} rows
 * @param {string} valueHeading the table's second column
 */
export function barChart(title, rows, valueHeading) {
  // Room for the longest label (about 7 units a character at 13 px).
  const longest = Math.max(0, ...rows.map((r) => r.label.length));
  const width = 640, rowHeight = 28, valueWidth = 90;
  const labelWidth = Math.min(380, Math.max(120, Math.round(longest * 7) + 12));
  const lengths = barLengths(rows, width - labelWidth - valueWidth);
  const height = rows.length * rowHeight + 4;
  const picture = svg('svg', {
    viewBox: `0 0 ${width} ${height}`, class: 'chart chart-bars', 'aria-hidden': 'true', focusable: 'false',
    width: '100%', preserveAspectRatio: 'xMinYMin meet',
  }, rows.map((row, i) => {
    const y = i * rowHeight + 2;
    return svg('g', {},
      svg('text', { x: labelWidth - 8, y: y + 18, 'text-anchor': 'end', class: 'chart-label', text: row.label }),
      svg('rect', { x: labelWidth, y: y + 4, width: lengths[i] ?? 0, height: rowHeight - 8, class: 'chart-bar' }),
      svg('text', { x: labelWidth + (lengths[i] ?? 0) + 6, y: y + 18, class: 'chart-value', text: row.text }));
  }));
  return el('figure', { class: 'chart-figure' },
    el('figcaption', { text: title }),
    picture,
    el('details', { class: 'chart-table' },
      el('summary', { text: `${title}: the figures as a table` }),
      figuresTable(title, ['', valueHeading], rows)));
}

/**
 * A column chart of a monthly series with its table; a month without data
 * is drawn as an empty dashed column marked "–", not as zero.
 */
export function columnChart(title, rows, valueHeading) {
  const width = 640, height = 240, top = 24, bottom = 44, left = 8;
  const step = (width - left * 2) / Math.max(rows.length, 1);
  const lengths = barLengths(rows, height - top - bottom);
  const base = height - bottom;
  const picture = svg('svg', {
    viewBox: `0 0 ${width} ${height}`, class: 'chart chart-columns', 'aria-hidden': 'true', focusable: 'false',
    width: '100%', preserveAspectRatio: 'xMinYMin meet',
  },
  svg('line', { x1: left, x2: width - left, y1: base, y2: base, class: 'chart-axis' }),
  rows.map((row, i) => {
    const x = left + i * step + step * 0.15;
    const w = step * 0.7;
    const centre = x + w / 2;
    const [month, year] = row.label.split(' ');
    const bar = row.value === null
      ? svg('rect', { x, y: base - 20, width: w, height: 20, class: 'chart-bar-missing' })
      : svg('rect', { x, y: base - lengths[i], width: w, height: lengths[i], class: 'chart-bar' });
    const valueY = row.value === null ? base - 26 : base - lengths[i] - 6;
    return svg('g', {}, bar,
      svg('text', { x: centre, y: valueY, 'text-anchor': 'middle', class: 'chart-value', text: row.value === null ? '–' : row.text }),
      svg('text', { x: centre, y: base + 16, 'text-anchor': 'middle', class: 'chart-label', text: month }),
      i === 0 || month === 'Jan' ? svg('text', { x: centre, y: base + 34, 'text-anchor': 'middle', class: 'chart-label', text: year }) : null);
  }));
  return el('figure', { class: 'chart-figure' },
    el('figcaption', { text: title }),
    picture,
    el('p', { class: 'hint', text: 'A dash marks a month with no published data.' }),
    el('details', { class: 'chart-table' },
      el('summary', { text: `${title}: the figures as a table` }),
      figuresTable(title, ['Month', valueHeading], rows)));
}
