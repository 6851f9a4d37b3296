// Auditor accounts as the hub's API answers them: the fields the commands show are checked;
// --json prints the answer whole.
import * as t from 'io-ts';
import { pageOf } from './pages.js';

export const AuditorView = t.type(
  { id: t.string, name: t.string, tenants: t.union([t.array(t.string), t.null]), disabled: t.boolean, createdAt: t.string, updatedAt: t.string },
  'an auditor',
);
export type AuditorView = t.TypeOf<typeof AuditorView>;

export const AuditorPage = pageOf(AuditorView, 'a page of auditors');
