/** What the admin may read of an auditor account: never its password hash. */
export interface AuditorView {
  readonly id: string;
  readonly name: string;
  /** The only tenants it may read; null: every tenant. */
  readonly tenants: readonly string[] | null;
  readonly disabled: boolean;
  readonly createdAt: string;
  readonly updatedAt: string;
}
