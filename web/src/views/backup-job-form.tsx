// Create a backup job: each device of the tenants and categories PUTs its configuration to
// <url>/<tenant>/<mac>/<timestamp> on a WebDAV server.
import type { JSX } from 'preact';
import { useState } from 'preact/hooks';
import { call } from '../api.js';
import type { Session } from '../session.js';
import { Field, Problem, fieldErrors, useAction } from '../ui.js';

const list = (text: string): string[] => text.split(',').map((part) => part.trim()).filter((part) => part !== '');

export function BackupJobForm({ session }: { readonly session: Session }): JSX.Element {
  const [name, setName] = useState('');
  const [tenants, setTenants] = useState('');
  const [categories, setCategories] = useState('');
  const [url, setUrl] = useState('');
  const [auth, setAuth] = useState<'none' | 'basic' | 'digest'>('none');
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const action = useAction();
  const errors = fieldErrors(action.error);
  const create = (event: Event): void => {
    event.preventDefault();
    void action.run(async () => {
      const target = { url, auth: auth === 'none' ? { type: auth } : { type: auth, username, password } };
      const chosen = list(tenants);
      await call(session, 'POST', '/backup-jobs', { name, categories: list(categories), target, ...(chosen.length === 0 ? {} : { tenants: chosen }) });
      setName('');
      setPassword('');
    });
  };
  const text = (label: string, path: string, value: string, set: (value: string) => void): JSX.Element => (
    <Field label={label} path={path} errors={errors} scope="backup">
      {(id, describedBy) => <input id={id} aria-describedby={describedBy} value={value} onInput={(event) => set(event.currentTarget.value)} />}
    </Field>
  );
  return (
    <form class="inline" onSubmit={create} aria-labelledby="new-backup-job">
      <h2 id="new-backup-job">New backup job</h2>
      {text('Backup name', 'body.name', name, setName)}
      {text('Backup tenants (comma separated; empty: all)', 'body.tenants', tenants, setTenants)}
      {text('Backup categories', 'body.categories', categories, setCategories)}
      {text('WebDAV URL', 'body.target.url', url, setUrl)}
      <Field label="WebDAV authentication" path="body.target.auth.type" errors={errors} scope="backup">
        {(id) => (
          <select id={id} value={auth} onChange={(event) => setAuth(event.currentTarget.value as 'none' | 'basic' | 'digest')}>
            <option value="none">none</option>
            <option value="basic">Basic</option>
            <option value="digest">Digest</option>
          </select>
        )}
      </Field>
      {auth === 'none' ? null : text('WebDAV username', 'body.target.auth.username', username, setUsername)}
      {auth === 'none' ? null : (
        <Field label="WebDAV password" path="body.target.auth.password" errors={errors} scope="backup">
          {(id, describedBy) => (
            <input id={id} type="password" autoComplete="off" aria-describedby={describedBy} value={password} onInput={(event) => setPassword(event.currentTarget.value)} />
          )}
        </Field>
      )}
      <button type="submit" disabled={action.busy}>
        Create backup job
      </button>
      <Problem error={action.error} />
    </form>
  );
}
