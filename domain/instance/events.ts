import * as t from 'io-ts';

/** The instance administrator's password, as a scrypt hash (never in clear). */
export const AdminPasswordSet = t.type({
  type: t.literal('AdminPasswordSet'),
  data: t.type({ passwordHash: t.string }),
});
export type AdminPasswordSet = t.TypeOf<typeof AdminPasswordSet>;

export const InstanceEvent = AdminPasswordSet;
export type InstanceEvent = t.TypeOf<typeof InstanceEvent>;
