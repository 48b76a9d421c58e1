// The page a set-password link opens: it shows whose account the link is for,
// takes a new password in a real form (so a password manager offers one and
// saves it under the account's address), sends it as JSON to
// /auth/set-password, then goes on to sign in.

import { byId, clearFormErrors, requestJson, showFormErrors, startPage } from './site.js';
import { signInPage } from './page-urls.js';

startPage();

const form = byId('password-form');
const token = new URLSearchParams(location.search).get('token') ?? '';
// Once read, the token leaves the address bar and the history.
history.replaceState(null, '', location.pathname);

const NOT_VALID = 'This link is not valid, has been used or has expired. Ask your administrator for a new one.';

/** Hides the form and says why. */
function linkProblem(text) {
  form.hidden = true;
  byId('checking').hidden = true;
  const problem = byId('link-problem');
  problem.textContent = text;
  problem.hidden = false;
}

async function showAccount() {
  if (!token) {
    linkProblem('This page needs the whole link you were sent: open it again from your email or message.');
    return;
  }
  try {
    const account = await requestJson(`/auth/set-password/account?token=${encodeURIComponent(token)}`);
    byId('email').value = account.email;
    byId('checking').hidden = true;
    form.hidden = false;
  } catch (error) {
    linkProblem(error.status === 404 ? NOT_VALID : `Your link could not be checked: ${error.message}`);
  }
}

form.addEventListener('submit', async (event) => {
  event.preventDefault();
  const password = byId('password').value;
  if (!password) {
    showFormErrors(form, { password: 'Enter a new password' }, 'Enter a new password', ['password']);
    return;
  }
  try {
    await requestJson('/auth/set-password', { method: 'POST', body: { token, password } });
    clearFormErrors(form);
    location.assign(signInPage({ password_set: '' }));
  } catch (error) {
    if (error.body?.fields?.token) {
      linkProblem(NOT_VALID);
      return;
    }
    showFormErrors(form, error.body?.fields, error.message, ['password']);
  }
});

showAccount();
