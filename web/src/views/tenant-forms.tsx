// Forms on the Tenants view: change a tenant's password (admins, and a tenant's own admin),
// grant one tenant access to another (admins).
import type { JSX } from 'preact';
import { useState } from 'preact/hooks';
import { call } from '../api.js';
import { TextField, useSubmit } from '../fields.js';
import type { Tenant } from '../models.js';
import type { Session } from '../session.js';
import { TenantField } from '../tenant-select.js';
import { Problem } from '../ui.js';

export function ChangePassword({ session, tenants }: { readonly session: Session; readonly tenants: readonly Tenant[] }): JSX.Element {
  const [tenant, setTenant] = useState(session.tenant ?? '');
  const [password, setPassword] = useState('');
  const [done, setDone] = useState('');
  const chosen = tenant === '' ? (tenants[0]?.id ?? '') : tenant;
  const action = useSubmit(async () => {
    setDone('');
    await call(session, 'PUT', `/tenants/${encodeURIComponent(chosen)}/password`, { password });
    setPassword('');
    setDone(`Password of ${chosen} changed.`);
  });
  const { errors } = action;
  return (
    <form class="inline" onSubmit={action.submit} aria-labelledby="password-title">
      <h2 id="password-title">Change a tenant's password</h2>
      <TenantField label="Tenant" path="params.id" errors={errors} scope="password" tenants={tenants} value={chosen} onChange={setTenant} />
      <TextField label="New password" path="body.password" errors={errors} scope="password" type="password" autoComplete="new-password" value={password} onInput={setPassword} />
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
  const chosen = tenant === '' ? (tenants[0]?.id ?? '') : tenant;
  const granted = other === '' ? (tenants[1]?.id ?? '') : other;
  const action = useSubmit(async () => {
    await call(session, 'PUT', `/tenants/${encodeURIComponent(chosen)}/grants/${encodeURIComponent(granted)}`);
  });
  const { errors } = action;
  return (
    <form class="inline" onSubmit={action.submit} aria-labelledby="grant-title">
      <h2 id="grant-title">Grant access</h2>
      <TenantField label="Tenant" path="params.id" errors={errors} scope="grant" tenants={tenants} value={chosen} onChange={setTenant} />
      <TenantField label="may see and act on" path="params.grantedId" errors={errors} scope="grant" tenants={tenants} value={granted} onChange={setOther} />
      <button type="submit" disabled={action.busy || chosen === '' || granted === ''}>
        Grant
      </button>
      <Problem error={action.error} />
    </form>
  );
}
