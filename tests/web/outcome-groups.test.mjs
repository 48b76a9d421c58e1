// Tests of web/outcome-groups.js: crimes from the JSON API grouped by outcome
// as the crimes TileJSON groups them, and the location list's summary.
// Run with `node --test tests/web/` from the repository root.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { importWeb } from './fixtures.mjs';

// The shape /tiles/crimes.json gives: each group with its labels.
const OUTCOMES = [
  { slug: 'under-investigation', name: 'Under investigation', labels: ['Under investigation'] },
  { slug: 'no-further-action', name: 'Unable to prosecute, or no further action',
    labels: ['Unable to prosecute suspect', 'Court case unable to proceed'] },
  { slug: 'charged', name: 'Charged, in court or sentenced', labels: ['Suspect charged', 'Offender fined'] },
  { slug: 'no-outcome', name: 'No outcome recorded', labels: [] },
  { slug: 'other', name: 'Other outcome', labels: [] },
];

const crime = (id, category) => ({ id, category: 'burglary', outcome_status: category === undefined ? null : { category, date: '2024-09' } });

test('a crime\'s outcome label finds its group; none is no-outcome, an unknown one is other', async () => {
  const { outcomeGroupOf, outcomeLabelIndex } = await importWeb('outcome-groups.js');
  const index = outcomeLabelIndex(OUTCOMES);
  assert.equal(outcomeGroupOf(crime(1, 'Under investigation'), index), 'under-investigation');
  assert.equal(outcomeGroupOf(crime(2, 'Court case unable to proceed'), index), 'no-further-action');
  assert.equal(outcomeGroupOf(crime(3, 'Offender fined'), index), 'charged');
  assert.equal(outcomeGroupOf(crime(4), index), 'no-outcome', 'outcome_status null');
  assert.equal(outcomeGroupOf(crime(5, ''), index), 'no-outcome', 'an empty category');
  assert.equal(outcomeGroupOf({ id: 6, category: 'burglary' }, index), 'no-outcome', 'no outcome_status at all');
  assert.equal(outcomeGroupOf(crime(7, 'Sent to the moon'), index), 'other');
  assert.equal(outcomeGroupOf(crime(8, 'offender fined'), index), 'other', 'labels match exactly, as on the server');
});

test('only crimes in a checked outcome group are kept, in their order', async () => {
  const { crimesWithOutcomes } = await importWeb('outcome-groups.js');
  const crimes = [crime(1, 'Suspect charged'), crime(2), crime(3, 'Under investigation'), crime(4, 'Mystery'), crime(5, 'Offender fined')];
  const ids = (list) => list.map((c) => c.id);
  assert.deepEqual(ids(crimesWithOutcomes(crimes, OUTCOMES, OUTCOMES.map((o) => o.slug))), [1, 2, 3, 4, 5]);
  assert.deepEqual(ids(crimesWithOutcomes(crimes, OUTCOMES, ['charged'])), [1, 5]);
  assert.deepEqual(ids(crimesWithOutcomes(crimes, OUTCOMES, ['no-outcome', 'other'])), [2, 4]);
  assert.deepEqual(crimesWithOutcomes(crimes, OUTCOMES, []), []);
  // Groups without labels (an older server): every labelled crime is "other".
  assert.deepEqual(ids(crimesWithOutcomes(crimes, [{ slug: 'charged' }], ['other'])), [1, 3, 4, 5]);
});

test('outcome labels survive reading the crimes TileJSON; junk labels do not', async () => {
  const { readCrimesMetadata } = await importWeb('crime-filters.js');
  const { crimesWithOutcomes } = await importWeb('outcome-groups.js');
  const metadata = readCrimesMetadata({
    months: ['2024-09'],
    categories: [{ slug: 'burglary', name: 'Burglary' }],
    outcomes: [...OUTCOMES, { slug: 'odd', name: 'Odd', labels: ['Odd one', 7, null, ''] }, { slug: 'bare' }],
  });
  assert.deepEqual(metadata.outcomes.find((o) => o.slug === 'charged').labels, ['Suspect charged', 'Offender fined']);
  assert.deepEqual(metadata.outcomes.find((o) => o.slug === 'odd').labels, ['Odd one']);
  assert.equal(metadata.outcomes.find((o) => o.slug === 'bare').labels, undefined);
  assert.deepEqual(metadata.categories, [{ slug: 'burglary', name: 'Burglary' }], 'categories have no labels');
  assert.deepEqual(crimesWithOutcomes([crime(1, 'Suspect charged'), crime(2)], metadata.outcomes, ['charged']).map((c) => c.id), [1]);
});

test('a location\'s summary says when the outcome filter narrows the list', async () => {
  const { describeLocationList } = await importWeb('crime-filters.js');
  const metadata = {
    months: ['2024-08', '2024-09'],
    categories: [{ slug: 'burglary' }, { slug: 'robbery' }],
    outcomes: OUTCOMES,
  };
  const every = { from: '2024-09', to: '2024-09', categories: ['burglary', 'robbery'], outcomes: OUTCOMES.map((o) => o.slug) };
  assert.equal(describeLocationList(3, 0, every, metadata), '3 crimes in Sep 2024.');
  assert.equal(describeLocationList(1, 2, { ...every, outcomes: ['charged'] }, metadata),
    '1 crime in Sep 2024, with the checked outcomes (2 more here have another outcome).');
  assert.equal(describeLocationList(2, 1, { ...every, from: '2024-08', categories: ['burglary'], outcomes: ['charged', 'other'] }, metadata),
    '2 crimes in Aug 2024 to Sep 2024, in the checked categories, with the checked outcomes (1 more here has another outcome).');
  assert.equal(describeLocationList(0, 0, { ...every, outcomes: ['charged'] }, metadata), '0 crimes in Sep 2024, with the checked outcomes.');
  assert.doesNotMatch(describeLocationList(3, 0, every, metadata), /map only/);
});
