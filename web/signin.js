// The sign-in page: a real form (so password managers fill it), sent as JSON
// to /auth/login; then on to the editor or the inbox.

import { byId, clearFormErrors, requestJson, showFormErrors, showSignedIn, startPage, wireEmailForm } from './site.js';
import { accountPage } from './page-urls.js';

startPage();

const form = byId('signin-form');

/** Where an account goes after signing in; `next` (a path on this site) wins. */
function destination(user) {
  const next = new URLSearchParams(location.search).get('next');
  if (next && /^\/[a-z]/.test(next) && !next.startsWith('//')) return next;
  return accountPage(user);
}

form.addEventListener('submit', async (event) => {
  event.preventDefault();
  const email = byId('email').value.trim();
  const password = byId('password').value;
  const missing = {};
  if (!email) missing.email = 'Enter your email address';
  if (!password) missing.password = 'Enter your password';
  if (Object.keys(missing).length) {
    showFormErrors(form, missing, 'Enter your email address and password', ['email', 'password']);
    return;
  }
  try {
    const user = await requestJson('/auth/login', { method: 'POST', body: { email, password } });
    clearFormErrors(form);
    location.assign(destination(user));
  } catch (error) {
    const message = error.status === 401 ? 'The email address or password is not right' : error.message;
    showFormErrors(form, error.status === 401 ? { email: message } : error.body?.fields, message, ['email', 'password']);
  }
});

// "Forgot your password?": the same answer whether or not the address has an account.
wireEmailForm('forgot', '/auth/forgot-password');

if (new URLSearchParams(location.search).has('signed_out')) byId('signed-out').hidden = false;
if (new URLSearchParams(location.search).has('password_set')) byId('password-set').hidden = false;
// Already signed in: the header says so. /auth/session answers null (not a 401) when no one is.
requestJson('/auth/session').then(showSignedIn, () => {});
