// Proxies (the admin's, by the permission table): the profiles with their enabled switch, a form to create one or to
// edit one (its id stays), and removal.
import type { JSX } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { call } from '../api.js';
import { DataTable } from '../data-table.js';
import type { Page } from '../models.js';
import type { Session } from '../session.js';
import { Problem, RowButton, Switch, useAction } from '../ui.js';
import { ProxyForm } from './proxy-form.js';
import type { Proxy } from './proxy-form.js';

function targetText(proxy: Proxy): string {
  const { target } = proxy;
  if (target.device !== undefined) return `${target.address ?? ''}:${target.port} via ${target.device} (${target.tenant ?? ''})`;
  if (target.plugin !== undefined) return `plugin ${target.plugin}:${target.port}`;
  return `${target.address ?? ''}:${target.port}`;
}

export function ProxiesView({ session }: { readonly session: Session }): JSX.Element {
  const [proxies, setProxies] = useState<readonly Proxy[]>([]);
  const [editing, setEditing] = useState<Proxy | undefined>(undefined);
  const [formKey, setFormKey] = useState(0);
  const action = useAction();
  const mayUpdate = session.may('proxy', 'update');
  const mayDelete = session.may('proxy', 'delete');
  const reload = async (): Promise<void> => setProxies((await call<Page<Proxy>>(session, 'GET', '/proxies?limit=500')).items);
  useEffect(() => {
    void action.run(reload);
  }, []);
  const act = (work: () => Promise<unknown>): void => {
    void action.run(async () => {
      await work();
      await reload();
    });
  };
  const saved = (): void => {
    setEditing(undefined);
    setFormKey(formKey + 1);
    void action.run(reload);
  };
  return (
    <section aria-labelledby="proxies-title">
      <h1 id="proxies-title">Proxies</h1>
      {session.may('proxy', editing === undefined ? 'create' : 'update') ? (
        <ProxyForm key={`${editing?.id ?? 'new'}-${formKey}`} session={session} onSaved={saved} {...(editing === undefined ? {} : { editing })} />
      ) : null}
      {editing === undefined ? null : (
        <button type="button" onClick={() => setEditing(undefined)}>
          Cancel editing
        </button>
      )}
      <Problem error={action.error} />
      <DataTable
        label="Proxies"
        rows={proxies}
        rowKey={(proxy) => proxy.id}
        rowData={(proxy) => ({ 'data-proxy': proxy.id })}
        empty="No proxies yet."
        columns={[
          { label: 'Id', cell: (proxy) => proxy.id },
          { label: 'Name', cell: (proxy) => proxy.name },
          { label: 'Protocol', cell: (proxy) => proxy.protocol },
          { label: 'Source port', cell: (proxy) => proxy.sourcePort },
          { label: 'Target', cell: targetText },
          {
            label: 'Enabled',
            cell: (proxy) => (
              <Switch
                on={proxy.enabled}
                subject={proxy.name}
                disabled={!mayUpdate || action.busy}
                onChange={(on) => act(() => call(session, 'POST', `/proxies/${encodeURIComponent(proxy.id)}/${on ? 'enable' : 'disable'}`))}
              />
            ),
          },
          (mayUpdate || mayDelete) && {
            label: 'Actions',
            cell: (proxy) => (
              <>
                {mayUpdate && <RowButton verb="Edit" subject={proxy.name} onClick={() => setEditing(proxy)} />}
                {mayDelete && <RowButton verb="Remove" subject={proxy.name} onClick={() => act(() => call(session, 'DELETE', `/proxies/${encodeURIComponent(proxy.id)}`))} />}
              </>
            ),
          },
        ]}
      />
    </section>
  );
}
