// Proxies (admins only): the profiles with their enabled switch, a form to create one or to
// edit one (its id stays), and removal.
import type { JSX } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { call } from '../api.js';
import type { Page } from '../models.js';
import type { Session } from '../session.js';
import { Problem, useAction } from '../ui.js';
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
      <ProxyForm key={`${editing?.id ?? 'new'}-${formKey}`} session={session} onSaved={saved} {...(editing === undefined ? {} : { editing })} />
      {editing === undefined ? null : (
        <button type="button" onClick={() => setEditing(undefined)}>
          Cancel editing
        </button>
      )}
      <Problem error={action.error} />
      <table aria-label="Proxies">
        <thead>
          <tr>
            <th scope="col">Id</th>
            <th scope="col">Name</th>
            <th scope="col">Protocol</th>
            <th scope="col">Source port</th>
            <th scope="col">Target</th>
            <th scope="col">Enabled</th>
            <th scope="col">Actions</th>
          </tr>
        </thead>
        <tbody>
          {proxies.map((proxy) => (
            <tr key={proxy.id} data-proxy={proxy.id}>
              <td>{proxy.id}</td>
              <td>{proxy.name}</td>
              <td>{proxy.protocol}</td>
              <td>{proxy.sourcePort}</td>
              <td>{targetText(proxy)}</td>
              <td>
                <label>
                  <input
                    type="checkbox"
                    role="switch"
                    checked={proxy.enabled}
                    disabled={action.busy}
                    onChange={(event) => act(() => call(session, 'POST', `/proxies/${encodeURIComponent(proxy.id)}/${event.currentTarget.checked ? 'enable' : 'disable'}`))}
                  />{' '}
                  {proxy.enabled ? 'on' : 'off'}
                  <span class="visually-hidden"> for {proxy.name}</span>
                </label>
              </td>
              <td>
                <button type="button" onClick={() => setEditing(proxy)}>
                  Edit <span class="visually-hidden">{proxy.name}</span>
                </button>
                <button type="button" onClick={() => act(() => call(session, 'DELETE', `/proxies/${encodeURIComponent(proxy.id)}`))}>
                  Remove <span class="visually-hidden">{proxy.name}</span>
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {proxies.length === 0 ? <p>No proxies yet.</p> : null}
    </section>
  );
}
