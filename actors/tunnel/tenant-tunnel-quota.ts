// How many tunnels each tenant holds open on this node, against the limit one tenant may
// hold, so that no one tenant takes every port of the range. A place is taken before anything
// about the tunnel is awaited, so a burst of requests cannot all slip under the limit at once.
import { TetherError } from '../../domain/errors.js';

export class TenantTunnelQuota {
  private readonly held = new Map<string, number>();

  constructor(private readonly limit: number) {}

  /** Takes one of the tenant's places; throws tenant_link_limit when it holds them all. The release frees it (once). */
  take(tenantId: string): () => void {
    const held = this.held.get(tenantId) ?? 0;
    if (held >= this.limit) {
      throw new TetherError(
        'tenant_link_limit',
        `tenant ${tenantId} holds ${held} open device links on this hub, as many as one tenant may (--link-max-per-tenant): close one first`,
      );
    }
    this.held.set(tenantId, held + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const now = (this.held.get(tenantId) ?? 1) - 1;
      if (now > 0) this.held.set(tenantId, now);
      else this.held.delete(tenantId);
    };
  }
}
