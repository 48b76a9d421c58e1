// A Neighbourhood Watch scheme's page (/scheme?id=) with the join / message
// form, its confirmation, and (/scheme?delete=<path>) the page that deletes
// a message with the link the confirmation gave.

import { byId, clearFormErrors, el, requestJson, showFormErrors, showPageProblem, startPage } from './site.js';
import { mapAt, messageDeletePage } from './page-urls.js';
import { htmlToParagraphs, safeHref, schemeStatusText } from './text.js';

startPage();

const FIELD_ORDER = ['kind', 'name', 'email', 'phone', 'text'];
const form = byId('message-form');

function showScheme(scheme) {
  byId('scheme-name').textContent = scheme.name;
  document.title = `${scheme.name} - crimemap`;
  byId('scheme-status').textContent = schemeStatusText(scheme.status);
  byId('scheme-description').replaceChildren(...htmlToParagraphs(scheme.description).map((text) => el('p', { text })));
  const details = [];
  if (scheme.households) details.push(['Households', String(scheme.households)]);
  if (scheme.meetings) details.push(['Meetings', scheme.meetings]);
  const website = safeHref(scheme.website);
  byId('scheme-details').replaceChildren(...details.flatMap(([k, v]) => [el('dt', { text: k }), el('dd', { text: v })]),
    ...(website ? [el('dt', { text: 'Website' }), el('dd', {}, el('a', { href: website, text: scheme.website }))] : []));
  if (Number.isFinite(scheme.latitude) && Number.isFinite(scheme.longitude)) {
    byId('scheme-links').replaceChildren(el('a', { href: mapAt(15, scheme.latitude, scheme.longitude), text: 'See the area on the crime map' }));
  }
  byId('csrf_token').value = scheme.csrf_token ?? '';
  form.action = `/api/watch/schemes/${encodeURIComponent(scheme.id)}/messages`;
  byId('scheme').hidden = false;
}

function showConfirmation(scheme, deleteUrl) {
  byId('scheme').hidden = true;
  byId('confirmation-scheme').textContent = scheme.name;
  byId('delete-link').href = messageDeletePage(deleteUrl);
  byId('delete-link').textContent = `${location.origin}/scheme?delete=${encodeURIComponent(deleteUrl)}`;
  byId('confirmation').hidden = false;
  document.title = `Message sent - ${scheme.name} - crimemap`;
  byId('confirmation-heading').focus();
}

function wireForm(scheme) {
  let sending = false;
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    if (sending) return;
    const data = new FormData(form);
    const body = Object.fromEntries(['kind', 'name', 'email', 'phone', 'text', 'website'].map((k) => [k, String(data.get(k) ?? '')]));
    sending = true;
    try {
      const answer = await requestJson(form.action, { method: 'POST', body, csrf: byId('csrf_token').value });
      clearFormErrors(form);
      showConfirmation(scheme, answer.delete_url);
    } catch (error) {
      const fields = error.body?.fields;
      const message = error.status === 403
        ? 'This form has expired: reload the page and send it again'
        : error.message;
      showFormErrors(form, fields, message, FIELD_ORDER);
    } finally {
      sending = false;
    }
  });
}

function showWithdraw(path) {
  byId('withdraw').hidden = false;
  document.title = 'Delete your message - crimemap';
  const button = byId('withdraw-button');
  button.addEventListener('click', async () => {
    button.disabled = true;
    try {
      await requestJson(path, { method: 'DELETE' });
      byId('withdraw-heading').textContent = 'Your message has been deleted';
      byId('withdraw-text').textContent = 'The coordinator can no longer see it or your details.';
      button.remove();
    } catch (error) {
      byId('withdraw-text').textContent = error.status === 404
        ? 'This message has already been deleted, or the link is not right.'
        : `The message could not be deleted: ${error.message}`;
      button.disabled = false;
    }
    document.title = `${byId('withdraw-heading').textContent} - crimemap`;
    byId('withdraw-heading').focus();
  });
}

async function main() {
  const params = new URLSearchParams(location.search);
  const deletePath = params.get('delete');
  if (deletePath !== null) {
    byId('loading').remove();
    if (!/^\/api\/watch\/messages\/[^/?#]+\?token=[^&#]+$/.test(deletePath)) {
      showPageProblem('This link to delete a message is not complete: copy the whole link from the confirmation.');
      return;
    }
    showWithdraw(deletePath);
    return;
  }
  const id = params.get('id');
  if (!id) {
    showPageProblem('This page needs a scheme: find one near you on the Neighbourhood Watch page.');
    return;
  }
  try {
    const scheme = await requestJson(`/api/watch/schemes/${encodeURIComponent(id)}`);
    byId('loading').remove();
    showScheme(scheme);
    wireForm(scheme);
  } catch (error) {
    showPageProblem(error.status === 404 ? 'There is no such scheme.' : error.message);
  }
}

main();
