// Restore a device's configuration from a backup file (a WebDAV URL, with its credentials).
import type { JSX } from 'preact';
import { useState } from 'preact/hooks';
import { call } from '../api.js';
import type { Session } from '../session.js';
import { Field, Problem, fieldErrors, useAction } from '../ui.js';

export function DeviceRestore({ mac, session }: { readonly mac: string; readonly session: Session }): JSX.Element {
  const [url, setUrl] = useState('');
  const [auth, setAuth] = useState<'none' | 'basic' | 'digest'>('none');
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [done, setDone] = useState('');
  const action = useAction();
  const errors = fieldErrors(action.error);
  const restore = (event: Event): void => {
    event.preventDefault();
    setDone('');
    void action.run(async () => {
      const credentials = auth === 'none' ? { type: auth } : { type: auth, username, password };
      const answer = await call<{ requestId: string }>(session, 'POST', `/devices/${mac}/restore`, { url, auth: credentials });
      setDone(`Restored (request ${answer.requestId}).`);
    });
  };
  return (
    <form class="inline" onSubmit={restore} aria-labelledby="restore-title">
      <h2 id="restore-title">Restore from a backup</h2>
      <Field label="Backup file URL" path="body.url" errors={errors} scope="restore">
        {(id, describedBy) => <input id={id} aria-describedby={describedBy} type="url" value={url} onInput={(event) => setUrl(event.currentTarget.value)} />}
      </Field>
      <Field label="Authentication" path="body.auth.type" errors={errors} scope="restore">
        {(id) => (
          <select id={id} value={auth} onChange={(event) => setAuth(event.currentTarget.value as 'none' | 'basic' | 'digest')}>
            <option value="none">none</option>
            <option value="basic">Basic</option>
            <option value="digest">Digest</option>
          </select>
        )}
      </Field>
      {auth === 'none' ? null : (
        <>
          <Field label="Username" path="body.auth.username" errors={errors} scope="restore">
            {(id, describedBy) => <input id={id} aria-describedby={describedBy} value={username} onInput={(event) => setUsername(event.currentTarget.value)} />}
          </Field>
          <Field label="Password" path="body.auth.password" errors={errors} scope="restore">
            {(id, describedBy) => (
              <input id={id} type="password" autoComplete="off" aria-describedby={describedBy} value={password} onInput={(event) => setPassword(event.currentTarget.value)} />
            )}
          </Field>
        </>
      )}
      <button type="submit" disabled={action.busy || url === ''}>
        Restore
      </button>
      {done === '' ? null : <p role="status">{done}</p>}
      <Problem error={action.error} />
    </form>
  );
}
