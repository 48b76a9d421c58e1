// WCAG 2.2 AA checks that axe-core does not make (or makes only in part), run
// in a page with page.evaluate: each function here is sent to the browser as
// source, so it uses nothing from outside its own body. Each returns a list of
// readable problems, empty when there are none.

/**
 * 1.4.10 Reflow: nothing is wider than the window (no horizontal scrolling).
 * Names the widest elements that stick out, to say where to look.
 */
export function reflowProblems() {
  const width = window.innerWidth;
  const scrolling = document.documentElement.scrollWidth;
  if (scrolling <= width) return [];
  const describe = (el) => `${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ''}${el.classList.length ? `.${[...el.classList].join('.')}` : ''}`;
  const wide = [...document.body.querySelectorAll('*')]
    .filter((el) => el.getBoundingClientRect().right > width + 0.5 && el.getClientRects().length > 0)
    .slice(0, 5).map((el) => `${describe(el)} reaches ${Math.round(el.getBoundingClientRect().right)} px`);
  return [`the page is ${scrolling} px wide in a ${width} px window: ${wide.join('; ')}`];
}

/**
 * 2.5.8 Target Size (Minimum): every visible a, button, input, select,
 * textarea and summary is at least 24 × 24 CSS px. The one exception allowed
 * here is the criterion's "inline" one: a link shown inline in a block whose
 * own text, links left out, has a word in it (a link in a sentence, or on a
 * line of text such as "Telephone: 101"); links separated only by " · " are
 * not in a sentence. Elements moved off screen (the skip link until focused,
 * the Watch form's honeypot) and those in aria-hidden or inert parts are not
 * targets.
 */
export function targetSizeProblems() {
  const problems = [];
  const inSentence = (el) => {
    if (el.tagName !== 'A' || getComputedStyle(el).display !== 'inline') return false;
    let block = el.parentElement;
    while (block && getComputedStyle(block).display.startsWith('inline')) block = block.parentElement;
    if (!block) return false;
    let words = block.textContent;
    for (const link of block.querySelectorAll('a')) words = words.replace(link.textContent, ' ');
    return /\p{L}{2,}/u.test(words);
  };
  for (const el of document.querySelectorAll('a[href], button, input:not([type=hidden]), select, textarea, summary')) {
    if (el.closest('[aria-hidden=true], [inert]') || !el.checkVisibility({ visibilityProperty: true })) continue;
    const box = el.getBoundingClientRect();
    if (box.width === 0 || box.height === 0) continue;
    if (box.right <= 0 || box.bottom <= 0 || box.left >= document.documentElement.scrollWidth) continue;  // off screen
    if (box.width >= 24 && box.height >= 24) continue;
    if (inSentence(el)) continue;
    const name = (el.getAttribute('aria-label') ?? el.textContent ?? '').trim().slice(0, 40) || el.id || el.name;
    problems.push(`${el.tagName.toLowerCase()} "${name}" is ${Math.round(box.width)} × ${Math.round(box.height)} px`);
  }
  return problems;
}

/**
 * 4.1.2 Name, Role, Value and 1.3.1: every visible form control, button and
 * link has an accessible name (from aria-labelledby, aria-label, a label,
 * its text, or a title; a submit button's value).
 */
export function nameProblems() {
  const problems = [];
  const text = (node) => (node?.textContent ?? '').replace(/\s+/g, ' ').trim();
  for (const el of document.querySelectorAll('a[href], button, input:not([type=hidden]), select, textarea, summary')) {
    if (el.closest('[aria-hidden=true], [inert]') || !el.checkVisibility({ visibilityProperty: true })) continue;
    const labelledBy = (el.getAttribute('aria-labelledby') ?? '').split(/\s+/).filter(Boolean)
      .map((id) => text(document.getElementById(id))).join(' ').trim();
    const isField = ['INPUT', 'SELECT', 'TEXTAREA'].includes(el.tagName);
    const name = labelledBy
      || (el.getAttribute('aria-label') ?? '').trim()
      || (isField ? [...(el.labels ?? [])].map(text).join(' ').trim() : text(el))
      || (['submit', 'button', 'reset'].includes(el.type) && el.tagName === 'INPUT' ? (el.value ?? '').trim() : '')
      || (el.getAttribute('title') ?? '').trim();
    if (!name) problems.push(`${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ''}${el.name ? ` name=${el.name}` : ''} has no accessible name`);
  }
  return problems;
}

