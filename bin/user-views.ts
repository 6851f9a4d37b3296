// People's accounts as the hub's API answers them: the fields the commands show are checked;
// --json prints the answer whole.
import * as t from 'io-ts';
import { pageOf } from './pages.js';

export const UserView = t.type(
  {
    id: t.string,
    name: t.string,
    email: t.union([t.string, t.null]),
    role: t.string,
    tenants: t.union([t.array(t.string), t.null]),
    disabled: t.boolean,
    createdAt: t.string,
    updatedAt: t.string,
  },
  'a user',
);
export type UserView = t.TypeOf<typeof UserView>;

export const UserPage = pageOf(UserView, 'a page of users');
