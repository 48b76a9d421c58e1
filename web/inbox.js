// A Watch coordinator's inbox (/inbox): the messages residents sent to the
// coordinator's schemes, newest first, with mark-as-read and delete.

import { byId, el, requestJson, requireSignedIn, showPageProblem, startPage } from './site.js';

startPage();

let user = null;

function announce(text) {
  const box = byId('inbox-status');
  box.textContent = text;
  box.hidden = false;
}

function when(iso) {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : date.toLocaleString('en-GB', { dateStyle: 'long', timeStyle: 'short' });
}

function messageItem(m, refresh) {
  const who = m.name ?? 'A resident';
  const title = `${m.kind === 'join' ? 'Request to join' : 'Message'} from ${who}`;
  const details = [];
  if (m.email) details.push(el('dt', { text: 'Email' }), el('dd', {}, el('a', { href: `mailto:${m.email}`, text: m.email })));
  if (m.phone) details.push(el('dt', { text: 'Telephone' }), el('dd', { text: m.phone }));
  details.push(el('dt', { text: 'Scheme' }), el('dd', { text: m.scheme_id }));
  const read = el('button', { type: 'button', class: 'button secondary' }, 'Mark as read',
    el('span', { class: 'visually-hidden', text: `: ${title}` }));
  const remove = el('button', { type: 'button', class: 'button warning' }, 'Delete',
    el('span', { class: 'visually-hidden', text: `: ${title}` }));
  read.addEventListener('click', async () => {
    try {
      await requestJson(`/api/watch/inbox/${encodeURIComponent(m.id)}/read`, { method: 'POST', csrf: user.csrf_token });
      announce(`Marked as read: ${title}.`);
      refresh();
    } catch (error) { announce(`Could not mark it as read: ${error.message}`); }
  });
  remove.addEventListener('click', async () => {
    try {
      await requestJson(`/api/watch/inbox/${encodeURIComponent(m.id)}`, { method: 'DELETE', csrf: user.csrf_token });
      announce(`Deleted: ${title}.`);
      refresh();
    } catch (error) { announce(`Could not delete it: ${error.message}`); }
  });
  return el('li', { class: m.read ? 'read' : 'unread', 'data-message-id': m.id },
    el('h2', { class: 'message-title' }, m.read ? '' : el('span', { class: 'status-tag', text: 'New' }), m.read ? '' : ' ', title),
    el('p', { class: 'meta', text: `Received ${when(m.created_at)}` }),
    m.hidden ? el('p', { class: 'notice', text: m.hidden }) : null,
    m.text ? el('p', { class: 'message-text', text: m.text }) : null,
    el('dl', { class: 'details-list' }, details),
    el('div', { class: 'button-row' }, m.read ? null : read, remove));
}

async function load() {
  const [messages, notices] = await Promise.all([requestJson('/api/watch/inbox'), requestJson('/api/watch/inbox/notices')]);
  // A scheme whose form is at its hourly ceiling: the coordinator is told, messages are not lost silently.
  byId('inbox-notices').replaceChildren(...notices.map((n) => el('p', { class: 'notice', text: `${n.scheme_id}: ${n.notice}` })));
  const unread = messages.filter((m) => !m.read).length;
  byId('inbox-count').textContent = messages.length === 0
    ? 'There are no messages.'
    : `${messages.length} ${messages.length === 1 ? 'message' : 'messages'}, ${unread} new.`;
  byId('messages').replaceChildren(...messages.map((m) => messageItem(m, () => load().catch((e) => announce(e.message)))));
}

async function main() {
  user = await requireSignedIn('/inbox');
  if (!user) return;
  if (user.role !== 'coordinator') {
    showPageProblem('This inbox is for Neighbourhood Watch coordinators.');
    return;
  }
  try {
    await load();
  } catch (error) {
    showPageProblem(error.message);
    return;
  }
  byId('loading').remove();
  byId('inbox').hidden = false;
}

main();
