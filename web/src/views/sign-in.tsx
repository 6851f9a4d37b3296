// Sign in as the instance admin, a tenant's admin (its id and password) or an auditor.
import type { JSX } from 'preact';
import { useState } from 'preact/hooks';
import { call } from '../api.js';
import { startSession } from '../session.js';
import type { Role, Session } from '../session.js';
import { Field, Problem, fieldErrors, useAction } from '../ui.js';

export function SignIn({ onSignedIn }: { readonly onSignedIn: (session: Session) => void }): JSX.Element {
  const [role, setRole] = useState<Role>('admin');
  const [id, setId] = useState('');
  const [password, setPassword] = useState('');
  const action = useAction();
  const errors = fieldErrors(action.error);
  const idField = role === 'tenant-admin' ? 'tenant' : 'auditor';

  const submit = (event: Event): void => {
    event.preventDefault();
    void action.run(async () => {
      const body = { password, ...(role === 'admin' ? {} : { [idField]: id }) };
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
            <select id={fieldId} value={role} onChange={(event) => setRole(event.currentTarget.value as Role)}>
              <option value="admin">Instance admin</option>
              <option value="tenant-admin">Tenant admin</option>
              <option value="auditor">Auditor</option>
            </select>
          )}
        </Field>
        {role === 'admin' ? null : (
          <Field label={role === 'tenant-admin' ? 'Tenant' : 'Auditor id'} path={`body.${idField}`} errors={errors}>
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
