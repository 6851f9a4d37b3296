import * as t from 'io-ts';
import { UserRole } from './user-role.js';

/** A person's account. The password is a scrypt hash, never in clear. */
export const UserCreated = t.type({
  type: t.literal('UserCreated'),
  data: t.intersection([
    t.type({ userId: t.string, name: t.string, passwordHash: t.string, role: UserRole }),
    t.partial({ email: t.string, tenants: t.array(t.string) }),
  ]),
});
export type UserCreated = t.TypeOf<typeof UserCreated>;

export const UserPasswordChanged = t.type({
  type: t.literal('UserPasswordChanged'),
  data: t.type({ userId: t.string, passwordHash: t.string }),
});
export type UserPasswordChanged = t.TypeOf<typeof UserPasswordChanged>;

/** Until enabled again: the user can no longer log in, and its tokens are void. */
export const UserDisabled = t.type({ type: t.literal('UserDisabled'), data: t.type({ userId: t.string }) });
export type UserDisabled = t.TypeOf<typeof UserDisabled>;

export const UserEnabled = t.type({ type: t.literal('UserEnabled'), data: t.type({ userId: t.string }) });
export type UserEnabled = t.TypeOf<typeof UserEnabled>;

/** For good: the account is gone from the lists, and its id is not given out again. */
export const UserDeleted = t.type({ type: t.literal('UserDeleted'), data: t.type({ userId: t.string }) });
export type UserDeleted = t.TypeOf<typeof UserDeleted>;

export const UserEvent = t.union([UserCreated, UserPasswordChanged, UserDisabled, UserEnabled, UserDeleted]);
export type UserEvent = t.TypeOf<typeof UserEvent>;
