// The instance has one stream, `instance-admin`: the id every command targets.
export const instanceAdminId = 'admin';

// The password arrives already hashed: hashing is I/O-bound work of the host.
export type InstanceCommand =
  | { readonly type: 'InitializeAdmin'; readonly passwordHash: string }
  | { readonly type: 'ChangeAdminPassword'; readonly passwordHash: string };
