export { auditorChanged, auditorsProjection } from './auditors-projection.js';
export { getAuditor, listAuditors, type ListAuditorsOptions } from './auditor-queries.js';
export type { AuditorView } from './auditor-view.js';
