// Where the DeviceLink configuration comes from, strongest first: the serve flags, the
// environment, the config file's "deviceLink" section, the defaults. A bad value is refused
// at start-up with invalid_configuration naming its source and field, never ignored.
import { TetherError } from '../domain/errors.js';
import { Host, maxTimeoutMs, Port, TimeoutMs } from '../domain/tunnel/link-fields.js';
import type { ConfigFile } from './config-file.js';
import { defaultDeviceLinkConfig, LinkCount, linkCountRule, parsePortRange, PortRange, portRangeRule } from './devicelink-config.js';
import type { DeviceLinkConfig } from './devicelink-config.js';

type Field = keyof DeviceLinkConfig;
type Layer = Partial<DeviceLinkConfig>;

const fields: readonly Field[] = ['devicePort', 'timeout', 'lifetime', 'ports', 'bindAddress', 'maxLinksPerTenant'];

export const deviceLinkEnv: Readonly<Record<Field, string>> = {
  devicePort: 'TETHER_DEVICELINK_DEVICE_PORT',
  timeout: 'TETHER_DEVICELINK_TIMEOUT',
  lifetime: 'TETHER_DEVICELINK_LIFETIME',
  ports: 'TETHER_DEVICELINK_PORTS',
  bindAddress: 'TETHER_DEVICELINK_BIND',
  maxLinksPerTenant: 'TETHER_DEVICELINK_MAX_PER_TENANT',
};

export const deviceLinkFlags: Readonly<Record<Field, string>> = {
  devicePort: '--link-device-port',
  timeout: '--link-timeout',
  lifetime: '--link-lifetime',
  ports: '--link-ports',
  bindAddress: '--link-bind',
  maxLinksPerTenant: '--link-max-per-tenant',
};

/** The serve flags as commander hands them over: text, validated here. */
export type DeviceLinkFlagValues = Readonly<Partial<Record<Field, string>>>;

export interface DeviceLinkSources {
  readonly file?: ConfigFile;
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly flags?: DeviceLinkFlagValues;
  /** The hub's listen address (--host): where link ports bind unless configured. */
  readonly host: string;
}

const rules: Readonly<Record<Field, string>> = {
  devicePort: 'must be a whole number from 1 to 65535',
  timeout: `must be a whole number of milliseconds from 1 to ${maxTimeoutMs}`,
  lifetime: `must be a whole number of milliseconds from 1 to ${maxTimeoutMs}`,
  ports: portRangeRule,
  bindAddress: 'must be an IP address (IPv6 without brackets) or a host name',
  maxLinksPerTenant: linkCountRule,
};

const shown = (value: unknown): string => {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 60)}…` : text;
};

function refuse(where: string, field: Field, value: unknown): never {
  throw new TetherError('invalid_configuration', `${where} ${rules[field]} (got ${shown(value)})`, [where]);
}

const wholeNumber = (text: string, digits: number): number | undefined =>
  new RegExp(`^[0-9]{1,${digits}}$`).test(text.trim()) ? Number(text.trim()) : undefined;

/** A value written as text (a flag, an environment variable), or undefined when it is not valid. */
function fromText(field: Field, text: string): Layer[Field] {
  switch (field) {
    case 'devicePort': {
      const port = wholeNumber(text, 5);
      return Port.is(port) ? port : undefined;
    }
    case 'timeout':
    case 'lifetime': {
      const ms = wholeNumber(text, 10);
      return TimeoutMs.is(ms) ? ms : undefined;
    }
    case 'ports':
      return parsePortRange(text);
    case 'bindAddress':
      return Host.is(text) ? text : undefined;
    case 'maxLinksPerTenant': {
      const count = wholeNumber(text, 5);
      return LinkCount.is(count) ? count : undefined;
    }
  }
}

function textLayer(values: Readonly<Partial<Record<Field, string | undefined>>>, nameOf: (field: Field) => string): Layer {
  const layer: Record<string, unknown> = {};
  for (const field of fields) {
    const text = values[field];
    // An empty variable counts as unset, as everywhere else in `tether serve`.
    if (text === undefined || text === '') continue;
    layer[field] = fromText(field, text) ?? refuse(nameOf(field), field, text);
  }
  return layer as Layer;
}

/** A JSON value of the config file; ports may be "FROM-TO" or {"from", "to"}. */
function fromJson(field: Field, value: unknown): Layer[Field] {
  switch (field) {
    case 'devicePort':
      return Port.is(value) ? value : undefined;
    case 'timeout':
    case 'lifetime':
      return TimeoutMs.is(value) ? value : undefined;
    case 'ports':
      return typeof value === 'string' ? parsePortRange(value) : PortRange.is(value) ? { from: value.from, to: value.to } : undefined;
    case 'bindAddress':
      return Host.is(value) ? value : undefined;
    case 'maxLinksPerTenant':
      return LinkCount.is(value) ? value : undefined;
  }
}

const isField = (key: string): key is Field => (fields as readonly string[]).includes(key);

function fileLayer(file: ConfigFile | undefined): Layer {
  const section = file?.sections.deviceLink;
  if (file === undefined || section === undefined) return {};
  const where = `${file.name}: deviceLink`;
  if (typeof section !== 'object' || section === null || Array.isArray(section)) {
    throw new TetherError('invalid_configuration', `${where} must be an object {${fields.map((field) => `${field}?`).join(', ')}}`, [where]);
  }
  const layer: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(section)) {
    if (!isField(key)) {
      throw new TetherError('invalid_configuration', `${where}.${key} is not a field (known: ${fields.join(', ')})`, [`${where}.${key}`]);
    }
    layer[key] = fromJson(key, value) ?? refuse(`${where}.${key}`, key, value);
  }
  return layer as Layer;
}

export function resolveDeviceLinkConfig(sources: DeviceLinkSources): DeviceLinkConfig {
  const env = sources.env ?? {};
  const fromEnv = textLayer(Object.fromEntries(fields.map((field) => [field, env[deviceLinkEnv[field]]])), (field) => deviceLinkEnv[field]);
  const fromFlags = textLayer(sources.flags ?? {}, (field) => deviceLinkFlags[field]);
  const resolved: DeviceLinkConfig = { ...defaultDeviceLinkConfig(sources.host), ...fileLayer(sources.file), ...fromEnv, ...fromFlags };
  if (!Host.is(resolved.bindAddress)) refuse('--host (where link ports bind by default)', 'bindAddress', resolved.bindAddress);
  return resolved;
}
