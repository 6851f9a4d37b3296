// The few calls of the hub's REST API the tunnel benchmark makes, as the admin.
export interface ApiReply {
  readonly status: number;
  readonly body: unknown;
  readonly text: string;
}

export interface OpenedLink {
  readonly port: number;
  readonly token: string;
}

export interface DeviceState {
  readonly tenant: string | null;
  readonly state: string;
  readonly online: boolean;
}

/** The session record fields the benchmark checks (domain/tunnel/session-record.ts). */
export interface SessionTotals {
  readonly state: 'open' | 'closed';
  readonly bytesToDevice: number;
  readonly bytesFromDevice: number;
  readonly terminationCause?: string;
}

export class HubApi {
  private token = '';

  constructor(readonly baseUrl: string) {}

  async call(method: string, path: string, body?: object): Promise<ApiReply> {
    const response = await fetch(`${this.baseUrl}/api/v1${path}`, {
      method,
      headers: {
        ...(this.token === '' ? {} : { authorization: `Bearer ${this.token}` }),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    let parsed: unknown;
    try {
      parsed = text === '' ? undefined : JSON.parse(text);
    } catch {
      parsed = undefined;
    }
    return { status: response.status, body: parsed, text };
  }

  /** `call`, failing unless the answer has `status`. */
  async expect<T>(status: number, method: string, path: string, body?: object): Promise<T> {
    const reply = await this.call(method, path, body);
    if (reply.status !== status) throw new Error(`${method} /api/v1${path}: ${reply.status} ${reply.text.slice(0, 500)}`);
    return reply.body as T;
  }

  async logIn(password: string): Promise<void> {
    const { token } = await this.expect<{ token: string }>(200, 'POST', '/auth/login', { password });
    this.token = token;
  }

  async device(mac: string): Promise<DeviceState | undefined> {
    const reply = await this.call('GET', `/devices/${mac}`);
    return reply.status === 200 ? (reply.body as DeviceState) : undefined;
  }

  /** `relay`: the relay the link is asked on (default: wherever the hub places it). */
  openLink(mac: string, protocol: 'tcp' | 'udp', devicePort: number, relay?: string): Promise<OpenedLink> {
    return this.expect<OpenedLink>(201, 'POST', `/devicelink/${mac}`, { protocol, devicePort, ...(relay === undefined ? {} : { relay }) });
  }

  async closeLink(token: string): Promise<void> {
    await this.expect<unknown>(204, 'DELETE', `/devicelink/${token}`);
  }

  /** The link's session record, or the reply when there is none. */
  async session(token: string): Promise<SessionTotals | ApiReply> {
    const id = token.slice(0, token.indexOf('.'));
    const reply = await this.call('GET', `/sessions/${id}`);
    return reply.status === 200 ? (reply.body as SessionTotals) : reply;
  }
}
