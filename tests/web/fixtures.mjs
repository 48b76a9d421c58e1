// What the module tests share: where web/ is, a way to import its modules, and the months and
// categories of a small crimes TileJSON. Not a test file itself (node --test runs *.test.mjs).

import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** The web app's folder. */
export const webDir = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'web');

/** One of web/'s modules by file name, imported as the browser would (an ES module). */
export const importWeb = (name) => import(pathToFileURL(join(webDir, name)).href);

/** Three months, ascending, as a crimes TileJSON lists them. */
export const MONTHS = ['2024-07', '2024-08', '2024-09'];

/** Three categories, as a crimes TileJSON lists them. */
export const CATEGORIES = [
  { slug: 'burglary', name: 'Burglary' },
  { slug: 'robbery', name: 'Robbery' },
  { slug: 'violent-crime', name: 'Violence and sexual offences' },
];
