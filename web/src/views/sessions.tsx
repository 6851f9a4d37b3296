// Sessions: the history read with the API's filters, the open ones live from the dashboard.
import type { JSX } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { call, query } from '../api.js';
import { ChoiceField, TextField, fieldErrors } from '../fields.js';
import type { Options } from '../fields.js';
import type { LiveModels } from '../live.js';
import type { Page, Session as RemoteSession } from '../models.js';
import type { Session } from '../session.js';
import { isoOf } from '../text.js';
import { Problem, useAction } from '../ui.js';
import { formatMac } from './device-filters.js';
import { SessionTable, mergeSessions } from './session-table.js';
import { SessionTimeline } from './session-timeline.js';

const textFilters = ['tenant', 'device', 'user', 'relay', 'cause'] as const;
type Filters = Readonly<Record<(typeof textFilters)[number] | 'state' | 'kind' | 'from' | 'to', string>>;
const noFilters: Filters = { tenant: '', device: '', user: '', relay: '', cause: '', state: '', kind: '', from: '', to: '' };
const states: Options<string> = [
  ['', 'any'],
  ['open', 'open'],
  ['closed', 'closed'],
];
const kinds: Options<string> = [
  ['', 'any'],
  ['devicelink', 'devicelink'],
  ['proxy', 'proxy'],
  ['protocol-app', 'protocol-app'],
];

export function SessionsView({ session, live }: { readonly session: Session; readonly live: LiveModels }): JSX.Element {
  const [filters, setFilters] = useState<Filters>(noFilters);
  const [applied, setApplied] = useState<Filters>(noFilters);
  const [read, setRead] = useState<readonly RemoteSession[]>([]);
  const [picked, setPicked] = useState<string | undefined>(undefined);
  const action = useAction();
  const errors = fieldErrors(action.error);
  useEffect(() => {
    void action.run(async () => {
      const request = { ...applied, from: isoOf(applied.from), to: isoOf(applied.to), limit: '200' };
      setRead((await call<Page<RemoteSession>>(session, 'GET', `/sessions${query(request)}`)).items);
    });
  }, [applied]);
  const filtered = (remote: RemoteSession): boolean =>
    (applied.tenant === '' || remote.tenantId === applied.tenant) &&
    (applied.device === '' || remote.device === formatMac(applied.device)) &&
    (applied.state === '' || remote.state === applied.state) &&
    (applied.cause === '' || remote.terminationCause === applied.cause) &&
    (applied.user === '' || remote.requestedBy.id === applied.user) &&
    (applied.relay === '' || remote.relay === applied.relay) &&
    (applied.kind === '' || (remote.kind ?? 'devicelink') === applied.kind) &&
    (applied.from === '' || remote.createdTime >= (isoOf(applied.from) ?? '')) &&
    (applied.to === '' || remote.createdTime <= (isoOf(applied.to) ?? ''));
  const set = (name: keyof Filters) => (value: string): void => setFilters({ ...filters, [name]: value });
  const submit = (event: Event): void => {
    event.preventDefault();
    setApplied(filters);
  };
  return (
    <section aria-labelledby="sessions-title">
      <h1 id="sessions-title">Sessions</h1>
      <form class="filters" onSubmit={submit} aria-label="Filter sessions">
        {textFilters.map((name) => (
          <TextField key={name} label={name[0]?.toUpperCase() + name.slice(1)} path={`query.${name}`} errors={errors} value={filters[name]} onInput={set(name)} />
        ))}
        <ChoiceField label="State" path="query.state" errors={errors} value={filters.state} options={states} onChange={set('state')} />
        <ChoiceField label="Kind" path="query.kind" errors={errors} value={filters.kind} options={kinds} onChange={set('kind')} />
        <TextField label="Opened from (local)" path="query.from" errors={errors} type="datetime-local" value={filters.from} onInput={set('from')} />
        <TextField label="Opened until (local)" path="query.to" errors={errors} type="datetime-local" value={filters.to} onInput={set('to')} />
        <button type="submit">Filter</button>
      </form>
      <Problem error={action.error} />
      <SessionTable sessions={mergeSessions(read, live.all<RemoteSession>('sessions')).filter(filtered)} label="Sessions" onPick={setPicked} />
      {picked === undefined ? null : <SessionTimeline id={picked} session={session} />}
    </section>
  );
}
