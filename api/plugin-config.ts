// The plugins proxies may target: named local services of the hub (the seed's Node-RED or
// Grafana plugin), from the "plugins" section of `tether serve --config`:
//   {"plugins": {"node-red": {"host": "127.0.0.1", "ports": [1880]}, "grafana": {"ports": [3000]}}}
// `host` defaults to 127.0.0.1; `ports`, when given, are the only ports a proxy may target.
import type { PluginDirectory, PluginService } from '../actors/proxy/plugin-directory.js';
import { TetherError } from '../domain/errors.js';
import { PluginName } from '../domain/proxy/proxy-settings.js';
import { Host, Port } from '../domain/tunnel/link-fields.js';
import type { ConfigFile } from './config-file.js';

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

function refuse(where: string, rule: string): never {
  throw new TetherError('invalid_configuration', `${where} ${rule}`, [where]);
}

function serviceOf(where: string, value: unknown): PluginService {
  if (!isObject(value)) refuse(where, 'must be an object {host?, ports?}');
  const { host = '127.0.0.1', ports, ...unknown } = value;
  const extra = Object.keys(unknown);
  if (extra.length > 0) refuse(`${where}.${extra[0] ?? ''}`, 'is not a field (known: host, ports)');
  if (!Host.is(host)) refuse(`${where}.host`, 'must be an IP address or a host name');
  if (ports === undefined) return { host };
  if (!Array.isArray(ports) || ports.length === 0 || !ports.every((port) => Port.is(port))) refuse(`${where}.ports`, 'must be a list of ports from 1 to 65535');
  return { host, ports: ports as number[] };
}

/** The config file's plugins; none when it has no "plugins" section. */
export function pluginsOf(file: ConfigFile | undefined): PluginDirectory {
  const section = file?.sections.plugins;
  const plugins = new Map<string, PluginService>();
  if (file === undefined || section === undefined) return plugins;
  const where = `${file.name}: plugins`;
  if (!isObject(section)) refuse(where, 'must be an object {"<name>": {host?, ports?}, ...}');
  for (const [name, value] of Object.entries(section)) {
    if (!PluginName.is(name)) refuse(`${where}.${name}`, 'is not a plugin name: 1 to 64 lower-case letters, digits or "-"');
    plugins.set(name, serviceOf(`${where}.${name}`, value));
  }
  return plugins;
}
