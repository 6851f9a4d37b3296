export { sessionChanged, sessionsProjection } from './sessions-projection.js';
export { cursorOf, getSession, listSessions, type ListSessionsOptions, type SessionCursor } from './session-queries.js';
export { sessionKinds, type SessionKind, type SessionView } from './session-view.js';
