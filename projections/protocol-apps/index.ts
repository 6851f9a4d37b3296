export { protocolAppChanged, protocolAppsProjection } from './protocol-apps-projection.js';
export { assignmentsOfDevice, getAssignment, getProtocolApp, listProtocolApps } from './protocol-app-queries.js';
export type { AssignmentView, ProtocolAppView } from './protocol-app-view.js';
