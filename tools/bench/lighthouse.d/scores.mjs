// One page's line for tools/bench/lighthouse: of its RUNS reports, the run with the median
// performance score, with that run's accessibility, best practices and SEO scores, its total
// blocking time and largest contentful paint, and the audits that cost points elsewhere.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const [name, dir, runsText] = process.argv.slice(2);
const reports = [];
for (let run = 1; run <= Number(runsText); run += 1) {
  reports.push(JSON.parse(readFileSync(join(dir, `${name}-${run}.json`), 'utf8')));
}
const score = (report, id) => Math.round((report.categories[id]?.score ?? 0) * 100);
reports.sort((a, b) => score(a, 'performance') - score(b, 'performance'));
const median = reports[Math.floor(reports.length / 2)];
const audit = (id) => median.audits[id]?.displayValue ?? '';
const failing = [];
for (const id of ['accessibility', 'best-practices', 'seo']) {
  for (const ref of median.categories[id].auditRefs) {
    const a = median.audits[ref.id];
    if (ref.weight > 0 && a.score !== null && a.score < 1) failing.push(ref.id);
  }
}
const all = reports.map((r) => score(r, 'performance')).join('/');
console.log(`${name.padEnd(14)} ${String(score(median, 'performance')).padStart(5)} ${String(score(median, 'accessibility')).padStart(5)}`
  + ` ${String(score(median, 'best-practices')).padStart(5)} ${String(score(median, 'seo')).padStart(5)}`
  + `   (runs ${all}; TBT ${audit('total-blocking-time')}, LCP ${audit('largest-contentful-paint')})`
  + (failing.length ? `  failing: ${failing.join(', ')}` : ''));
