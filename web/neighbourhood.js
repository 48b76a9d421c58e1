// The neighbourhood page (/neighbourhood?force=&id=): who polices it, how to
// reach them, what they are working on, the crime summary with charts, and
// victim support services for the force area.

import { byId, el, requestJson, showPageProblem, startPage, wireEmailForm } from './site.js';
import { barChart, columnChart } from './charts.js';
import { categoryRows, outcomeRows, trendRows } from './chart-data.js';
import { monthLabel } from './crime-filters.js';
import { mapAt, watchNear } from './page-urls.js';
import { formatCount, formatDate, htmlToParagraphs, safeHref, telHref } from './text.js';

startPage();

const CONTACT_LABELS = {
  telephone: 'Telephone', mobile: 'Mobile', fax: 'Fax', email: 'Email', web: 'Website', address: 'Address',
  facebook: 'Facebook', twitter: 'X (Twitter)', youtube: 'YouTube', flickr: 'Flickr', forum: 'Forum',
  'e-messaging': 'Email alerts', rss: 'RSS',
};

const paragraphs = (html, className) => htmlToParagraphs(html).map((text) => el('p', { class: className, text }));

function contactValue(key, value) {
  if (key === 'telephone' || key === 'mobile' || key === 'fax') {
    const href = telHref(value);
    return href ? el('a', { href, text: value }) : value;
  }
  if (key === 'email') return el('a', { href: `mailto:${value}`, text: value });
  const href = safeHref(value);
  return href ? el('a', { href, text: value }) : value;
}

function renderContact(details) {
  const entries = Object.entries(details ?? {}).filter(([, v]) => typeof v === 'string' && v.trim() !== '');
  const list = byId('contact');
  if (entries.length === 0) {
    list.replaceWith(el('p', { text: 'The team has not published contact details.' }));
    return;
  }
  entries.sort(([a], [b]) => Object.keys(CONTACT_LABELS).indexOf(a) - Object.keys(CONTACT_LABELS).indexOf(b));
  list.replaceChildren(...entries.flatMap(([key, value]) => [
    el('dt', { text: CONTACT_LABELS[key] ?? key }), el('dd', {}, contactValue(key, value.trim()))]));
}

function renderPeople(people) {
  const list = byId('people');
  if (!people.length) {
    list.replaceWith(el('p', { text: 'The team has not published its members.' }));
    return;
  }
  list.replaceChildren(...people.map((person) => el('li', {},
    el('h3', { text: person.name }),
    person.rank ? el('p', { class: 'rank', text: person.rank }) : null,
    ...paragraphs(person.bio, 'bio'))));
}

function renderPriorities(priorities) {
  const box = byId('priorities');
  if (!priorities.length) {
    box.replaceChildren(el('p', { text: 'No priorities are published.' }));
    return;
  }
  box.replaceChildren(el('ul', { class: 'priorities' }, priorities.map((p) => el('li', {},
    el('h3', { text: htmlToParagraphs(p.issue).join(' ') || 'Priority' }),
    p['issue-date'] ? el('p', { class: 'meta', text: `Set ${formatDate(p['issue-date'])}` }) : null,
    p.action ? el('p', { class: 'meta', text: `Action${p['action-date'] ? ` (${formatDate(p['action-date'])})` : ''}:` }) : null,
    ...paragraphs(p.action)))));
}

function eventItem(event) {
  const when = [formatDate(event.start_date), formatDate(event.end_date)].filter(Boolean);
  return el('li', {},
    el('h3', { text: event.title || 'Event' }),
    el('p', { class: 'meta', text: [when.join(' to '), event.type].filter(Boolean).join(' · ') }),
    event.address ? el('p', { text: event.address }) : null,
    ...paragraphs(event.description));
}

function renderEvents(events) {
  const today = new Date().toISOString().slice(0, 10);
  const ends = (e) => (e.end_date || e.start_date || '').slice(0, 10);
  const upcoming = events.filter((e) => ends(e) === '' || ends(e) >= today);
  const past = events.filter((e) => !upcoming.includes(e));
  byId('events').replaceChildren(
    upcoming.length ? el('ul', { class: 'events' }, upcoming.map(eventItem)) : el('p', { text: 'No upcoming events are published.' }),
    ...(past.length ? [el('details', {}, el('summary', { text: `Past events (${past.length})` }), el('ul', { class: 'events' }, past.map(eventItem)))] : []));
}

