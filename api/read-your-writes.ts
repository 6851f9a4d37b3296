import type { HubServices } from './plugins/services.js';

/**
 * Holds a command's reply until the local read models show what it appended, so the
 * client's next read sees its own write.
 */
export async function readYourWrites(services: HubServices, executed: { readonly position?: number }): Promise<void> {
  if (executed.position === undefined) return;
  await services.readModels.waitFor(executed.position, services.readYourWritesTimeoutMs);
}
