// Provisioning codes of a tenant: create one (shown once, with a copy button), list the live
// ones (never the code itself), revoke one.
import type { JSX } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { call } from '../api.js';
import { DataTable } from '../data-table.js';
import { TextField, useSubmit } from '../fields.js';
import type { Tenant } from '../models.js';
import type { Session } from '../session.js';
import { TenantField } from '../tenant-select.js';
import { CopyButton, Problem, RowButton, Time } from '../ui.js';

interface CodeView {
  readonly codeId: string;
  readonly expiresAt: string;
  readonly maxUses?: number;
  readonly uses: number;
}

export function ProvisioningCodes({ session, tenants }: { readonly session: Session; readonly tenants: readonly Tenant[] }): JSX.Element {
  const [tenant, setTenant] = useState(session.tenant ?? '');
  const [maxUses, setMaxUses] = useState('');
  const [issued, setIssued] = useState<string | undefined>(undefined);
  const [codes, setCodes] = useState<readonly CodeView[]>([]);
  const chosen = tenant === '' ? (tenants[0]?.id ?? '') : tenant;

  const reload = async (): Promise<void> => {
    if (chosen === '') return;
    setCodes((await call<{ items: CodeView[] }>(session, 'GET', `/tenants/${encodeURIComponent(chosen)}/provisioning-codes`)).items);
  };
  const action = useSubmit(async () => {
    const body = maxUses === '' ? {} : { maxUses: Number(maxUses) };
    const { code } = await call<{ code: string }>(session, 'POST', `/tenants/${encodeURIComponent(chosen)}/provisioning-codes`, body);
    setIssued(code);
    await reload();
  });
  const { errors } = action;
  useEffect(() => {
    setIssued(undefined);
    void action.run(reload);
  }, [chosen]);

  const revoke = (codeId: string): void => {
    void action.run(async () => {
      await call(session, 'DELETE', `/tenants/${encodeURIComponent(chosen)}/provisioning-codes/${codeId}`);
      await reload();
    });
  };

  return (
    <section aria-labelledby="codes-title">
      <h2 id="codes-title">Provisioning codes</h2>
      <form class="inline" onSubmit={action.submit} aria-label="Create a provisioning code">
        <TenantField label="Tenant" path="params.id" errors={errors} tenants={tenants} value={chosen} onChange={setTenant} />
        <TextField label="Max uses" path="body.maxUses" errors={errors} inputMode="numeric" placeholder="unlimited" value={maxUses} onInput={setMaxUses} />
        <button type="submit" disabled={action.busy || chosen === ''}>
          Create code
        </button>
      </form>
      {issued === undefined ? null : (
        <p class="issued">
          New code (shown once): <code>{issued}</code> <CopyButton text={issued} label="Copy the provisioning code" />
        </p>
      )}
      <Problem error={action.error} />
      <DataTable
        label="Provisioning codes"
        rows={codes}
        rowKey={(code) => code.codeId}
        empty="No live codes."
        columns={[
          { label: 'Code id', cell: (code) => code.codeId },
          { label: 'Uses', cell: (code) => `${code.uses} / ${code.maxUses ?? '∞'}` },
          { label: 'Expires', cell: (code) => <Time iso={code.expiresAt} /> },
          session.may('provisioningCode', 'delete') && { label: 'Action', cell: (code) => <RowButton verb="Revoke" subject={code.codeId} onClick={() => revoke(code.codeId)} /> },
        ]}
      />
    </section>
  );
}
