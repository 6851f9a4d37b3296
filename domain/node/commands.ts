// Commands on a hub node's lease, stream `node-<nodeId>`.
export type NodeCommand =
  | { readonly type: 'RenewLease'; readonly address: string; readonly leaseMs: number }
  | { readonly type: 'EndLease' }
  /** A peer (`by`) found the lease expired; it changes nothing while the lease still runs or is no longer held. */
  | { readonly type: 'DeclareNodeLost'; readonly by: string };
