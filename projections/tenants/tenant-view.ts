/** What anyone allowed to see a tenant may read: never its password hash. */
export interface TenantView {
  readonly id: string;
  readonly name: string;
  /** Tenants this tenant may also see and act on, by id. */
  readonly grants: readonly string[];
  /** "Deploy the tenant password on all devices". */
  readonly passwordDeployment: boolean;
  readonly createdAt: string;
  readonly updatedAt: string;
}
