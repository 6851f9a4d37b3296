export { userChanged, usersProjection } from './users-projection.js';
export { getUser, listUsers, type ListUsersOptions } from './user-queries.js';
export type { UserView } from './user-view.js';
