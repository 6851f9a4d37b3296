// Sign in as the instance admin, a tenant's admin (its id and password), an auditor or a person (user id).
import type { JSX } from 'preact';
import { useState } from 'preact/hooks';
import { call } from '../api.js';
import { ChoiceField, TextField, useSubmit } from '../fields.js';
import type { Options } from '../fields.js';
import { startSession } from '../session.js';
import type { Session } from '../session.js';
import { Problem } from '../ui.js';

/** The accounts the login endpoint knows: each says who it is in its own way. */
type Account = 'admin' | 'tenant-admin' | 'auditor' | 'user';
const accounts: Options<Account> = [
  ['admin', 'Instance admin'],
  ['tenant-admin', 'Tenant admin'],
  ['auditor', 'Auditor'],
  ['user', 'User'],
];

/** The login body's field naming the account, and its label. */
const idFields: Readonly<Record<Exclude<Account, 'admin'>, { readonly field: string; readonly label: string }>> = {
  'tenant-admin': { field: 'tenant', label: 'Tenant' },
  auditor: { field: 'auditor', label: 'Auditor id' },
  user: { field: 'user', label: 'User id' },
};

export function SignIn({ onSignedIn }: { readonly onSignedIn: (session: Session) => void }): JSX.Element {
  const [role, setRole] = useState<Account>('admin');
  const [id, setId] = useState('');
  const [password, setPassword] = useState('');
  const named = role === 'admin' ? undefined : idFields[role];
  const action = useSubmit(async () => {
    const body = { password, ...(named === undefined ? {} : { [named.field]: id }) };
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
        {named === undefined ? null : (
          <TextField label={named.label} path={`body.${named.field}`} errors={errors} value={id} required autoComplete="username" onInput={setId} />
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
