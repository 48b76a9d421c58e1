// Which outcome group a crime from the JSON API is in, grouped as the crimes
// TileJSON groups outcomes (each group lists its data.police.uk labels), so
// that a location's list honours the same outcome filter as the map.
// Pure functions, no DOM.

/** The group of a crime with no outcome recorded (outcome_status null or empty). */
export const NO_OUTCOME = 'no-outcome';

/** The group of a label that no group lists. */
export const OTHER_OUTCOME = 'other';

/**
 * A lookup from outcome label to group slug. A label listed by two groups
 * belongs to the first, as the list is ordered.
 * @param {{slug: string, labels?: string[]}[]} outcomes the crimes TileJSON's outcome groups
 * @returns {Map<string, string>}
 */
export function outcomeLabelIndex(outcomes) {
  const index = new Map();
  for (const { slug, labels = [] } of outcomes) {
    for (const label of labels) if (!index.has(label)) index.set(label, slug);
  }
  return index;
}

/**
 * The outcome group of one crime: its `outcome_status.category` looked up
 * exactly (as the server does), `no-outcome` when there is none, `other`
 * for a label no group lists.
 * @param {{outcome_status?: {category?: string}|null}} crime as /api/crimes-at-location answers
 * @param {Map<string, string>} index from outcomeLabelIndex
 * @returns {string} a group slug
 */
export function outcomeGroupOf(crime, index) {
  const label = crime?.outcome_status?.category;
  if (typeof label !== 'string' || label === '') return NO_OUTCOME;
  return index.get(label) ?? OTHER_OUTCOME;
}

/**
 * The crimes whose outcome group is checked, in their order.
 * @param {object[]} crimes as /api/crimes-at-location answers
 * @param {{slug: string, labels?: string[]}[]} outcomes the crimes TileJSON's outcome groups
 * @param {string[]} checked the checked group slugs
 */
export function crimesWithOutcomes(crimes, outcomes, checked) {
  const index = outcomeLabelIndex(outcomes);
  const wanted = new Set(checked);
  return crimes.filter((crime) => wanted.has(outcomeGroupOf(crime, index)));
}
