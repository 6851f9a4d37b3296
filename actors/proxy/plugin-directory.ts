/**
 * A plugin: a named local service the hub's configuration declares (Node-RED, Grafana, ...),
 * which a proxy may target by name and port. `ports`, when given, are the only ports it serves.
 */
export interface PluginService {
  readonly host: string;
  readonly ports?: readonly number[];
}

export type PluginDirectory = ReadonlyMap<string, PluginService>;
