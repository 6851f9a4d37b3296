import type { AppTemplate } from '../../domain/protocol-app/app-template.js';

/** A protocol application of the catalogue: its id, its template, when it was created and last changed. */
export type ProtocolAppView = AppTemplate & {
  readonly id: string;
  readonly createdAt: string;
  readonly updatedAt: string;
};

/** An application assigned to a device, for the tenant the device was in. */
export interface AssignmentView {
  readonly appId: string;
  /** Canonical MAC. */
  readonly device: string;
  readonly tenantId: string;
  readonly assignedAt: string;
  readonly app: ProtocolAppView;
}
