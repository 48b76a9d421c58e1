// GOV.UK-style validation messages from the server's 400 answers
// ({"error", "message", "fields": {name: message}}). Pure functions, no DOM.

/**
 * The id of the input a server field name belongs to: "email" → "email",
 * "people[2].name" → "people-2-name", with `prefix` in front when given.
 */
export function fieldId(name, prefix = '') {
  const id = String(name).replace(/\[(\d+)\]\.?/g, '-$1-').replace(/\./g, '-').replace(/-+$/, '');
  return prefix ? `${prefix}-${id}` : id;
}

/** "enter your name" → "Enter your name". */
function sentence(text) {
  const t = String(text).trim();
  return t.charAt(0).toUpperCase() + t.slice(1);
}

/**
 * The error summary's items, in the order the fields appear in the form
 * (`order`, a list of server field names); fields not in `order` come after,
 * and an empty message is skipped (the server sends "" for a field that is fine).
 * @param {Record<string, string>|undefined} fields the answer's `fields`
 * @param {string[]} order field names in form order
 * @param {string} [prefix] put before each id, as fieldId does
 * @returns {{field: string, id: string, message: string}[]}
 */
export function errorItems(fields, order = [], prefix = '') {
  if (!fields || typeof fields !== 'object') return [];
  const names = Object.keys(fields).filter((name) => typeof fields[name] === 'string' && fields[name].trim() !== '');
  const rank = (name) => {
    const i = order.indexOf(name);
    return i === -1 ? order.length : i;
  };
  names.sort((a, b) => rank(a) - rank(b));
  return names.map((field) => ({ field, id: fieldId(field, prefix), message: sentence(fields[field]) }));
}

/**
 * A message that does not name its field ("must be at most 400 characters",
 * "is required", as the team editor's API words them) with the field's name
 * put first: "Telephone must be at most 400 characters". A whole sentence
 * ("Enter your name") is kept as it is.
 * @param {string} message
 * @param {string} label the field's name as the page shows it; "" for none
 */
export function withSubject(message, label) {
  const text = String(message).trim();
  if (!label || !/^(must|is|are|may|has)\b/i.test(text)) return sentence(text);
  return `${label} ${text.charAt(0).toLowerCase()}${text.slice(1)}`;
}

/** The document title while a form shows errors: GOV.UK puts "Error: " first. */
export function errorTitle(title) {
  return title.startsWith('Error: ') ? title : `Error: ${title}`;
}

/** The title back without the "Error: " GOV.UK puts first. */
export function plainTitle(title) {
  return title.startsWith('Error: ') ? title.slice('Error: '.length) : title;
}
