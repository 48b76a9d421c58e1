// The quick exit alone, for pages the server renders itself (the list view):
// <script type="module" src="/static/exit.js"></script> with the same
// <aside class="exit-this-page-bar"> markup as web/*.html.

import { installQuickExit } from './quick-exit.js';

installQuickExit(document);
