// The console: the sign-in form until a token is held, then the views the role may use over
// one live dashboard connection for the tab. The console alone listens to that connection: a
// change re-renders it, and with it the view shown, once.
import type { JSX } from 'preact';
import { useEffect, useMemo, useState } from 'preact/hooks';
import type { Resource } from '../../api/permissions.js';
import { tokenRefused } from './api.js';
import { LiveModels } from './live.js';
import { navigate, usePath } from './router.js';
import { endSession, storedSession } from './session.js';
import type { Session } from './session.js';
import { Link, useLive } from './ui.js';
import { AuditView } from './views/audit.js';
import { DeviceView } from './views/device.js';
import { formatMac } from './views/device-filters.js';
import { DevicesView } from './views/devices.js';
import { JobsView } from './views/jobs.js';
import { ProtocolAppsView } from './views/protocol-apps.js';
import { ProxiesView } from './views/proxies.js';
import { RelaysView } from './views/relays.js';
import { SessionsView } from './views/sessions.js';
import { SignIn } from './views/sign-in.js';
import { TenantsView } from './views/tenants.js';

interface Section {
  readonly path: string;
  readonly label: string;
  /** Shown to a role that may read any of these (api/permissions.ts). */
  readonly reads: readonly Resource[];
}

const sections: readonly Section[] = [
  { path: '/devices', label: 'Devices', reads: ['device'] },
  { path: '/sessions', label: 'Sessions', reads: ['session'] },
  { path: '/jobs', label: 'Jobs', reads: ['updateJob', 'backupJob'] },
  { path: '/tenants', label: 'Tenants', reads: ['tenant'] },
  { path: '/relays', label: 'Relays', reads: ['relay'] },
  { path: '/proxies', label: 'Proxies', reads: ['proxy'] },
  { path: '/protocol-apps', label: 'Protocol apps', reads: ['protocolApp'] },
  { path: '/audit', label: 'Audit', reads: ['history'] },
];

export function App(): JSX.Element {
  const [session, setSession] = useState<Session | undefined>(storedSession);
  const signOut = (): void => {
    endSession();
    setSession(undefined);
    navigate('/');
  };
  useEffect(() => {
    tokenRefused.addEventListener('refused', signOut);
    return () => tokenRefused.removeEventListener('refused', signOut);
  }, []);
  if (session === undefined) return <SignIn onSignedIn={setSession} />;
  return <Console session={session} onSignOut={signOut} />;
}

function Console({ session, onSignOut }: { readonly session: Session; readonly onSignOut: () => void }): JSX.Element {
  const live = useMemo(() => new LiveModels(session), [session]);
  useEffect(() => () => live.close(), [live]);
  useLive(live);
  const path = usePath();
  const visible = sections.filter((section) => section.reads.some((resource) => session.may(resource, 'read')));
  const current = visible.find((section) => path === section.path || path.startsWith(`${section.path}/`)) ?? visible[0];
  return (
    <div class="console">
      <header>
        <span class="brand">Tether</span>
        <nav aria-label="Views">
          {visible.map((section) => (
            <span key={section.path} aria-current={section === current ? 'page' : undefined}>
              <Link href={section.path}>{section.label}</Link>
            </span>
          ))}
        </nav>
        <span class={`live live-${live.status}`} role="status" aria-label={`dashboard ${live.status}`}>
          {live.status}
        </span>
        <span class="who">
          {session.subject} ({session.role})
        </span>
        <button type="button" onClick={onSignOut}>
          Sign out
        </button>
      </header>
      <main>{view(path, session, live, visible)}</main>
    </div>
  );
}

function view(path: string, session: Session, live: LiveModels, allowed: readonly Section[]): JSX.Element {
  if (!allowed.some((section) => path === section.path || path.startsWith(`${section.path}/`))) return <DevicesView session={session} live={live} />;
  const device = /^\/devices\/([^/]+)$/.exec(path)?.[1];
  if (device !== undefined) return <DeviceView mac={formatMac(decodeURIComponent(device))} session={session} live={live} />;
  if (path.startsWith('/sessions')) return <SessionsView session={session} live={live} />;
  if (path.startsWith('/jobs')) return <JobsView session={session} live={live} />;
  if (path.startsWith('/tenants')) return <TenantsView session={session} live={live} />;
  if (path.startsWith('/relays')) return <RelaysView session={session} live={live} />;
  if (path.startsWith('/proxies')) return <ProxiesView session={session} />;
  if (path.startsWith('/protocol-apps')) return <ProtocolAppsView session={session} />;
  if (path.startsWith('/audit')) return <AuditView session={session} />;
  return <DevicesView session={session} live={live} />;
}
