// Sign in as the instance admin, a tenant's admin (its id and password), an auditor or a person (user id).
import type { JSX } from 'preact';
import { useState } from 'preact/hooks';
import { call } from '../api.js';
import { startSession } from '../session.js';
import type { Session } from '../session.js';
import { Field, Problem, fieldErrors, useAction } from '../ui.js';

type SignInAs = 'admin' | 'tenant-admin' | 'auditor' | 'user';

const idFields: Readonly<Record<Exclude<SignInAs, 'admin'>, { readonly field: string; readonly label: string }>> = {
  'tenant-admin': { field: 'tenant', label: 'Tenant' },
  auditor: { field: 'auditor', label: 'Auditor id' },
  user: { field: 'user', label: 'User id' },
};

export function SignIn({ onSignedIn }: { readonly onSignedIn: (session: Session) => void }): JSX.Element {
  const [role, setRole] = useState<SignInAs>('admin');
  const [id, setId] = useState('');
  const [password, setPassword] = useState('');
  const action = useAction();
  const errors = fieldErrors(action.error);
  const named = role === 'admin' ? undefined : idFields[role];

  const submit = (event: Event): void => {
    event.preventDefault();
    void action.run(async () => {
      const body = { password, ...(named === undefined ? {} : { [named.field]: id }) };
      const { token } = await call<{ token: string }>(undefined, 'POST', '/auth/login', body);
      const session = startSession(token);
      if (session === undefined) throw new Error('this account cannot use the console');
      onSignedIn(session);
    });
  };

  return (
    <main class="sign-in">
      <h1>Tether</h1>
      <form onSubmit={submit} aria-label="Sign in">
        <Field label="Sign in as" path="body.role" errors={errors}>
          {(fieldId) => (
            <select id={fieldId} value={role} onChange={(event) => setRole(event.currentTarget.value as SignInAs)}>
              <option value="admin">Instance admin</option>
              <option value="tenant-admin">Tenant admin</option>
              <option value="auditor">Auditor</option>
              <option value="user">User</option>
            </select>
          )}
        </Field>
        {named === undefined ? null : (
          <Field label={named.label} path={`body.${named.field}`} errors={errors}>
            {(fieldId, describedBy) => (
              <input id={fieldId} aria-describedby={describedBy} value={id} required autoComplete="username" onInput={(event) => setId(event.currentTarget.value)} />
            )}
          </Field>
        )}
        <Field label="Password" path="body.password" errors={errors}>
          {(fieldId, describedBy) => (
            <input
              id={fieldId}
              type="password"
              aria-describedby={describedBy}
              value={password}
              required
              autoComplete="current-password"
              onInput={(event) => setPassword(event.currentTarget.value)}
            />
          )}
        </Field>
        <button type="submit" disabled={action.busy}>
          Sign in
        </button>
        <Problem error={action.error} />
      </form>
    </main>
  );
}
