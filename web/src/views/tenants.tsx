// Tenants: live list; creating, granting, changing a password and the password deployment
// switch for the roles the permission table lets do so (admins all; a tenant's admin its own
// password and switch).
import type { JSX } from 'preact';
import { useState } from 'preact/hooks';
import { call } from '../api.js';
import { DataTable } from '../data-table.js';
import { TextField, useSubmit } from '../fields.js';
import type { LiveModels } from '../live.js';
import type { Tenant } from '../models.js';
import type { Session } from '../session.js';
import { Problem, Switch, useAction } from '../ui.js';
import { ChangePassword, GrantAccess } from './tenant-forms.js';

export function TenantsView({ session, live }: { readonly session: Session; readonly live: LiveModels }): JSX.Element {
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
      {session.may('tenant', 'create') ? <CreateTenant session={session} /> : null}
      {session.may('tenantPassword', 'update') ? <ChangePassword session={session} tenants={tenants} /> : null}
      {session.may('tenantGrant', 'create') ? <GrantAccess session={session} tenants={tenants} /> : null}
      <Problem error={action.error} />
      <DataTable
        label="Tenants"
        rows={tenants}
        rowKey={(tenant) => tenant.id}
        rowData={(tenant) => ({ 'data-tenant': tenant.id })}
        columns={[
          { label: 'Id', cell: (tenant) => tenant.id },
          { label: 'Name', cell: (tenant) => tenant.name },
          {
            label: 'Grants',
            cell: (tenant) => (
              <>
                {tenant.grants.length === 0 ? '—' : null}
                {tenant.grants.map((other) => (
                  <span key={other} class="grant">
                    {other}
                    {session.may('tenantGrant', 'delete') ? (
                      <button type="button" class="small" onClick={() => revoke(tenant, other)} aria-label={`Revoke ${tenant.id}'s access to ${other}`}>
                        ×
                      </button>
                    ) : null}
                  </span>
                ))}
              </>
            ),
          },
          {
            label: 'Password deployment',
            cell: (tenant) => (
              <Switch on={tenant.passwordDeployment} subject={tenant.id} disabled={!session.may('tenantPassword', 'update') || action.busy} onChange={(on) => deployment(tenant, on)} />
            ),
          },
        ]}
      />
    </section>
  );
}

function CreateTenant({ session }: { readonly session: Session }): JSX.Element {
  const [id, setId] = useState('');
  const [name, setName] = useState('');
  const [password, setPassword] = useState('');
  const action = useSubmit(async () => {
    await call(session, 'POST', '/tenants', { id, name, password });
    setId('');
    setName('');
    setPassword('');
  });
  const { errors } = action;
  return (
    <form class="inline" onSubmit={action.submit} aria-labelledby="new-tenant">
      <h2 id="new-tenant">New tenant</h2>
      <TextField label="Id" path="body.id" errors={errors} value={id} onInput={setId} />
      <TextField label="Name" path="body.name" errors={errors} value={name} onInput={setName} />
      <TextField label="Password" path="body.password" errors={errors} type="password" autoComplete="new-password" value={password} onInput={setPassword} />
      <button type="submit" disabled={action.busy}>
        Create tenant
      </button>
      <Problem error={action.error} />
    </form>
  );
}
