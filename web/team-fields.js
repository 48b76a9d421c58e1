// The team editor's form from the server's field lists (/api/team-fields, the table the PUTs
// check with): the server says which fields there are, in which order, which are required and
// which take lines or dates; the page says what each is called. Pure functions, no DOM.

/**
 * What the page calls each field and how it asks for it. Which fields there are, their order,
 * which are required and which take lines or dates, come from the server (/api/team-fields,
 * the table its PUTs check with); a field without words here is shown under its key.
 */
const WORDS = {
  contact_details: {
    telephone: ['Telephone', 'tel'], mobile: ['Mobile', 'tel'], email: ['Email address', 'email'],
    web: ['Website', 'url'], address: ['Address', 'text'], facebook: ['Facebook page', 'url'],
    twitter: ['X (Twitter) page', 'url'], youtube: ['YouTube channel', 'url'],
  },
  people: {
    heading: 'The team', add: 'Add a person', save: 'Save the team',
    noun: 'Person', name: { label: 'Name', autocomplete: 'off' }, rank: 'Rank or role', bio: 'About them (optional)',
  },
  priorities: {
    heading: 'Priorities', add: 'Add a priority', save: 'Save priorities',
    noun: 'Priority', issue: 'The issue', 'issue-date': 'Date set', action: 'What the team is doing (optional)',
    'action-date': 'Date of the action',
  },
  events: {
    heading: 'Events', add: 'Add an event', save: 'Save events',
    noun: 'Event', title: 'Title', type: 'Type (for example, meeting)', start_date: { label: 'Starts', date: 'datetime-local' },
    end_date: { label: 'Ends', date: 'datetime-local' }, address: 'Address', description: 'Description',
  },
};

/**
 * The page's fields from the server's: `[key, label, input type]` for contact details, and
 * for each part its heading, its buttons' words (`add`, `save`), its noun, fields (`{key, label,
 * required, textarea, date, autocomplete}`), the fields kept unedited (contact details) and a
 * blank item.
 * @param {object} fields /api/team-fields
 */
export function formFields(fields) {
  const contactKeys = new Set((fields.contact_details ?? []).map((f) => f.key));
  const contact = Object.entries(WORDS.contact_details).filter(([key]) => contactKeys.has(key))
    .map(([key, [label, type]]) => [key, label, type]);
  const parts = {};
  for (const part of ['people', 'priorities', 'events']) {
    const words = WORDS[part];
    const list = fields[part] ?? [];
    const shown = list.filter((f) => f.kind !== 'contact-details').map((f) => {
      const w = typeof words[f.key] === 'object' ? words[f.key] : { label: words[f.key] ?? f.key };
      const field = { key: f.key, label: w.label };
      if (f.required) field.required = true;
      if (f.kind === 'many-lines') field.textarea = true;
      if (f.kind === 'date') field.date = w.date ?? 'date';
      if (w.autocomplete) field.autocomplete = w.autocomplete;
      return field;
    });
    const blank = {};
    for (const f of shown) if (f.required) blank[f.key] = '';
    parts[part] = {
      heading: words.heading,
      add: words.add,
      save: words.save,
      noun: words.noun,
      fields: shown,
      keep: list.filter((f) => f.kind === 'contact-details').map((f) => f.key),
      blank,
    };
  }
  return { contact, parts };
}
