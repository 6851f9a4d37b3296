// Create a backup job: each device of the tenants and categories PUTs its configuration to
// <url>/<tenant>/<mac>/<timestamp> on a WebDAV server.
import type { JSX } from 'preact';
import { useState } from 'preact/hooks';
import { call } from '../api.js';
import { TextField, useSubmit } from '../fields.js';
import type { Session } from '../session.js';
import { commaList } from '../text.js';
import { Problem } from '../ui.js';
import { WebDavAuthFields, authBody, noAuth } from '../webdav-auth.js';

export function BackupJobForm({ session }: { readonly session: Session }): JSX.Element {
  const [name, setName] = useState('');
  const [tenants, setTenants] = useState('');
  const [categories, setCategories] = useState('');
  const [url, setUrl] = useState('');
  const [auth, setAuth] = useState(noAuth);
  const action = useSubmit(async () => {
    const chosen = commaList(tenants);
    await call(session, 'POST', '/backup-jobs', { name, categories: commaList(categories), target: { url, auth: authBody(auth) }, ...(chosen.length === 0 ? {} : { tenants: chosen }) });
    setName('');
    setAuth({ ...auth, password: '' });
  });
  const { errors } = action;
  const frame = { errors, scope: 'backup' };
  return (
    <form class="inline" onSubmit={action.submit} aria-labelledby="new-backup-job">
      <h2 id="new-backup-job">New backup job</h2>
      <TextField label="Backup name" path="body.name" {...frame} value={name} onInput={setName} />
      <TextField label="Backup tenants (comma separated; empty: all)" path="body.tenants" {...frame} value={tenants} onInput={setTenants} />
      <TextField label="Backup categories" path="body.categories" {...frame} value={categories} onInput={setCategories} />
      <TextField label="WebDAV URL" path="body.target.url" {...frame} value={url} onInput={setUrl} />
      <WebDavAuthFields auth={auth} onChange={setAuth} path="body.target.auth" {...frame} />
      <button type="submit" disabled={action.busy}>
        Create backup job
      </button>
      <Problem error={action.error} />
    </form>
  );
}
