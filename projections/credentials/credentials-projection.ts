// No table: publishes `credentials.changed` whenever a credential moves on (a password set, an
// auditor or user disabled), so each node's live dashboards re-check the tokens they were opened with.
import type { Projection } from '../projection.js';

export const credentialsChanged = 'credentials.changed';


export const credentialsProjection: Projection = {
  name: 'credentials',
  version: 1,
  filter: { eventTypes: ['AdminPasswordSet', 'TenantPasswordChanged', 'AuditorPasswordChanged', 'AuditorDisabled', 'UserPasswordChanged', 'UserDisabled', 'UserDeleted'] },
  migrate: () => undefined,
  drop: () => undefined,
  apply(_db, event) {
    // It concerns no tenant: no dashboard model hears it, only the dashboard itself.
    return [{ name: credentialsChanged, tenants: [], payload: { stream: event.stream } }];
  },
};
