export { tenantChanged, tenantsProjection } from './tenants-projection.js';
export { getTenant, listTenants, visibleTenantIds, type ListTenantsOptions } from './tenant-queries.js';
export type { TenantView } from './tenant-view.js';
