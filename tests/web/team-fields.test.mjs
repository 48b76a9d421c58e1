// The team editor's form from the server's field lists (web/team-fields.js): the fields, their
// order, what is required and what takes lines or dates are the server's; the words the page's.
// Run with `node --test tests/web/`.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { importWeb } from './fixtures.mjs';

const { formFields } = await importWeb('team-fields.js');

// As GET /api/team-fields answers (server/accounts/team_handlers.cpp), cut short.
const FIELDS = {
  contact_details: [{ key: 'email', max_length: 400 }, { key: 'telephone', max_length: 400 }, { key: 'myspace', max_length: 400 }],
  people: [
    { key: 'name', kind: 'one-line', required: true, max_length: 200 },
    { key: 'rank', kind: 'one-line', required: false, max_length: 200 },
    { key: 'bio', kind: 'many-lines', required: false, max_length: 5000 },
    { key: 'contact_details', kind: 'contact-details', required: false, max_length: null },
  ],
  priorities: [
    { key: 'issue', kind: 'many-lines', required: true, max_length: 5000 },
    { key: 'issue-date', kind: 'date', required: false, max_length: null },
  ],
  events: [
    { key: 'title', kind: 'one-line', required: true, max_length: 200 },
    { key: 'start_date', kind: 'date', required: false, max_length: null },
    { key: 'new_field', kind: 'one-line', required: false, max_length: 200 },
  ],
  max_items: 200,
};

test('the form has the server\'s fields in its order, with the page\'s words', () => {
  const { contact, parts } = formFields(FIELDS);
  assert.deepEqual(contact, [['telephone', 'Telephone', 'tel'], ['email', 'Email address', 'email']],
    'contact details the page has words for, in the page\'s order; others only when a team has them');
  assert.deepEqual(parts.people.fields, [
    { key: 'name', label: 'Name', required: true, autocomplete: 'off' },
    { key: 'rank', label: 'Rank or role' },
    { key: 'bio', label: 'About them (optional)', textarea: true },
  ]);
  assert.deepEqual(parts.people.keep, ['contact_details'], 'a person\'s contact details are kept as they are');
  assert.deepEqual(parts.people.blank, { name: '' });
  assert.deepEqual(parts.priorities.fields[1], { key: 'issue-date', label: 'Date set', date: 'date' });
  assert.deepEqual(parts.events.fields[1], { key: 'start_date', label: 'Starts', date: 'datetime-local' });
  assert.deepEqual(parts.events.fields[2], { key: 'new_field', label: 'new_field' }, 'a field the page has no words for shows its key');
  assert.equal(parts.events.noun, 'Event');
  assert.deepEqual([parts.people.heading, parts.people.add, parts.people.save], ['The team', 'Add a person', 'Save the team'],
    'each part\'s heading and buttons are the page\'s words');
});