function renderSupport(services) {
  const list = byId('support');
  if (!services.length) {
    list.replaceWith(el('p', {}, 'No services are listed for this area. Victim Support can help anyone in England and Wales: call ',
      el('a', { href: 'tel:08081689111', text: '08 08 16 89 111' }), ' (free, 24 hours).'));
    return;
  }
  list.replaceChildren(...services.map((s) => {
    const tel = telHref(s.telephone);
    const web = safeHref(s.web);
    return el('li', {},
      el('h3', { text: s.name }),
      s.helps ? el('p', { text: `Helps ${s.helps}.` }) : null,
      s.telephone ? el('p', {}, 'Telephone: ', tel ? el('a', { href: tel, text: s.telephone }) : s.telephone) : null,
      web ? el('p', {}, 'Website: ', el('a', { href: web, text: s.web })) : null);
  }));
}

function renderSummary(summary) {
  const box = byId('summary');
  const month = monthLabel(summary.month);
  const parts = [
    el('p', { class: 'lead', text: summary.month_has_data
      ? `${formatCount(summary.total)} crimes and incidents of anti-social behaviour were recorded in ${month}.`
      : `No crime data is published for ${month}.` }),
  ];
  if (summary.rate?.crimes_per_1000 != null) {
    const force = summary.rate.force;
    parts.push(el('p', { text: `That is ${summary.rate.crimes_per_1000.toFixed(1)} per 1,000 residents`
      + (force?.crimes_per_1000 != null ? ` (the force area: ${force.crimes_per_1000.toFixed(1)}).` : '.') }));
  }
  const categories = categoryRows(summary);
  if (categories.length) parts.push(barChart(`Crimes by category, ${month}`, categories, 'Crimes'));
  const trend = trendRows(summary);
  if (trend.length) parts.push(columnChart('Crimes each month, the last 12 months', trend, 'Crimes'));
  const outcomes = outcomeRows(summary);
  if (outcomes.length) parts.push(barChart(`What happened next, crimes of ${month}`, outcomes, 'Crimes (share)'));
  box.replaceChildren(...parts);
}

async function main() {
  const params = new URLSearchParams(location.search);
  const force = params.get('force');
  const id = params.get('id');
  if (!force || !id) {
    showPageProblem('This page needs a force and a neighbourhood: find yours with the search on the crime map.');
    return;
  }
  const base = `/api/${encodeURIComponent(force)}/${encodeURIComponent(id)}`;
  let hood;
  try {
    hood = await requestJson(base);
  } catch (error) {
    showPageProblem(error.status === 404 ? 'There is no such neighbourhood.' : error.message);
    return;
  }
  byId('name').textContent = hood.name ?? id;
  document.title = `${hood.name ?? id} - crimemap`;
  const [forceInfo, people, priorities, events, summary, support] = await Promise.allSettled([
    requestJson(`/api/forces/${encodeURIComponent(force)}`),
    requestJson(`${base}/people`),
    requestJson(`${base}/priorities`),
    requestJson(`${base}/events`),
    requestJson(`/api/summary/${encodeURIComponent(force)}/${encodeURIComponent(id)}`),
    requestJson(`/api/forces/${encodeURIComponent(force)}/support`),
  ]);
  const value = (result, fallback) => (result.status === 'fulfilled' && result.value != null ? result.value : fallback);
  byId('force').textContent = `Policed by ${value(forceInfo, {}).name ?? force}.`;
  byId('description').replaceChildren(...paragraphs(hood.description));
  const lat = Number(hood.centre?.latitude), lng = Number(hood.centre?.longitude);
  const links = [];
  if (Number.isFinite(lat) && Number.isFinite(lng)) {
    links.push(el('a', { href: mapAt(14, lat, lng), text: 'See this neighbourhood on the crime map' }),
      el('a', { href: watchNear(lat, lng), text: 'Neighbourhood Watch schemes nearby' }));
  }
  for (const link of hood.links ?? []) {
    const href = safeHref(link.url);
    if (href) links.push(el('a', { href, text: link.title || link.url }));
  }
  byId('map-links').replaceChildren(...links);
  // "Email me when new crime figures are published": double opt-in, so the answer only says a
  // confirmation link is on its way (the same whether or not the address is subscribed already).
  wireEmailForm('follow', '/api/subscriptions', { force, neighbourhood: id });
  byId('events-calendar').href = `${base}/events.ics`;
  renderContact(hood.contact_details);
  renderPeople(value(people, []));
  renderPriorities(value(priorities, []));
  renderEvents(value(events, []));
  renderSupport(value(support, []));
  if (summary.status === 'fulfilled') renderSummary(summary.value);
  else byId('summary').replaceChildren(el('p', { text: `The crime summary could not be loaded: ${summary.reason.message}` }));
  byId('loading').remove();
  byId('content').hidden = false;
}

main();
