// Protocol apps: the catalogue of templates (tcp, udp, http, dtt-reverse) and where a
// dtt-reverse application may lead (the target endpoints). Admins add a template as JSON,
// the body the API documents, and delete one; the endpoints are theirs to see.
import type { JSX } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { call } from '../api.js';
import { DataTable } from '../data-table.js';
import { Field, useSubmit } from '../fields.js';
import type { Page } from '../models.js';
import type { Session } from '../session.js';
import { Problem, RowButton } from '../ui.js';

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
  const mayCreate = session.may('protocolApp', 'create');
  const reload = async (): Promise<void> => {
    setApps((await call<Page<ProtocolApp>>(session, 'GET', '/protocol-apps?limit=500')).items);
    if (mayCreate) setEndpoints((await call<{ items: TargetEndpoint[] }>(session, 'GET', '/protocol-apps/target-endpoints')).items);
  };
  const action = useSubmit(async () => {
    await call(session, 'POST', '/protocol-apps', JSON.parse(template) as unknown);
    await reload();
  });
  const { errors } = action;
  useEffect(() => {
    void action.run(reload);
  }, []);
  const remove = (app: ProtocolApp): void => {
    void action.run(async () => {
      await call(session, 'DELETE', `/protocol-apps/${encodeURIComponent(app.id)}`);
      await reload();
    });
  };
  return (
    <section aria-labelledby="apps-title">
      <h1 id="apps-title">Protocol apps</h1>
      {mayCreate ? (
        <form class="inline" onSubmit={action.submit} aria-labelledby="new-app-title">
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
      <DataTable
        label="Protocol apps"
        rows={apps}
        rowKey={(app) => app.id}
        empty="No templates yet."
        columns={[
          { label: 'Id', cell: (app) => app.id },
          { label: 'Name', cell: (app) => app.name },
          { label: 'Type', cell: (app) => app.type },
          { label: 'Device port', cell: (app) => app.devicePort ?? '—' },
          { label: 'Description', cell: (app) => app.description ?? '' },
          session.may('protocolApp', 'delete') && { label: 'Actions', cell: (app) => <RowButton verb="Delete" subject={app.name} onClick={() => remove(app)} /> },
        ]}
      />
      {mayCreate ? (
        <>
          <h2>Target endpoints</h2>
          <ul>
            {endpoints.map((endpoint) => (
              <li key={endpoint.endpoint}>
                {endpoint.label} (<code>{endpoint.endpoint}</code>)
              </li>
            ))}
          </ul>
        </>
      ) : null}
    </section>
  );
}
