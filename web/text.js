// Text helpers shared by the pages: turning the HTML that data.police.uk puts
// in descriptions into plain paragraphs, checking links that come from data,
// and writing dates and numbers for people. Pure functions, no DOM, so the
// tests import this module under Node.

const ENTITIES = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ', ndash: '–', mdash: '—', pound: '£', hellip: '…', rsquo: '’', lsquo: '‘', rdquo: '”', ldquo: '“' };

function decodeEntities(text) {
  return text.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, name) => {
    if (name[0] === '#') {
      const code = name[1] === 'x' || name[1] === 'X' ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10);
      return Number.isInteger(code) && code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
    }
    return ENTITIES[name.toLowerCase()] ?? whole;
  });
}

/**
 * The text of an HTML fragment as paragraphs, for showing with textContent:
 * block elements and <br> start a new paragraph, every other tag is dropped,
 * the content of <script> and <style> is dropped, entities are decoded and
 * white space is collapsed. Nothing of the input is ever parsed as HTML by
 * the browser, so markup in the data cannot run or load anything.
 * @param {unknown} html a fragment such as "<p>Call 101.</p>"; not a string → []
 * @returns {string[]} non-empty paragraphs, in order
 */
export function htmlToParagraphs(html) {
  if (typeof html !== 'string') return [];
  const marked = html
    .replace(/<(script|style)\b[^>]*>[\s\S]*?<\/\1\s*>/gi, ' ')
    .replace(/<!--[\s\S]*?-->/g, ' ')
    .replace(/<\/?(?:p|div|br|li|ul|ol|h[1-6]|tr|table|section|article|blockquote)\b[^>]*>/gi, '\n')
    .replace(/<[^>]*>/g, '');
  return decodeEntities(marked)
    .split('\n')
    .map((line) => line.replace(/\s+/g, ' ').trim())
    .filter((line) => line !== '');
}

/** htmlToParagraphs joined by blank lines: for a text area or a one-line summary. */
export function htmlToText(html, separator = '\n\n') {
  return htmlToParagraphs(html).join(separator);
}

/**
 * A link from the data that is safe to put in href: http(s) URLs (a bare
 * "www." host gets https://), mailto: and tel:. Anything else (javascript:,
 * data:, relative paths) → null, and the page shows the text without a link.
 */
export function safeHref(value) {
  if (typeof value !== 'string') return null;
  const text = value.trim();
  if (/^https?:\/\/[^\s/]+/i.test(text)) return text;
  if (/^www\.[^\s/]+/i.test(text)) return `https://${text}`;
  if (/^mailto:[^\s@]+@[^\s@]+$/i.test(text)) return text;
  if (/^tel:[+\d][\d\s()-]*$/i.test(text)) return text;
  return null;
}

/** A telephone number as a tel: link, or null when it holds no digits. */
export function telHref(number) {
  if (typeof number !== 'string') return null;
  const digits = number.replace(/[^\d+]/g, '');
  return /\d{3,}/.test(digits) ? `tel:${digits}` : null;
}

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

/**
 * "2024-10-25T17:00:00" → "25 October 2024, 17:00"; "2024-10-25" → "25 October 2024";
 * "2024-10" → "October 2024". Times are the data's own (local), not converted.
 * Anything else is returned unchanged; null or empty → "".
 */
export function formatDate(value) {
  if (typeof value !== 'string' || value === '') return '';
  const match = /^(\d{4})-(\d{2})(?:-(\d{2})(?:[T ](\d{2}):(\d{2}))?)?/.exec(value);
  if (!match) return value;
  const month = MONTHS[Number(match[2]) - 1];
  if (!month) return value;
  if (!match[3]) return `${month} ${match[1]}`;
  const day = `${Number(match[3])} ${month} ${match[1]}`;
  return match[4] && !(match[4] === '00' && match[5] === '00') ? `${day}, ${match[4]}:${match[5]}` : day;
}

/** 1234567 → "1,234,567". */
export function formatCount(n) {
  return Number(n).toLocaleString('en-GB');
}

/** 0.4412 → "44%"; below 1% but not zero → "<1%". */
export function formatShare(share) {
  const percent = Number(share) * 100;
  if (percent > 0 && percent < 1) return '<1%';
  return `${Math.round(percent)}%`;
}

/** Metres as "300 m" below a kilometre, else "2.4 km". */
export function formatDistance(metres) {
  const m = Number(metres);
  if (!Number.isFinite(m)) return '';
  return m < 1000 ? `${Math.round(m / 10) * 10} m` : `${(m / 1000).toFixed(1)} km`;
}

/** "verified-by-police" → "Verified by the police", for a Watch scheme's status. */
export function schemeStatusText(status) {
  switch (status) {
    case 'verified-by-police': return 'Verified by the police';
    case 'verified-by-volunteer': return 'Verified by a Neighbourhood Watch volunteer';
    case 'self-declared': return 'Not yet verified (set up by residents)';
    default: return typeof status === 'string' ? status : '';
  }
}
