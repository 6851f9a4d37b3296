export { ChangeLog, type ChangeLogCursor, type ChangeLogOptions } from './change-log.js';
export type { ChangeJournal } from './change-journal.js';
export type { LoggedChange } from './logged-change.js';
