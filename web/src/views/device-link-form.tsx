// Open a DeviceLink to a port of the device: protocol, port, source, UDP timeout, encryption.
// The answer's port comes with lines to copy; Close deletes the link by its token.
import type { JSX } from 'preact';
import { useState } from 'preact/hooks';
import { call } from '../api.js';
import { ChoiceField, TextField, useSubmit } from '../fields.js';
import type { Options } from '../fields.js';
import type { Session } from '../session.js';
import { CopyButton, Problem } from '../ui.js';
import { formatMac } from './device-filters.js';

interface OpenedLink {
  readonly port: number;
  readonly devicePort: number;
  readonly token: string;
  readonly protocol: 'tcp' | 'udp';
  readonly encrypt?: { readonly key: string; readonly initializationVector: string };
}

const protocols: Options<'tcp' | 'udp'> = [
  ['tcp', 'TCP'],
  ['udp', 'UDP'],
];

const randomHex = (bytes: number): string => [...crypto.getRandomValues(new Uint8Array(bytes))].map((byte) => byte.toString(16).padStart(2, '0')).join('');

export function DeviceLinkForm({ mac, session }: { readonly mac: string; readonly session: Session }): JSX.Element {
  const [protocol, setProtocol] = useState<'tcp' | 'udp'>('tcp');
  const [devicePort, setDevicePort] = useState('22');
  const [sourceHost, setSourceHost] = useState('');
  const [sourcePort, setSourcePort] = useState('');
  const [timeout, setTimeoutMs] = useState('');
  const [encrypt, setEncrypt] = useState(false);
  const [opened, setOpened] = useState<OpenedLink | undefined>(undefined);
  const action = useSubmit(async () => {
    const keys = encrypt ? { key: randomHex(32), initializationVector: randomHex(16) } : undefined;
    const body = {
      protocol,
      ...(devicePort === '' ? {} : { devicePort: Number(devicePort) }),
      ...(timeout === '' ? {} : { timeout: Number(timeout) }),
      ...(sourceHost === '' && sourcePort === '' ? {} : { source: { host: sourceHost, port: Number(sourcePort) } }),
      ...(keys === undefined ? {} : { encrypt: keys }),
    };
    const link = await call<OpenedLink>(session, 'POST', `/devicelink/${mac}`, body);
    setOpened({ ...link, protocol, ...(keys === undefined ? {} : { encrypt: keys }) });
  });
  const { errors } = action;

  const close = (): void => {
    if (opened === undefined) return;
    void action.run(async () => {
      await call(session, 'DELETE', `/devicelink/${encodeURIComponent(opened.token)}`);
      setOpened(undefined);
    });
  };

  if (opened !== undefined) {
    const host = location.hostname;
    const cli = `tether link open ${formatMac(mac)} --port ${opened.devicePort} --local 2222${opened.encrypt === undefined ? '' : ' --encrypt'}`;
    const ssh = `ssh -p ${opened.port} root@${host}`;
    return (
      <section class="link" aria-labelledby="link-title">
        <h2 id="link-title">DeviceLink open</h2>
        <p>
          Hub port <strong data-testid="link-port">{opened.port}</strong> leads to {opened.protocol.toUpperCase()} port {opened.devicePort} of the device.
        </p>
        {opened.encrypt === undefined ? (
          <p>
            <code>{ssh}</code> <CopyButton text={ssh} label="Copy the ssh line" />
          </p>
        ) : (
          <p>
            Encrypted: key <code>{opened.encrypt.key}</code>, IV <code>{opened.encrypt.initializationVector}</code>
          </p>
        )}
        <p>
          Or from a terminal, as a new link: <code>{cli}</code> <CopyButton text={cli} label="Copy the tether link open line" />
        </p>
        <button type="button" onClick={close} disabled={action.busy}>
          Close link
        </button>
        <Problem error={action.error} />
      </section>
    );
  }

  return (
    <form class="link-form" onSubmit={action.submit} aria-labelledby="open-link-title">
      <h2 id="open-link-title">Open a DeviceLink</h2>
      <ChoiceField label="Protocol" path="body.protocol" errors={errors} value={protocol} options={protocols} onChange={setProtocol} />
      <TextField label="Device port" path="body.devicePort" errors={errors} inputMode="numeric" value={devicePort} onInput={setDevicePort} />
      <TextField label="Source host (optional)" path="body.source.host" errors={errors} value={sourceHost} onInput={setSourceHost} />
      <TextField label="Source port" path="body.source.port" errors={errors} inputMode="numeric" value={sourcePort} onInput={setSourcePort} />
      <TextField label="UDP idle timeout (ms)" path="body.timeout" errors={errors} inputMode="numeric" value={timeout} onInput={setTimeoutMs} />
      <div class="field">
        <label>
          <input type="checkbox" checked={encrypt} onChange={(event) => setEncrypt(event.currentTarget.checked)} /> Encrypt (AES-256-CTR)
        </label>
      </div>
      <button type="submit" disabled={action.busy}>
        Open link
      </button>
      <Problem error={action.error} />
    </form>
  );
}
