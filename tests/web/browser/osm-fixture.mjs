// A small made-up town in OpenStreetMap's XML, centred where a test wants it:
// a grid of named streets of several classes, a river, a railway, a park, a
// wood, a lake, buildings, an administrative boundary and place names. Built
// into an MBTiles basemap with Debian's tilemaker and its bundled
// OpenMapTiles profile, it gives the browser tests a basemap of the schema an
// operator's archive has, without real data in the repository.

import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

const STREET_NAMES = ['High Street', 'Church Lane', 'Mill Road', 'Station Road', 'Heol y Bont', 'Victoria Street',
  'Park Avenue', 'Queen Street', 'Bridge Street', 'Ffordd Glan', 'Market Street', 'Chapel Row'];
const CLASSES = ['primary', 'residential', 'secondary', 'residential', 'tertiary', 'residential'];

/**
 * The XML of the town around (lon, lat).
 * @param {{lon: number, lat: number}} centre WGS84 degrees
 */
// Why the basemap tests cannot run here (a tool tools/setup installs is missing), or false.
export function basemapToolsProblem() {
  for (const [tool, args] of [['tilemaker', ['--help']], ['osmium', ['--version']]]) {
    try { execFileSync(tool, args, { stdio: 'ignore' }); } catch { return `${tool} is not installed (tools/setup)`; }
  }
  return false;
}

// The map location with the most crimes in a store: { lon, lat }.
export function busiestLocation(db) {
  const [lon, lat] = execFileSync('sqlite3', ['-batch', '-noheader', '-separator', '|', db,
    'SELECT l.longitude, l.latitude FROM crimes c JOIN locations l ON l.id = c.location '
    + 'GROUP BY l.id ORDER BY count(*) DESC, l.id LIMIT 1'], { encoding: 'utf8' }).trim().split('|').map(Number);
  return { lon, lat };
}

export function townOsm({ lon, lat }) {
  const nodes = [];
  const ways = [];
  let nextId = 1;
  const node = (x, y, tags = {}) => {
    const id = nextId++;
    nodes.push({ id, lon: lon + x, lat: lat + y, tags });
    return id;
  };
  const way = (refs, tags) => ways.push({ id: nextId++, refs, tags });
  const ring = (points, tags) => {
    const refs = points.map(([x, y]) => node(x, y));
    way([...refs, refs[0]], tags);
  };
  const step = 0.004;  // about 300 m north-south
  const half = 6;
  for (let i = -half; i <= half; i++) {
    const name = STREET_NAMES[(i + half) % STREET_NAMES.length];
    const highway = CLASSES[(i + half) % CLASSES.length];
    const across = [];
    const down = [];
    for (let k = -half; k <= half; k++) {
      across.push(node(k * step * 1.6, i * step));
      down.push(node(i * step * 1.6, k * step));
    }
    way(across, { highway, name });
    way(down, { highway: i === 0 ? 'trunk' : 'residential', name: `${name.split(' ')[0]} ${i === 0 ? 'Way' : 'Close'}` });
  }
  way([node(-0.06, -0.03), node(-0.02, -0.012), node(0.02, -0.006), node(0.06, 0.01)],
    { waterway: 'river', name: 'Afon Test' });
  way([node(-0.06, 0.021), node(0, 0.023), node(0.06, 0.026)], { railway: 'rail', name: 'Test Valley Line' });
  ring([[0.003, 0.003], [0.01, 0.003], [0.01, 0.0075], [0.003, 0.0075]], { leisure: 'park', name: 'Victoria Park' });
  ring([[-0.03, 0.006], [-0.012, 0.006], [-0.012, 0.018], [-0.03, 0.018]], { natural: 'wood' });
  ring([[0.014, -0.02], [0.024, -0.02], [0.024, -0.014], [0.014, -0.014]], { natural: 'water', name: 'Llyn Test' });
  ring([[-0.07, -0.04], [0.07, -0.04], [0.07, 0.04], [-0.07, 0.04]], { boundary: 'administrative', admin_level: '8', name: 'Testbury' });
  for (let i = -4; i < 4; i++) {
    for (let k = -3; k < 3; k++) {
      const x = i * step * 1.6 + 0.0015;
      const y = k * step + 0.0008;
      ring([[x, y], [x + 0.0012, y], [x + 0.0012, y + 0.0008], [x, y + 0.0008]], { building: 'yes' });
    }
  }
  node(0.001, 0.001, { place: 'town', name: 'Testbury', population: '20000' });
  node(-0.05, 0.03, { place: 'village', name: 'Llanfach' });
  node(0.05, -0.03, { place: 'village', name: 'Little Testing' });
  node(0.012, 0.013, { place: 'suburb', name: 'Northfield' });

  const escape = (text) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/"/g, '&quot;');
  const tagsXml = (tags) => Object.entries(tags).map(([k, v]) => `<tag k="${escape(k)}" v="${escape(v)}"/>`).join('');
  const lines = ['<?xml version="1.0" encoding="UTF-8"?>', '<osm version="0.6" generator="crimemap test fixture">',
    `<bounds minlat="${lat - 0.05}" minlon="${lon - 0.08}" maxlat="${lat + 0.05}" maxlon="${lon + 0.08}"/>`];
  for (const n of nodes) {
    lines.push(`<node id="${n.id}" version="1" lat="${n.lat.toFixed(7)}" lon="${n.lon.toFixed(7)}">${tagsXml(n.tags)}</node>`);
  }
  for (const w of ways) lines.push(`<way id="${w.id}" version="1">${w.refs.map((r) => `<nd ref="${r}"/>`).join('')}${tagsXml(w.tags)}</way>`);
  lines.push('</osm>');
  return `${lines.join('\n')}\n`;
}

/**
 * Writes the town to `dir`/town.osm.pbf (osmium) and builds `dir`/town.mbtiles with tilemaker's
 * OpenMapTiles profile. Returns the MBTiles path.
 */
export function buildTownBasemap(dir, centre) {
  const examples = '/usr/share/doc/tilemaker/examples';
  writeFileSync(join(dir, 'town.osm'), townOsm(centre));
  execFileSync('osmium', ['cat', '--overwrite', '-o', join(dir, 'town.osm.pbf'), join(dir, 'town.osm')], { stdio: 'pipe' });
  const output = join(dir, 'town.mbtiles');
  execFileSync('tilemaker', ['--input', join(dir, 'town.osm.pbf'), '--output', output,
    '--config', join(examples, 'config-openmaptiles.json'), '--process', join(examples, 'process-openmaptiles.lua')],
  { cwd: dir, stdio: 'pipe' });
  return output;
}
