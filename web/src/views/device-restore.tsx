// Restore a device's configuration from a backup file (a WebDAV URL, with its credentials).
import type { JSX } from 'preact';
import { useState } from 'preact/hooks';
import { call } from '../api.js';
import { TextField, useSubmit } from '../fields.js';
import type { Session } from '../session.js';
import { Problem } from '../ui.js';
import { WebDavAuthFields, authBody, noAuth } from '../webdav-auth.js';

export function DeviceRestore({ mac, session }: { readonly mac: string; readonly session: Session }): JSX.Element {
  const [url, setUrl] = useState('');
  const [auth, setAuth] = useState(noAuth);
  const [done, setDone] = useState('');
  const action = useSubmit(async () => {
    setDone('');
    const answer = await call<{ requestId: string }>(session, 'POST', `/devices/${mac}/restore`, { url, auth: authBody(auth) });
    setDone(`Restored (request ${answer.requestId}).`);
  });
  const { errors } = action;
  return (
    <form class="inline" onSubmit={action.submit} aria-labelledby="restore-title">
      <h2 id="restore-title">Restore from a backup</h2>
      <TextField label="Backup file URL" path="body.url" errors={errors} scope="restore" type="url" value={url} onInput={setUrl} />
      <WebDavAuthFields auth={auth} onChange={setAuth} path="body.auth" errors={errors} scope="restore" />
      <button type="submit" disabled={action.busy || url === ''}>
        Restore
      </button>
      {done === '' ? null : <p role="status">{done}</p>}
      <Problem error={action.error} />
    </form>
  );
}
