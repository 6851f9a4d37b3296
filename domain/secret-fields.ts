// The fields of stored events that hold a hash or a sealed value. They stay in the store (each
// event's bytes are part of its hash chain), but no view of an event that leaves the hub shows
// them: an export, a timeline or a dashboard says that the password was set, by whom and when,
// and nothing an attacker could crack offline or unseal with a stolen key.

/** Per event type, the paths inside `data` that hold a secret. */
export const secretFields: Readonly<Record<string, readonly (readonly string[])[]>> = {
  AdminPasswordSet: [['passwordHash']],
  AuditorCreated: [['passwordHash']],
  AuditorPasswordChanged: [['passwordHash']],
  UserCreated: [['passwordHash']],
  UserPasswordChanged: [['passwordHash']],
  TenantCreated: [['passwordHash'], ['sealedPassword']],
  TenantPasswordChanged: [['passwordHash'], ['sealedPassword']],
  DeviceAssigned: [['passwordHash']],
  TunnelOpened: [['tokenHash']],
  RelayRegistered: [['tokenHash']],
  BackupJobCreated: [['spec', 'sealedPassword']],
};

/** What a view shows in place of a secret: that there was one, not what it was. */
export const redactedSecret = '[redacted]';

type EventData = Readonly<Record<string, unknown>>;

const isRecord = (value: unknown): value is EventData => typeof value === 'object' && value !== null && !Array.isArray(value);

function redactPath(data: EventData, path: readonly string[]): EventData {
  const [key, ...rest] = path;
  if (key === undefined || !Object.hasOwn(data, key)) return data;
  const value = data[key];
  if (rest.length === 0) return { ...data, [key]: redactedSecret };
  return isRecord(value) ? { ...data, [key]: redactPath(value, rest) } : data;
}

/** An event's data as it may leave the hub: every secret field present replaced by `redactedSecret`. */
export function redactSecrets(type: string, data: EventData): EventData {
  return (Object.hasOwn(secretFields, type) ? (secretFields[type] ?? []) : []).reduce(redactPath, data);
}