/**
 * 1.3.1 and 2.4.6: the page's headings start at one h1 and never skip a
 * level going down (h2 then h4 is a skip; h3 then h2 is not). Headings in
 * hidden parts are not counted; visually hidden ones are.
 */
export function headingProblems() {
  const headings = [...document.querySelectorAll('h1, h2, h3, h4, h5, h6')]
    .filter((h) => !h.closest('[aria-hidden=true]') && h.checkVisibility({ visibilityProperty: true }));
  const problems = [];
  const h1s = headings.filter((h) => h.tagName === 'H1').length;
  if (h1s !== 1) problems.push(`${h1s} h1 headings, not one`);
  if (headings.length && headings[0].tagName !== 'H1') problems.push(`the first heading is ${headings[0].tagName.toLowerCase()}`);
  for (let i = 1; i < headings.length; i++) {
    const level = Number(headings[i].tagName[1]);
    const before = Number(headings[i - 1].tagName[1]);
    if (level > before + 1) {
      problems.push(`"${headings[i].textContent.trim().slice(0, 40)}" is h${level} after h${before}`);
    }
  }
  return problems;
}

/** 3.1.1 Language of Page and 2.4.2 Page Titled: the page's lang and title. */
export function languageAndTitle() {
  return { lang: document.documentElement.lang, title: document.title };
}

/**
 * 2.4.7 Focus Visible and 2.4.11 Focus Not Obscured (Minimum), for the
 * element that has focus now: it shows an outline or a box-shadow, and is
 * not wholly hidden by something drawn over it. Returns null when nothing
 * (or the document) has focus, else {name, problem} with problem null when
 * it is fine.
 */
export function focusState() {
  const el = document.activeElement;
  if (!el || el === document.body || el === document.documentElement) return null;
  const style = getComputedStyle(el);
  const name = `${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ''} "${(el.getAttribute('aria-label') ?? el.textContent ?? '').trim().slice(0, 30)}"`;
  const outline = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0;
  const shadow = style.boxShadow !== 'none' && style.boxShadow !== '';
  if (!outline && !shadow) return { name, problem: 'shows no outline or box-shadow when focused' };
  const box = el.getBoundingClientRect();
  const points = [[0.5, 0.5], [0.15, 0.15], [0.85, 0.15], [0.15, 0.85], [0.85, 0.85]]
    .map(([fx, fy]) => [box.left + box.width * fx, box.top + box.height * fy])
    .filter(([x, y]) => x >= 0 && y >= 0 && x < window.innerWidth && y < window.innerHeight);
  const seen = points.some(([x, y]) => {
    const top = document.elementFromPoint(x, y);
    return top && (top === el || el.contains(top) || top.contains(el) || top.closest('label') === el.labels?.[0]);
  });
  return { name, problem: seen ? null : 'is hidden (scrolled away or covered) when focused' };
}

/**
 * What a page must never show: `null`, `undefined`, `NaN` or `[object Object]`,
 * the marks of a value that code turned into text by mistake. Looks at the
 * rendered text (innerText: nothing in hidden parts or closed details), the
 * title, and what visible elements say through value, placeholder, alt, title
 * and aria-label. Each problem quotes the text around the word.
 */
export function leakedValueProblems() {
  const leak = /\b(?:null|undefined|NaN)\b|\[object Object\]/;
  const problems = [];
  const report = (where, text) => {
    const match = leak.exec(text);
    if (!match) return;
    const around = text.slice(Math.max(0, match.index - 40), match.index + match[0].length + 40).replace(/\s+/g, ' ').trim();
    problems.push(`${where} shows "${match[0]}": …${around}…`);
  };
  report('the title', document.title);
  if (!document.body) return problems;
  for (const line of document.body.innerText.split('\n')) report('the page', line);
  for (const el of document.body.querySelectorAll('input, textarea, select, img, [title], [aria-label], [placeholder]')) {
    if (!el.checkVisibility({ visibilityProperty: true })) continue;
    const name = `${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ''}`;
    if (el.tagName === 'TEXTAREA' || (el.tagName === 'INPUT' && !['checkbox', 'radio', 'hidden'].includes(el.type))) {
      report(`${name}'s value`, String(el.value));
    }
    if (el.tagName === 'SELECT') report(`${name}'s choice`, el.selectedOptions[0]?.textContent ?? '');
    for (const attribute of ['placeholder', 'alt', 'title', 'aria-label']) {
      if (el.hasAttribute(attribute)) report(`${name}'s ${attribute}`, el.getAttribute(attribute));
    }
  }
  return problems;
}
