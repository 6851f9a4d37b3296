// Tenants: live list; admins create tenants and grant; a tenant's admin may change its
// password and its password deployment switch.
import type { JSX } from 'preact';
import { useState } from 'preact/hooks';
import { call } from '../api.js';
import type { LiveModels } from '../live.js';
import type { Tenant } from '../models.js';
import { canWrite } from '../session.js';
import type { Session } from '../session.js';
import { Field, Problem, fieldErrors, useAction, useLive } from '../ui.js';
import { ChangePassword, GrantAccess } from './tenant-forms.js';

export function TenantsView({ session, live }: { readonly session: Session; readonly live: LiveModels }): JSX.Element {
  useLive(live);
  const action = useAction();
  const tenants = [...live.all<Tenant>('tenants')].sort((a, b) => (a.id < b.id ? -1 : 1));
  const revoke = (tenant: Tenant, other: string): void => {
    void action.run(async () => {
      await call(session, 'DELETE', `/tenants/${encodeURIComponent(tenant.id)}/grants/${encodeURIComponent(other)}`);
    });
  };
  const deployment = (tenant: Tenant, enabled: boolean): void => {
    void action.run(async () => {
      await call(session, 'PUT', `/tenants/${encodeURIComponent(tenant.id)}/password-deployment`, { enabled });
    });
  };
  return (
    <section aria-labelledby="tenants-title">
      <h1 id="tenants-title">Tenants</h1>
      {session.role === 'admin' ? <CreateTenant session={session} /> : null}
      {canWrite(session) ? <ChangePassword session={session} tenants={tenants} /> : null}
      {session.role === 'admin' ? <GrantAccess session={session} tenants={tenants} /> : null}
      <Problem error={action.error} />
      <table aria-label="Tenants">
        <thead>
          <tr>
            <th scope="col">Id</th>
            <th scope="col">Name</th>
            <th scope="col">Grants</th>
            <th scope="col">Password deployment</th>
          </tr>
        </thead>
        <tbody>
          {tenants.map((tenant) => (
            <tr key={tenant.id} data-tenant={tenant.id}>
              <td>{tenant.id}</td>
              <td>{tenant.name}</td>
              <td>
                {tenant.grants.length === 0 ? '—' : null}
                {tenant.grants.map((other) => (
                  <span key={other} class="grant">
                    {other}
                    {session.role === 'admin' ? (
                      <button type="button" class="small" onClick={() => revoke(tenant, other)} aria-label={`Revoke ${tenant.id}'s access to ${other}`}>
                        ×
                      </button>
                    ) : null}
                  </span>
                ))}
              </td>
              <td>
                <label>
                  <input
                    type="checkbox"
                    role="switch"
                    checked={tenant.passwordDeployment}
                    disabled={!canWrite(session) || action.busy}
                    onChange={(event) => deployment(tenant, event.currentTarget.checked)}
                  />{' '}
                  {tenant.passwordDeployment ? 'on' : 'off'}
                  <span class="visually-hidden"> for {tenant.id}</span>
                </label>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

function CreateTenant({ session }: { readonly session: Session }): JSX.Element {
  const [id, setId] = useState('');
  const [name, setName] = useState('');
  const [password, setPassword] = useState('');
  const action = useAction();
  const errors = fieldErrors(action.error);
  const create = (event: Event): void => {
    event.preventDefault();
    void action.run(async () => {
      await call(session, 'POST', '/tenants', { id, name, password });
      setId('');
      setName('');
      setPassword('');
    });
  };
  return (
    <form class="inline" onSubmit={create} aria-labelledby="new-tenant">
      <h2 id="new-tenant">New tenant</h2>
      <Field label="Id" path="body.id" errors={errors}>
        {(fieldId, describedBy) => <input id={fieldId} aria-describedby={describedBy} value={id} onInput={(event) => setId(event.currentTarget.value)} />}
      </Field>
      <Field label="Name" path="body.name" errors={errors}>
        {(fieldId, describedBy) => <input id={fieldId} aria-describedby={describedBy} value={name} onInput={(event) => setName(event.currentTarget.value)} />}
      </Field>
      <Field label="Password" path="body.password" errors={errors}>
        {(fieldId, describedBy) => (
          <input id={fieldId} type="password" autoComplete="new-password" aria-describedby={describedBy} value={password} onInput={(event) => setPassword(event.currentTarget.value)} />
        )}
      </Field>
      <button type="submit" disabled={action.busy}>
        Create tenant
      </button>
      <Problem error={action.error} />
    </form>
  );
}
