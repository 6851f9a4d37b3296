// Open a DeviceLink to a port of the device: protocol, port, source, UDP timeout, encryption.
// The answer's port comes with lines to copy; Close deletes the link by its token.
import type { JSX } from 'preact';
import { useState } from 'preact/hooks';
import { call } from '../api.js';
import type { Session } from '../session.js';
import { CopyButton, Field, Problem, fieldErrors, useAction } from '../ui.js';
import { formatMac } from './device-filters.js';

interface OpenedLink {
  readonly port: number;
  readonly devicePort: number;
  readonly token: string;
  readonly protocol: 'tcp' | 'udp';
  readonly encrypt?: { readonly key: string; readonly initializationVector: string };
}

const randomHex = (bytes: number): string => [...crypto.getRandomValues(new Uint8Array(bytes))].map((byte) => byte.toString(16).padStart(2, '0')).join('');

export function DeviceLinkForm({ mac, session }: { readonly mac: string; readonly session: Session }): JSX.Element {
  const [protocol, setProtocol] = useState<'tcp' | 'udp'>('tcp');
  const [devicePort, setDevicePort] = useState('22');
  const [sourceHost, setSourceHost] = useState('');
  const [sourcePort, setSourcePort] = useState('');
  const [timeout, setTimeoutMs] = useState('');
  const [encrypt, setEncrypt] = useState(false);
  const [opened, setOpened] = useState<OpenedLink | undefined>(undefined);
  const action = useAction();
  const errors = fieldErrors(action.error);

  const open = (event: Event): void => {
    event.preventDefault();
    void action.run(async () => {
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
  };
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
    <form class="link-form" onSubmit={open} aria-labelledby="open-link-title">
      <h2 id="open-link-title">Open a DeviceLink</h2>
      <Field label="Protocol" path="body.protocol" errors={errors}>
        {(id) => (
          <select id={id} value={protocol} onChange={(event) => setProtocol(event.currentTarget.value === 'udp' ? 'udp' : 'tcp')}>
            <option value="tcp">TCP</option>
            <option value="udp">UDP</option>
          </select>
        )}
      </Field>
      <Field label="Device port" path="body.devicePort" errors={errors}>
        {(id, describedBy) => <input id={id} aria-describedby={describedBy} inputMode="numeric" value={devicePort} onInput={(event) => setDevicePort(event.currentTarget.value)} />}
      </Field>
      <Field label="Source host (optional)" path="body.source.host" errors={errors}>
        {(id, describedBy) => <input id={id} aria-describedby={describedBy} value={sourceHost} onInput={(event) => setSourceHost(event.currentTarget.value)} />}
      </Field>
      <Field label="Source port" path="body.source.port" errors={errors}>
        {(id, describedBy) => <input id={id} aria-describedby={describedBy} inputMode="numeric" value={sourcePort} onInput={(event) => setSourcePort(event.currentTarget.value)} />}
      </Field>
      <Field label="UDP idle timeout (ms)" path="body.timeout" errors={errors}>
        {(id, describedBy) => <input id={id} aria-describedby={describedBy} inputMode="numeric" value={timeout} onInput={(event) => setTimeoutMs(event.currentTarget.value)} />}
      </Field>
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
