// `--user` names who logs in as the hub names principals, and becomes the login body's fields.
import { describe, expect, it } from 'vitest';
import { parseLoginUser } from '../../bin/login-command.js';

describe('parseLoginUser', () => {
  it.each([
    ['admin', {}],
    ['tenant-admin@acme', { tenant: 'acme' }],
    ['auditor@kim', { auditor: 'kim' }],
    ['user@dana', { user: 'dana' }],
  ])('%s logs in with %o', (name, fields) => {
    expect(parseLoginUser(name)).toEqual({ name, fields });
  });

  it.each(['root', 'tenant-admin@', 'auditor', 'user@', 'Admin'])('refuses %s', (name) => {
    expect(() => parseLoginUser(name)).toThrow('expected admin, tenant-admin@TENANT, auditor@AUDITOR or user@USER');
  });
});
