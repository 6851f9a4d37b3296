// Provisioning codes of a tenant: create one (shown once, with a copy button), list the live
// ones (never the code itself), revoke one.
import type { JSX } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { call } from '../api.js';
import type { Tenant } from '../models.js';
import type { Session } from '../session.js';
import { CopyButton, Field, Problem, Time, fieldErrors, useAction } from '../ui.js';

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
  const action = useAction();
  const errors = fieldErrors(action.error);
  const chosen = tenant === '' ? (tenants[0]?.id ?? '') : tenant;

  const reload = async (): Promise<void> => {
    if (chosen === '') return;
    setCodes((await call<{ items: CodeView[] }>(session, 'GET', `/tenants/${encodeURIComponent(chosen)}/provisioning-codes`)).items);
  };
  useEffect(() => {
    setIssued(undefined);
    void action.run(reload);
  }, [chosen]);

  const create = (event: Event): void => {
    event.preventDefault();
    void action.run(async () => {
      const body = maxUses === '' ? {} : { maxUses: Number(maxUses) };
      const { code } = await call<{ code: string }>(session, 'POST', `/tenants/${encodeURIComponent(chosen)}/provisioning-codes`, body);
      setIssued(code);
      await reload();
    });
  };
  const revoke = (codeId: string): void => {
    void action.run(async () => {
      await call(session, 'DELETE', `/tenants/${encodeURIComponent(chosen)}/provisioning-codes/${codeId}`);
      await reload();
    });
  };

  return (
    <section aria-labelledby="codes-title">
      <h2 id="codes-title">Provisioning codes</h2>
      <form class="inline" onSubmit={create} aria-label="Create a provisioning code">
        <Field label="Tenant" path="params.id" errors={errors}>
          {(id) => (
            <select id={id} value={chosen} onChange={(event) => setTenant(event.currentTarget.value)}>
              {tenants.map((option) => (
                <option key={option.id} value={option.id}>
                  {option.id}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label="Max uses" path="body.maxUses" errors={errors}>
          {(id, describedBy) => (
            <input id={id} aria-describedby={describedBy} inputMode="numeric" placeholder="unlimited" value={maxUses} onInput={(event) => setMaxUses(event.currentTarget.value)} />
          )}
        </Field>
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
      <table>
        <thead>
          <tr>
            <th scope="col">Code id</th>
            <th scope="col">Uses</th>
            <th scope="col">Expires</th>
            <th scope="col">Action</th>
          </tr>
        </thead>
        <tbody>
          {codes.map((code) => (
            <tr key={code.codeId}>
              <td>{code.codeId}</td>
              <td>
                {code.uses} / {code.maxUses ?? '∞'}
              </td>
              <td>
                <Time iso={code.expiresAt} />
              </td>
              <td>
                <button type="button" onClick={() => revoke(code.codeId)}>
                  Revoke
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {codes.length === 0 ? <p>No live codes.</p> : null}
    </section>
  );
}
