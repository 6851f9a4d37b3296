// Pure reads on the protocol-application read model: the catalogue and the assignments.
import { formatMac } from '../../domain/device/mac.js';
import { shownEndpoint } from '../../domain/protocol-app/app-template.js';
import type { AppTemplate } from '../../domain/protocol-app/app-template.js';
import type { Database } from '../projection.js';
import type { AssignmentView, ProtocolAppView } from './protocol-app-view.js';

interface AppRow {
  readonly id: string;
  readonly template: string;
  readonly createdAt: string;
  readonly updatedAt: string;
}

interface AssignmentRow extends AppRow {
  readonly device: string;
  readonly tenantId: string;
  readonly assignedAt: string;
}

const selectApp = 'SELECT a.id, a.template, a.created_at AS createdAt, a.updated_at AS updatedAt FROM protocol_apps a';
const selectAssignment = `
  SELECT a.id, a.template, a.created_at AS createdAt, a.updated_at AS updatedAt,
    s.device, s.tenant_id AS tenantId, s.assigned_at AS assignedAt
  FROM protocol_app_assignments s JOIN protocol_apps a ON a.id = s.app_id`;

function appOf(row: AppRow): ProtocolAppView {
  const template = JSON.parse(row.template) as AppTemplate;
  const shown = template.type === 'dtt-reverse' ? { ...template, targetEndpoint: shownEndpoint(template.targetEndpoint) } : template;
  return { id: row.id, ...shown, createdAt: row.createdAt, updatedAt: row.updatedAt };
}

const assignmentOf = (row: AssignmentRow): AssignmentView => ({
  appId: row.id,
  device: formatMac(row.device),
  tenantId: row.tenantId,
  assignedAt: row.assignedAt,
  app: appOf(row),
});

export function getProtocolApp(db: Database, id: string): ProtocolAppView | undefined {
  const row = db.prepare<[string], AppRow>(`${selectApp} WHERE a.id = ?`).get(id);
  return row === undefined ? undefined : appOf(row);
}

/** The catalogue, ordered by id; `after`: the last id of the previous page. */
export function listProtocolApps(db: Database, options: { readonly after?: string; readonly limit: number }): ProtocolAppView[] {
  if (options.limit <= 0) return [];
  return db
    .prepare<[string | null, string | null, number], AppRow>(`${selectApp} WHERE (? IS NULL OR a.id > ?) ORDER BY a.id LIMIT ?`)
    .all(options.after ?? null, options.after ?? null, options.limit)
    .map(appOf);
}

/** The applications assigned to a device, by name. */
export function assignmentsOfDevice(db: Database, device: string): AssignmentView[] {
  return db
    .prepare<[string], AssignmentRow>(`${selectAssignment} WHERE s.device = ? ORDER BY json_extract(a.template, '$.name'), a.id`)
    .all(device)
    .map(assignmentOf);
}

export function getAssignment(db: Database, appId: string, device: string): AssignmentView | undefined {
  const row = db.prepare<[string, string], AssignmentRow>(`${selectAssignment} WHERE s.app_id = ? AND s.device = ?`).get(appId, device);
  return row === undefined ? undefined : assignmentOf(row);
}
