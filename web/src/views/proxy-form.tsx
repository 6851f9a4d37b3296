// Create or edit a proxy profile: name, description, protocol, source port, and the target
// the protocol calls for (a host or a plugin for TCP/UDP, a device for the over-device
// kinds), TLS for TCP targets, the UDP flow timeout. The id is chosen at creation only.
import type { JSX } from 'preact';
import { useState } from 'preact/hooks';
import { call } from '../api.js';
import { ChoiceField, TextField, useSubmit } from '../fields.js';
import type { Options } from '../fields.js';
import type { Session } from '../session.js';
import { Problem } from '../ui.js';

export interface Proxy {
  readonly id: string;
  readonly name: string;
  readonly description?: string;
  readonly protocol: 'tcp' | 'udp' | 'tcp-over-device' | 'http-over-device';
  readonly enabled: boolean;
  readonly sourcePort: number;
  readonly timeout?: number;
  readonly target: {
    readonly type?: 'host' | 'plugin';
    readonly address?: string;
    readonly plugin?: string;
    readonly tenant?: string;
    readonly device?: string;
    readonly port: number;
    readonly tls?: { readonly verify?: boolean; readonly servername?: string };
  };
}

const protocols: Options<Proxy['protocol']> = [
  ['tcp', 'tcp'],
  ['udp', 'udp'],
  ['tcp-over-device', 'tcp-over-device'],
  ['http-over-device', 'http-over-device'],
];
const targetTypes: Options<'host' | 'plugin'> = [
  ['host', 'host'],
  ['plugin', 'plugin'],
];

const overDevice = (protocol: string): boolean => protocol === 'tcp-over-device' || protocol === 'http-over-device';
const numberOrText = (text: string): number | string => (text.trim() !== '' && Number.isFinite(Number(text)) ? Number(text) : text);

export function ProxyForm({ session, editing, onSaved }: { readonly session: Session; readonly editing?: Proxy; readonly onSaved: () => void }): JSX.Element {
  const [id, setId] = useState(editing?.id ?? '');
  const [name, setName] = useState(editing?.name ?? '');
  const [description, setDescription] = useState(editing?.description ?? '');
  const [protocol, setProtocol] = useState<Proxy['protocol']>(editing?.protocol ?? 'tcp');
  const [sourcePort, setSourcePort] = useState(String(editing?.sourcePort ?? ''));
  const [targetType, setTargetType] = useState<'host' | 'plugin'>(editing?.target.type ?? 'host');
  const [address, setAddress] = useState(editing?.target.address ?? '');
  const [plugin, setPlugin] = useState(editing?.target.plugin ?? '');
  const [tenant, setTenant] = useState(editing?.target.tenant ?? '');
  const [device, setDevice] = useState(editing?.target.device ?? '');
  const [port, setPort] = useState(String(editing?.target.port ?? ''));
  const [tls, setTls] = useState(editing?.target.tls !== undefined);
  const [timeout, setTimeoutMs] = useState(editing?.timeout === undefined ? '' : String(editing.timeout));
  const where = overDevice(protocol) ? 'device' : targetType;
  const action = useSubmit(async () => {
    const target =
      where === 'device'
        ? { tenant, device, address, port: numberOrText(port) }
        : where === 'host'
          ? { type: 'host', address, port: numberOrText(port) }
          : { type: 'plugin', plugin, port: numberOrText(port) };
    const body = {
      name,
      protocol,
      sourcePort: numberOrText(sourcePort),
      ...(description === '' ? {} : { description }),
      ...(protocol === 'udp' && timeout !== '' ? { timeout: numberOrText(timeout) } : {}),
      target: { ...target, ...(tls && protocol !== 'udp' ? { tls: {} } : {}) },
      ...(editing === undefined ? { enabled: true, ...(id === '' ? {} : { id }) } : { enabled: editing.enabled }),
    };
    if (editing === undefined) await call(session, 'POST', '/proxies', body);
    else await call(session, 'PUT', `/proxies/${encodeURIComponent(editing.id)}`, body);
    onSaved();
  });
  const { errors } = action;


  const text = (label: string, path: string, value: string, set: (value: string) => void, readOnly = false): JSX.Element => (
    <TextField label={label} path={path} errors={errors} value={value} readOnly={readOnly} onInput={set} />
  );

  return (
    <form class="inline" onSubmit={action.submit} aria-labelledby="proxy-form-title">
      <h2 id="proxy-form-title">{editing === undefined ? 'New proxy' : `Edit proxy ${editing.id}`}</h2>
      {text('Id (fixed once created)', 'body.id', id, setId, editing !== undefined)}
      {text('Name', 'body.name', name, setName)}
      {text('Description', 'body.description', description, setDescription)}
      <ChoiceField label="Protocol" path="body.protocol" errors={errors} value={protocol} options={protocols} onChange={setProtocol} />
      {text('Source port', 'body.sourcePort', sourcePort, setSourcePort)}
      {overDevice(protocol) ? null : <ChoiceField label="Target" path="body.target.type" errors={errors} value={targetType} options={targetTypes} onChange={setTargetType} />}
      {where === 'device' ? text('Tenant', 'body.target.tenant', tenant, setTenant) : null}
      {where === 'device' ? text('Device MAC', 'body.target.device', device, setDevice) : null}
      {where === 'plugin' ? text('Plugin', 'body.target.plugin', plugin, setPlugin) : text('Target address', 'body.target.address', address, setAddress)}
      {text('Target port', 'body.target.port', port, setPort)}
      {protocol === 'udp' ? (
        text('Flow timeout (ms)', 'body.timeout', timeout, setTimeoutMs)
      ) : (
        <div class="field">
          <label>
            <input type="checkbox" checked={tls} onChange={(event) => setTls(event.currentTarget.checked)} /> TLS to the target
          </label>
        </div>
      )}
      <button type="submit" disabled={action.busy}>
        {editing === undefined ? 'Create proxy' : 'Save proxy'}
      </button>
      <Problem error={action.error} />
    </form>
  );
}
