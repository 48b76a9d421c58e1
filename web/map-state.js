// What the map page's modules share: the server's TileJSON endpoints, the page's state and
// its two places for words (the status line and the message box). Touches the DOM only when
// a function is called, so every module of the map page can be imported by a test.

/** The server's TileJSON endpoints, one per source. */
export const TILEJSON = Object.freeze({
  crimes: '/tiles/crimes.json',
  neighbourhoods: '/tiles/neighbourhoods.json',
  watch: '/tiles/watch.json',
});

/** The running page: filled in by app.js's main, read by the other modules. */
export const state = {
  map: null,
  metadata: null,
  filter: null,
  query: '',          // the place searched for, kept in the URL
  location: null,     // the location whose crimes are listed: {id, street}
  areaForce: null,    // the force of the neighbourhood at the map's centre, when known
};

const byId = (id) => document.getElementById(id);

export function setStatus(text) {
  byId('status').textContent = text;
}

/** Shows a problem in the page (not only the console) until dismissed or replaced. */
export function showMessage(text) {
  byId('message-text').textContent = text;
  byId('message').hidden = false;
}
