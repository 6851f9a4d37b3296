// Sign in as the instance admin, a tenant's admin (its id and password) or an auditor.
import type { JSX } from 'preact';
import { useState } from 'preact/hooks';
import { call } from '../api.js';
import { ChoiceField, TextField, useSubmit } from '../fields.js';
import type { Options } from '../fields.js';
import { startSession } from '../session.js';
import type { Session } from '../session.js';
import { Problem } from '../ui.js';

/** The accounts the login endpoint knows: each says who it is in its own way. */
type Account = 'admin' | 'tenant-admin' | 'auditor';
const accounts: Options<Account> = [
  ['admin', 'Instance admin'],
  ['tenant-admin', 'Tenant admin'],
  ['auditor', 'Auditor'],
];

export function SignIn({ onSignedIn }: { readonly onSignedIn: (session: Session) => void }): JSX.Element {
  const [role, setRole] = useState<Account>('admin');
  const [id, setId] = useState('');
  const [password, setPassword] = useState('');
  const idField = role === 'tenant-admin' ? 'tenant' : 'auditor';
  const action = useSubmit(async () => {
    const body = { password, ...(role === 'admin' ? {} : { [idField]: id }) };
    const { token } = await call<{ token: string }>(undefined, 'POST', '/auth/login', body);
    const session = startSession(token);
    if (session === undefined) throw new Error('this account cannot use the console');
    onSignedIn(session);
  });
  const { errors } = action;


  return (
    <main class="sign-in">
      <h1>Tether</h1>
      <form onSubmit={action.submit} aria-label="Sign in">
        <ChoiceField label="Sign in as" path="body.role" errors={errors} value={role} options={accounts} onChange={setRole} />
        {role === 'admin' ? null : (
          <TextField label={role === 'tenant-admin' ? 'Tenant' : 'Auditor id'} path={`body.${idField}`} errors={errors} value={id} required autoComplete="username" onInput={setId} />
        )}
        <TextField label="Password" path="body.password" errors={errors} type="password" value={password} required autoComplete="current-password" onInput={setPassword} />
        <button type="submit" disabled={action.busy}>
          Sign in
        </button>
        <Problem error={action.error} />
      </form>
    </main>
  );
}
