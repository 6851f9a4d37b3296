// Relays: the relay servers, live: load, reporting state, approval; admins approve, reset a
// relay's token (it registers afresh) and delete one.
import type { JSX } from 'preact';
import { call } from '../api.js';
import type { LiveModels } from '../live.js';
import { canWrite } from '../session.js';
import type { Session } from '../session.js';
import { Problem, Time, useAction, useLive } from '../ui.js';

interface Relay {
  readonly name: string;
  readonly state: 'registered' | 'deleted';
  readonly hostName: string;
  readonly port: number;
  readonly maxSessions: number;
  readonly currentNumberOfSessions: number;
  readonly isReporting: boolean;
  readonly approved: boolean;
  readonly lastConnectionTime: string | null;
}

export function RelaysView({ session, live }: { readonly session: Session; readonly live: LiveModels }): JSX.Element {
  useLive(live);
  const action = useAction();
  const relays = live.all<Relay>('relays').filter((relay) => relay.state !== 'deleted');
  const act = (relay: Relay, method: string, path: string): void => {
    void action.run(async () => {
      await call(session, method, `/relays/${encodeURIComponent(relay.name)}${path}`);
    });
  };
  return (
    <section aria-labelledby="relays-title">
      <h1 id="relays-title">Relays</h1>
      <Problem error={action.error} />
      <table aria-label="Relays">
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Address</th>
            <th scope="col">Sessions</th>
            <th scope="col">Reporting</th>
            <th scope="col">Approved</th>
            <th scope="col">Last connection</th>
            {canWrite(session) ? <th scope="col">Actions</th> : null}
          </tr>
        </thead>
        <tbody>
          {relays.map((relay) => (
            <tr key={relay.name} data-relay={relay.name}>
              <td>{relay.name}</td>
              <td>
                {relay.hostName}:{relay.port}
              </td>
              <td>
                {relay.currentNumberOfSessions} / {relay.maxSessions}
              </td>
              <td>{relay.isReporting ? 'yes' : 'no'}</td>
              <td>{relay.approved ? 'yes' : 'no'}</td>
              <td>
                <Time iso={relay.lastConnectionTime} />
              </td>
              {canWrite(session) ? (
                <td>
                  {relay.approved ? null : (
                    <button type="button" onClick={() => act(relay, 'POST', '/approve')}>
                      Approve <span class="visually-hidden">{relay.name}</span>
                    </button>
                  )}
                  <button type="button" onClick={() => act(relay, 'POST', '/reset-token')}>
                    Reset token <span class="visually-hidden">of {relay.name}</span>
                  </button>
                  <button type="button" onClick={() => act(relay, 'DELETE', '')}>
                    Delete <span class="visually-hidden">{relay.name}</span>
                  </button>
                </td>
              ) : null}
            </tr>
          ))}
        </tbody>
      </table>
      {relays.length === 0 ? <p>No relay has registered.</p> : null}
    </section>
  );
}
