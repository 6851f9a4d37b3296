// How the hub authenticates to a WebDAV server (a backup job's target, a restore's file):
// none, or Basic or Digest with a username and password.
import type { JSX } from 'preact';
import { ChoiceField, TextField } from './fields.js';
import type { FieldErrors, Options } from './fields.js';

export interface WebDavAuth {
  readonly type: 'none' | 'basic' | 'digest';
  readonly username: string;
  readonly password: string;
}

export const noAuth: WebDavAuth = { type: 'none', username: '', password: '' };

const types: Options<WebDavAuth['type']> = [
  ['none', 'none'],
  ['basic', 'Basic'],
  ['digest', 'Digest'],
];

/** As the API takes it: credentials only with a type that uses them. */
export const authBody = (auth: WebDavAuth): { readonly type: WebDavAuth['type'] } | WebDavAuth => (auth.type === 'none' ? { type: auth.type } : auth);

interface WebDavAuthFieldsProps {
  readonly auth: WebDavAuth;
  readonly onChange: (auth: WebDavAuth) => void;
  /** The request path of the auth object, e.g. body.target.auth. */
  readonly path: string;
  readonly errors: FieldErrors;
  readonly scope: string;
}

export function WebDavAuthFields({ auth, onChange, path, errors, scope }: WebDavAuthFieldsProps): JSX.Element {
  const frame = { errors, scope };
  return (
    <>
      <ChoiceField label="WebDAV authentication" path={`${path}.type`} {...frame} value={auth.type} options={types} onChange={(type) => onChange({ ...auth, type })} />
      {auth.type === 'none' ? null : (
        <>
          <TextField label="WebDAV username" path={`${path}.username`} {...frame} value={auth.username} onInput={(username) => onChange({ ...auth, username })} />
          <TextField label="WebDAV password" path={`${path}.password`} {...frame} type="password" autoComplete="off" value={auth.password} onInput={(password) => onChange({ ...auth, password })} />
        </>
      )}
    </>
  );
}
