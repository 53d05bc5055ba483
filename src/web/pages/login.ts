/** The login page (no session yet) and the search-by-photo page. */
import { html } from '../html.js';
import { layout, type Viewer } from '../layout.js';

export function loginHtml(csrf: string, opts: { next?: string | undefined; error?: string | undefined; user?: string | undefined } = {}): string {
  const body = html`<h1>Log in</h1>
${opts.error ? html`<p class="error" id="login-error">${opts.error}</p>` : ''}
<form method="post" action="/login" class="login">
<input type="hidden" name="_csrf" value="${csrf}">
${opts.next ? html`<input type="hidden" name="next" value="${opts.next}">` : ''}
<label>User <input name="user" autocomplete="username" required value="${opts.user ?? ''}" autofocus></label>
<label>Password <input name="password" type="password" autocomplete="current-password" required></label>
<button type="submit">Log in</button></form>
<p class="muted">Users are made with faceidx user add NAME --role admin|reviewer|read-only.</p>`;
  return layout('Log in', null, body, { page: 'login' });
}

export function searchHtml(viewer: Viewer): string {
  const body = html`<h1>Search by photo</h1>
<p>Drop a photo on this page (or pick one): every face in it is compared with every person stored, with the same face pipeline as the daemon. The photo is not kept.</p>
<form id="search-form" class="drop"><label>Photo <input type="file" name="photo" accept="image/jpeg,image/png,image/webp" id="photo"></label></form>
<section id="search-results" hidden></section>`;
  return layout('Search by photo', viewer, body, { page: 'search' });
}
