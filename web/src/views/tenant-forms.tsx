// Forms on the Tenants view: change a tenant's password (admins, and a tenant's own admin),
// grant one tenant access to another (admins).
import type { JSX } from 'preact';
import { useState } from 'preact/hooks';
import { call } from '../api.js';
import type { Tenant } from '../models.js';
import type { Session } from '../session.js';
import { Field, Problem, fieldErrors, useAction } from '../ui.js';

function TenantSelect({ id, tenants, value, onChange }: { readonly id: string; readonly tenants: readonly Tenant[]; readonly value: string; readonly onChange: (value: string) => void }): JSX.Element {
  return (
    <select id={id} value={value} onChange={(event) => onChange(event.currentTarget.value)}>
      {tenants.map((tenant) => (
        <option key={tenant.id} value={tenant.id}>
          {tenant.id}
        </option>
      ))}
    </select>
  );
}

export function ChangePassword({ session, tenants }: { readonly session: Session; readonly tenants: readonly Tenant[] }): JSX.Element {
  const [tenant, setTenant] = useState(session.tenant ?? '');
  const [password, setPassword] = useState('');
  const [done, setDone] = useState('');
  const action = useAction();
  const errors = fieldErrors(action.error);
  const chosen = tenant === '' ? (tenants[0]?.id ?? '') : tenant;
  const change = (event: Event): void => {
    event.preventDefault();
    setDone('');
    void action.run(async () => {
      await call(session, 'PUT', `/tenants/${encodeURIComponent(chosen)}/password`, { password });
      setPassword('');
      setDone(`Password of ${chosen} changed.`);
    });
  };
  return (
    <form class="inline" onSubmit={change} aria-labelledby="password-title">
      <h2 id="password-title">Change a tenant's password</h2>
      <Field label="Tenant" path="params.id" errors={errors} scope="password">
        {(id) => <TenantSelect id={id} tenants={tenants} value={chosen} onChange={setTenant} />}
      </Field>
      <Field label="New password" path="body.password" errors={errors} scope="password">
        {(id, describedBy) => (
          <input id={id} type="password" autoComplete="new-password" aria-describedby={describedBy} value={password} onInput={(event) => setPassword(event.currentTarget.value)} />
        )}
      </Field>
      <button type="submit" disabled={action.busy || chosen === ''}>
        Change password
      </button>
      {done === '' ? null : <p role="status">{done}</p>}
      <Problem error={action.error} />
    </form>
  );
}

export function GrantAccess({ session, tenants }: { readonly session: Session; readonly tenants: readonly Tenant[] }): JSX.Element {
  const [tenant, setTenant] = useState('');
  const [other, setOther] = useState('');
  const action = useAction();
  const errors = fieldErrors(action.error);
  const chosen = tenant === '' ? (tenants[0]?.id ?? '') : tenant;
  const granted = other === '' ? (tenants[1]?.id ?? '') : other;
  const grant = (event: Event): void => {
    event.preventDefault();
    void action.run(async () => {
      await call(session, 'PUT', `/tenants/${encodeURIComponent(chosen)}/grants/${encodeURIComponent(granted)}`);
    });
  };
  return (
    <form class="inline" onSubmit={grant} aria-labelledby="grant-title">
      <h2 id="grant-title">Grant access</h2>
      <Field label="Tenant" path="params.id" errors={errors} scope="grant">
        {(id) => <TenantSelect id={id} tenants={tenants} value={chosen} onChange={setTenant} />}
      </Field>
      <Field label="may see and act on" path="params.grantedId" errors={errors} scope="grant">
        {(id) => <TenantSelect id={id} tenants={tenants} value={granted} onChange={setOther} />}
      </Field>
      <button type="submit" disabled={action.busy || chosen === '' || granted === ''}>
        Grant
      </button>
      <Problem error={action.error} />
    </form>
  );
}
