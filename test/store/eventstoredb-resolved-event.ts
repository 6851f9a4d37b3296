// A resolved event as the EventStoreDB client returns it, for the adapter's unit tests.
import type { AllStreamResolvedEvent } from '@eventstore/db-client';
import { makeEvent } from './event-store-fixtures.js';

export const metadata = makeEvent('Any').metadata;

export const resolvedAt = (
  overrides: { streamId?: string; type?: string; data?: unknown; metadata?: unknown; position?: bigint } = {},
): AllStreamResolvedEvent => {
  const position = overrides.position ?? 4242n;
  return {
    event: {
      streamId: overrides.streamId ?? 'tenant-1',
      id: '6c5d5ab6-33a1-4a7a-9f4e-1f2a7d1a3b0c',
      isJson: true,
      revision: 7n,
      type: overrides.type ?? 'TenantCreated',
      created: new Date(0),
      data: ('data' in overrides ? overrides.data : { name: 'acme' }) as Record<string, unknown>,
      metadata: ('metadata' in overrides ? overrides.metadata : metadata) as Record<string, unknown> | undefined,
      position: { commit: position, prepare: position },
    },
    commitPosition: position,
  };
};
