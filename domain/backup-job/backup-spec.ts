// Where a backup job has devices store their configuration. The password is sealed by the hub
// (actors/secrets/secret-seal.ts) before it reaches an event: the event holds only the sealed form.
import * as t from 'io-ts';

export const BackupAuthType = t.keyof({ none: null, basic: null, digest: null });
export type BackupAuthType = t.TypeOf<typeof BackupAuthType>;

export const BackupTarget = t.intersection([t.type({ url: t.string, auth: BackupAuthType }), t.partial({ username: t.string })]);
export type BackupTarget = t.TypeOf<typeof BackupTarget>;

export const BackupSpec = t.intersection([
  t.type({ kind: t.literal('backup'), target: BackupTarget }),
  t.partial({ sealedPassword: t.string }),
]);
export type BackupSpec = t.TypeOf<typeof BackupSpec>;
