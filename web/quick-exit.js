// GOV.UK's "Exit this page": a button, or Shift pressed three times, hides
// the page at once and replaces it (location.replace, so Back does not
// return to it) with a neutral site. The button is a plain link to that site,
// so it works without JavaScript too.

/** Where the page goes: a neutral site, as GOV.UK's component uses. */
export const EXIT_URL = 'https://www.bbc.co.uk/weather';

/** Shift presses this close together count as one run. */
export const SHIFT_WINDOW_MS = 5000;

/**
 * Counts Shift presses; returns true on the third in a row within the
 * window. Any other key starts the count again.
 * @returns {(key: string, now: number) => boolean}
 */
export function shiftCounter(presses = 3, windowMs = SHIFT_WINDOW_MS) {
  let times = [];
  return (key, now) => {
    if (key !== 'Shift') {
      times = [];
      return false;
    }
    times = times.filter((t) => now - t < windowMs);
    times.push(now);
    if (times.length >= presses) {
      times = [];
      return true;
    }
    return false;
  };
}

/**
 * Wires the page's `.exit-this-page` link and the Shift key. Call once per page.
 * @param {Document} doc
 */
export function installQuickExit(doc = document) {
  const win = doc.defaultView;
  const leave = () => {
    // Clear the view first: the next site can take a moment to load.
    doc.body.classList.add('exiting');
    for (const child of doc.body.children) child.setAttribute('hidden', '');
    doc.title = 'Loading';
    try { win.sessionStorage.clear(); } catch { /* storage may be off */ }
    win.location.replace(EXIT_URL);
  };
  for (const link of doc.querySelectorAll('.exit-this-page')) {
    link.addEventListener('click', (event) => {
      event.preventDefault();
      leave();
    });
  }
  const counter = shiftCounter();
  doc.addEventListener('keydown', (event) => {
    if (event.repeat) return;
    if (counter(event.key, Date.now())) leave();
  }, true);
}
