// Sessions: the history read with the API's filters, the open ones live from the dashboard.
import type { JSX } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { call, query } from '../api.js';
import type { LiveModels } from '../live.js';
import type { Page, Session as RemoteSession } from '../models.js';
import type { Session } from '../session.js';
import { Field, Problem, fieldErrors, useAction, useLive } from '../ui.js';
import { SessionTable, mergeSessions } from './session-table.js';

const filterNames = ['tenant', 'device', 'user', 'relay', 'cause', 'state'] as const;
type Filters = Readonly<Record<(typeof filterNames)[number], string>>;
const noFilters: Filters = { tenant: '', device: '', user: '', relay: '', cause: '', state: '' };

export function SessionsView({ session, live }: { readonly session: Session; readonly live: LiveModels }): JSX.Element {
  useLive(live);
  const [filters, setFilters] = useState<Filters>(noFilters);
  const [applied, setApplied] = useState<Filters>(noFilters);
  const [read, setRead] = useState<readonly RemoteSession[]>([]);
  const action = useAction();
  const errors = fieldErrors(action.error);
  useEffect(() => {
    void action.run(async () => {
      setRead((await call<Page<RemoteSession>>(session, 'GET', `/sessions${query({ ...applied, limit: '200' })}`)).items);
    });
  }, [applied]);
  const filtered = (remote: RemoteSession): boolean =>
    (applied.tenant === '' || remote.tenantId === applied.tenant) &&
    (applied.device === '' || remote.device === applied.device.toLowerCase().replace(/[:-]/g, '')) &&
    (applied.state === '' || remote.state === applied.state) &&
    (applied.cause === '' || remote.terminationCause === applied.cause) &&
    (applied.user === '' || remote.requestedBy.id === applied.user) &&
    (applied.relay === '' || remote.relay === applied.relay);
  const submit = (event: Event): void => {
    event.preventDefault();
    setApplied(filters);
  };
  return (
    <section aria-labelledby="sessions-title">
      <h1 id="sessions-title">Sessions</h1>
      <form class="filters" onSubmit={submit} aria-label="Filter sessions">
        {filterNames.map((name) => (
          <Field key={name} label={name[0]?.toUpperCase() + name.slice(1)} path={`query.${name}`} errors={errors}>
            {(id, describedBy) => (
              <input id={id} aria-describedby={describedBy} value={filters[name]} onInput={(event) => setFilters({ ...filters, [name]: event.currentTarget.value })} />
            )}
          </Field>
        ))}
        <button type="submit">Filter</button>
      </form>
      <Problem error={action.error} />
      <SessionTable sessions={mergeSessions(read, live.all<RemoteSession>('sessions')).filter(filtered)} label="Sessions" />
    </section>
  );
}
