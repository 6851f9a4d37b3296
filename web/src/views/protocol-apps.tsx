// Protocol apps: the catalogue of templates (tcp, udp, http, dtt-reverse) and where a
// dtt-reverse application may lead (the target endpoints). Admins add a template as JSON,
// the body the API documents, and delete one.
import type { JSX } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { call } from '../api.js';
import type { Page } from '../models.js';
import type { Session } from '../session.js';
import { Field, Problem, fieldErrors, useAction } from '../ui.js';

export interface ProtocolApp {
  readonly id: string;
  readonly name: string;
  readonly type: string;
  readonly description?: string;
  readonly devicePort?: number;
}

interface TargetEndpoint {
  readonly endpoint: string;
  readonly label: string;
}

const example = JSON.stringify({ name: 'Web UI', type: 'http', devicePort: 80 }, null, 2);

export function ProtocolAppsView({ session }: { readonly session: Session }): JSX.Element {
  const [apps, setApps] = useState<readonly ProtocolApp[]>([]);
  const [endpoints, setEndpoints] = useState<readonly TargetEndpoint[]>([]);
  const [template, setTemplate] = useState(example);
  const action = useAction();
  const errors = fieldErrors(action.error);
  const reload = async (): Promise<void> => {
    setApps((await call<Page<ProtocolApp>>(session, 'GET', '/protocol-apps?limit=500')).items);
    setEndpoints((await call<{ items: TargetEndpoint[] }>(session, 'GET', '/protocol-apps/target-endpoints')).items);
  };
  useEffect(() => {
    void action.run(reload);
  }, []);
  const create = (event: Event): void => {
    event.preventDefault();
    void action.run(async () => {
      await call(session, 'POST', '/protocol-apps', JSON.parse(template) as unknown);
      await reload();
    });
  };
  const remove = (app: ProtocolApp): void => {
    void action.run(async () => {
      await call(session, 'DELETE', `/protocol-apps/${encodeURIComponent(app.id)}`);
      await reload();
    });
  };
  const admin = session.role === 'admin';
  return (
    <section aria-labelledby="apps-title">
      <h1 id="apps-title">Protocol apps</h1>
      {admin ? (
        <form class="inline" onSubmit={create} aria-labelledby="new-app-title">
          <h2 id="new-app-title">New template</h2>
          <Field label="Template (JSON: name, type, devicePort, …)" path="body" errors={errors}>
            {(id, describedBy) => <textarea id={id} aria-describedby={describedBy} rows={6} cols={60} value={template} onInput={(event) => setTemplate(event.currentTarget.value)} />}
          </Field>
          <button type="submit" disabled={action.busy}>
            Create template
          </button>
        </form>
      ) : null}
      <Problem error={action.error} />
      <table aria-label="Protocol apps">
        <thead>
          <tr>
            <th scope="col">Id</th>
            <th scope="col">Name</th>
            <th scope="col">Type</th>
            <th scope="col">Device port</th>
            <th scope="col">Description</th>
            {admin ? <th scope="col">Actions</th> : null}
          </tr>
        </thead>
        <tbody>
          {apps.map((app) => (
            <tr key={app.id}>
              <td>{app.id}</td>
              <td>{app.name}</td>
              <td>{app.type}</td>
              <td>{app.devicePort ?? '—'}</td>
              <td>{app.description ?? ''}</td>
              {admin ? (
                <td>
                  <button type="button" onClick={() => remove(app)}>
                    Delete <span class="visually-hidden">{app.name}</span>
                  </button>
                </td>
              ) : null}
            </tr>
          ))}
        </tbody>
      </table>
      {apps.length === 0 ? <p>No templates yet.</p> : null}
      <h2>Target endpoints</h2>
      <ul>
        {endpoints.map((endpoint) => (
          <li key={endpoint.endpoint}>
            {endpoint.label} (<code>{endpoint.endpoint}</code>)
          </li>
        ))}
      </ul>
    </section>
  );
}
