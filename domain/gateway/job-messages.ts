// Update, backup and restore control messages (issue 7; the contract is notes/jobs-contract.md).
// The hub tells the agent what to fetch or where to store; the agent does the HTTP itself, as
// a device does, and answers with a result. Credentials travel only on this channel.
import * as t from 'io-ts';
import { boundedString, Credential, maxUrlLength } from './field-limits.js';
import { taggedUnion } from './tagged-union.js';

const refined = (name: string, test: (s: string) => boolean, expected: string): t.Type<string, string, unknown> =>
  new t.Type<string, string, unknown>(
    name,
    (u): u is string => typeof u === 'string' && test(u),
    (u, c) => (typeof u === 'string' && test(u) ? t.success(u) : t.failure(u, c, expected)),
    t.identity,
  );

const isHttpUrl = (s: string): boolean => {
  if (!URL.canParse(s)) return false;
  const { protocol } = new URL(s);
  return protocol === 'http:' || protocol === 'https:';
};

/** Names a job (or a restore request) across the hub and the agent; opaque to the agent. */
export const JobId = refined('JobId', (s) => s.length > 0 && s.length <= 200, 'expected 1 to 200 characters');
export const Version = refined('Version', (s) => s.length > 0 && s.length <= 200, 'expected a version of 1 to 200 characters');
export const AppName = refined('AppName', (s) => s.length > 0 && s.length <= 200, 'expected an app name of 1 to 200 characters');
export const HttpUrl = boundedString('HttpUrl', maxUrlLength, `expected an absolute http or https URL of at most ${maxUrlLength} characters`, isHttpUrl);
export const Sha256Hex = refined('Sha256Hex', (s) => /^[0-9a-fA-F]{64}$/.test(s), 'expected 64 hexadecimal digits');
const ByteCount = new t.Type<number, number, unknown>(
  'ByteCount',
  (u): u is number => Number.isSafeInteger(u) && (u as number) >= 0,
  (u, c) => (typeof u === 'number' && Number.isSafeInteger(u) && u >= 0 ? t.success(u) : t.failure(u, c, 'expected a whole number of bytes')),
  t.identity,
);

export const FirmwareTarget = t.type({ kind: t.literal('firmware'), version: Version });
export type FirmwareTarget = t.TypeOf<typeof FirmwareTarget>;
export const AppTarget = t.type({ kind: t.literal('app'), name: AppName, version: Version });
export type AppTarget = t.TypeOf<typeof AppTarget>;
/** A package of software.json, named by its id as apps are. */
export const SoftwareTarget = t.type({ kind: t.literal('software'), name: AppName, version: Version });
export type SoftwareTarget = t.TypeOf<typeof SoftwareTarget>;

const targetKinds = { firmware: FirmwareTarget, app: AppTarget, software: SoftwareTarget } as const;
const kindOf = (u: unknown): t.Mixed | undefined =>
  typeof u === 'object' && u !== null && 'kind' in u && typeof u.kind === 'string' && Object.hasOwn(targetKinds, u.kind)
    ? targetKinds[u.kind as keyof typeof targetKinds]
    : undefined;

/** What an update installs; chosen by `kind` so a bad target is reported against the kind it claims. */
export const UpdateTarget = new t.Type<UpdateTarget, UpdateTarget, unknown>(
  'UpdateTarget',
  (u): u is UpdateTarget => kindOf(u)?.is(u) ?? false,
  (u, c) => {
    const member = kindOf(u);
    if (member) return member.validate(u, t.appendContext(c, '', member, u));
    const kind = typeof u === 'object' && u !== null && 'kind' in u ? u.kind : undefined;
    return t.failure(kind, t.appendContext(c, 'kind', t.keyof(targetKinds), kind), 'expected one of firmware, app, software');
  },
  t.identity,
);
export type UpdateTarget = FirmwareTarget | AppTarget | SoftwareTarget;

export const WebdavAuth = taggedUnion('WebdavAuth', {
  none: t.type({ type: t.literal('none') }),
  basic: t.type({ type: t.literal('basic'), username: Credential, password: Credential }),
  digest: t.type({ type: t.literal('digest'), username: Credential, password: Credential }),
});
export type WebdavAuth =
  | { type: 'none' }
  | { type: 'basic'; username: string; password: string }
  | { type: 'digest'; username: string; password: string };

/** hub → agent: download `url`, verify `sha256` when given, install (the --on-update hook). */
export const UpdateMessage = t.intersection([
  t.type({ type: t.literal('update'), jobId: JobId, target: UpdateTarget, url: HttpUrl }),
  t.partial({ sha256: Sha256Hex }),
]);
export type UpdateMessage = t.TypeOf<typeof UpdateMessage>;

/** hub → agent: PUT the device's configuration to `url` (a full file URL). */
export const BackupMessage = t.type({ type: t.literal('backup'), jobId: JobId, url: HttpUrl, auth: WebdavAuth });
export type BackupMessage = t.TypeOf<typeof BackupMessage>;

/** hub → agent: GET `url` and hand it to the --on-restore hook. */
export const RestoreMessage = t.type({ type: t.literal('restore'), requestId: JobId, url: HttpUrl, auth: WebdavAuth });
export type RestoreMessage = t.TypeOf<typeof RestoreMessage>;

/** agent → hub; `error` (for people) accompanies ok: false. After ok: true the agent reconnects. */
export const UpdateResult = t.intersection([
  t.type({ type: t.literal('update-result'), jobId: JobId, ok: t.boolean }),
  t.partial({ error: t.string }),
]);
export type UpdateResult = t.TypeOf<typeof UpdateResult>;

/** agent → hub; `bytes` stored on success, `error` (e.g. "HTTP 401 Unauthorized") on failure. */
export const BackupResult = t.intersection([
  t.type({ type: t.literal('backup-result'), jobId: JobId, ok: t.boolean }),
  t.partial({ bytes: ByteCount, error: t.string }),
]);
export type BackupResult = t.TypeOf<typeof BackupResult>;

export const RestoreResult = t.intersection([
  t.type({ type: t.literal('restore-result'), requestId: JobId, ok: t.boolean }),
  t.partial({ error: t.string }),
]);
export type RestoreResult = t.TypeOf<typeof RestoreResult>;

/** Members to merge into HubMessage and AgentMessage (gateway/hub-messages.ts, agent-messages.ts). */
export const hubJobMessages = { update: UpdateMessage, backup: BackupMessage, restore: RestoreMessage } as const;
export const agentJobMessages = { 'update-result': UpdateResult, 'backup-result': BackupResult, 'restore-result': RestoreResult } as const;

export const HubJobMessage = taggedUnion('HubJobMessage', hubJobMessages);
export type HubJobMessage = UpdateMessage | BackupMessage | RestoreMessage;
export const AgentJobMessage = taggedUnion('AgentJobMessage', agentJobMessages);
export type AgentJobMessage = UpdateResult | BackupResult | RestoreResult;

export const encodeJobMessage = (message: HubJobMessage | AgentJobMessage): string => JSON.stringify(message);
