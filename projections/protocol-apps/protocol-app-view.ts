import type { AppTemplate, ReverseApp } from '../../domain/protocol-app/app-template.js';

/** A template as the API writes it: a dtt-reverse target endpoint `hub` or `00:11:22:AA:BB:CC`. */
export type ShownAppTemplate = Exclude<AppTemplate, ReverseApp> | (Omit<ReverseApp, 'targetEndpoint'> & { readonly targetEndpoint: string });

/** A protocol application of the catalogue: its id, its template, when it was created and last changed. */
export type ProtocolAppView = ShownAppTemplate & {
  readonly id: string;
  readonly createdAt: string;
  readonly updatedAt: string;
};

/** An application assigned to a device, for the tenant the device was in. */
export interface AssignmentView {
  readonly appId: string;
  /** As the API writes it: `00:11:22:AA:BB:CC`. */
  readonly device: string;
  readonly tenantId: string;
  readonly assignedAt: string;
  readonly app: ProtocolAppView;
}
