// A dtt-reverse application connected on a device: the device's agent listens on each
// mapping's device port; every connection an application makes there is carried through the
// hub to the target endpoint, which reaches targetHost:targetPort as it sees it. The target is
// reached first, then the agent is told to dial the stream back (reverse-accept); a target
// that cannot be reached ends the device's connection at once (close-stream). The agent is told
// to listen for a mapping once its session is stored, and to stop once its end is.
import { randomUUID } from 'node:crypto';
import type { Socket } from 'node:net';
import { formatMac } from '../../domain/device/mac.js';
import type { Mac } from '../../domain/device/mac.js';
import { TetherError, isTetherError } from '../../domain/errors.js';
import type { AgentReverseMessage } from '../../domain/gateway/reverse-messages.js';
import type { PortMapping, ReverseApp } from '../../domain/protocol-app/app-template.js';
import type { TerminationCause } from '../../domain/tunnel/termination-cause.js';
import { resetSocket, splice } from '../../wire/socket-splice.js';
import type { AppConnection, ConnectionEnv, ConnectRequest } from './app-connection.js';
import type { SessionToOpen } from './app-sessions-live.js';
import type { CommandContext } from '../../domain/command-context.js';
import { LiveForwardSession, noTraffic } from '../forward-session/forward-session.js';
import { causeOfSplice, spliceMeter } from '../forward-session/splice-meter.js';
import { assertServiceEndpoint, reachTarget } from './reverse-target.js';
import type { ReachedTarget } from './reverse-target.js';

interface Listener {
  readonly listenerId: string;
  readonly mapping: PortMapping;
  readonly session: LiveForwardSession;
  unlistened: boolean;
  ready?: { resolve: () => void; reject: (error: TetherError) => void };
}

export class ReverseAppConnection implements AppConnection {
  readonly type = 'dtt-reverse';
  private readonly listeners = new Map<string, Listener>();
  private ending: Promise<{ readonly position?: number }> | undefined;
  private readonly endListeners: (() => void)[] = [];
  private lastPosition: number | undefined;

  /** Nothing happens until open(); the connection takes its agent's messages from the start. */
  constructor(
    private readonly request: ConnectRequest & { readonly template: ReverseApp },
    private readonly env: ConnectionEnv,
  ) {}

  get appId(): string {
    return this.request.appId;
  }

  get device(): Mac {
    return this.request.device;
  }

  get sessionIds(): readonly string[] {
    return [...this.listeners.values()].map((listener) => listener.session.sessionId);
  }

  get position(): number | undefined {
    return this.lastPosition;
  }

  /** Records a session per mapping; the agent listens for each once it is stored. Resolves once every listener is up. */
  async open(): Promise<void> {
    const { request, env } = this;
    const { template, device, tenantId, context } = request;
    const control = env.dialer.control(device, tenantId);
    if (template.targetEndpoint !== 'hub') assertServiceEndpoint(template.targetEndpoint, env.endpoints, env.dialer);
    const ready: Promise<void>[] = [];
    try {
      for (const mapping of template.portMappings) {
        const sessionId = randomUUID();
        const listenerId = randomUUID();
        const carrier = {
          opened: (): void => {
            const listener: Listener = { listenerId, mapping, session: LiveForwardSession.opened(env.forward, sessionId), unlistened: false };
            this.listeners.set(listenerId, listener);
            const listening = this.whenListening(listener);
            // Awaited with the others once every session is stored; a refusal before then must not go unheard.
            listening.catch(() => undefined);
            ready.push(listening);
            control.send({ type: 'reverse-listen', listenerId, port: mapping.devicePort });
          },
          ended: (cause: TerminationCause): void => this.unlisten(listenerId, cause),
        };
        const { position } = await env.forward.runtime.reserve(env.sessions, sessionId, { fields: this.sessionFields(sessionId, mapping), carrier }, context);
        this.lastPosition = position ?? this.lastPosition;
      }
      await Promise.all(ready);
    } catch (error) {
      const cause: TerminationCause = isTetherError(error, 'device_offline') ? 'device-offline' : 'target-refused';
      await this.close(cause).catch(() => undefined);
      throw error;
    }
  }

  onEnded(listener: () => void): void {
    this.endListeners.push(listener);
  }

  reverseMessage(message: AgentReverseMessage): void {
    if (message.type === 'service-endpoint') return;
    const listener = this.listeners.get(message.listenerId);
    if (listener === undefined) return;
    if (message.type === 'reverse-listening') {
      listener.ready?.resolve();
      return;
    }
    if (message.type === 'reverse-listen-failed') {
      listener.ready?.reject(
        new TetherError('device_failed', `device ${formatMac(this.device)} could not listen on port ${listener.mapping.devicePort}: ${message.message}`),
      );
      return;
    }
    this.carry(listener, message.streamId).catch((error: unknown) => {
      this.env.logger.error({ err: error, appId: this.appId, streamId: message.streamId }, 'a reverse stream failed');
    });
  }

  close(cause: TerminationCause, context?: CommandContext): Promise<{ readonly position?: number }> {
    this.ending ??= (async () => {
      let last: { readonly position?: number } = {};
      try {
        for (const listener of this.listeners.values()) {
          const ended = await listener.session.close(cause, context).finally(() => this.unlisten(listener.listenerId, cause));
          if (ended.position !== undefined) last = ended;
        }
        return last;
      } finally {
        this.endListeners.forEach((listener) => listener());
      }
    })();
    return this.ending;
  }

  /** The listener's end is stored (or could not be): the agent stops listening, once. */
  private unlisten(listenerId: string, cause: TerminationCause): void {
    const listener = this.listeners.get(listenerId);
    if (listener === undefined || listener.unlistened) return;
    listener.unlistened = true;
    listener.ready?.reject(new TetherError('unavailable', `the connection closed (${cause})`));
    try {
      this.env.dialer.control(this.device).send({ type: 'reverse-unlisten', listenerId });
    } catch {
      // The device is gone: its listeners went with it.
    }
  }

  private sessionFields(sessionId: string, mapping: PortMapping): SessionToOpen['fields'] {
    const { appId, template, tenantId, device, context } = this.request;
    return {
      sessionId,
      kind: 'protocol-app',
      sourceId: appId,
      mode: 'dtt-reverse',
      transport: 'tcp',
      target: { host: template.targetHost, port: mapping.targetPort },
      endpoint: template.targetEndpoint,
      relay: 'hub',
      node: this.env.nodeId,
      tenantId,
      device,
      devicePort: mapping.devicePort,
      ...(context.ip === undefined ? {} : { userIP: context.ip }),
    };
  }

  private whenListening(listener: Listener): Promise<void> {
    const timeoutMs = this.env.listenTimeoutMs ?? 10_000;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new TetherError('timeout', `device ${formatMac(this.device)} did not start listening on port ${listener.mapping.devicePort} within ${timeoutMs} ms`)),
        timeoutMs,
      );
      timer.unref();
      listener.ready = {
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      };
    });
  }

  private async carry(listener: Listener, streamId: string): Promise<void> {
    const { session, mapping } = listener;
    const { dialer } = this.env;
    const refuse = (cause: TerminationCause): void => {
      try {
        dialer.control(this.device).send({ type: 'close-stream', streamId, cause });
      } catch {
        // The device is gone: its listener went with it.
      }
    };
    let control;
    try {
      control = dialer.control(this.device);
    } catch {
      return;
    }
    if (this.ending !== undefined || session.closing !== undefined) {
      refuse(session.closing ?? 'deleted');
      return;
    }
    await session.attach({ streamId, clientHost: control.ip, clientPort: mapping.devicePort }, () => {
      dialer.giveUpDialBack(streamId, 'the session ended');
      refuse(session.closing ?? 'deleted');
    });
    let target: ReachedTarget;
    try {
      target = await reachTarget(this.request.template, mapping.targetPort, this.env);
    } catch (error) {
      this.env.logger.info({ err: error, appId: this.appId, streamId }, 'a reverse stream could not reach its target');
      refuse('target-refused');
      await session.streamEnded(streamId, 'target-refused', noTraffic);
      return;
    }
    const expected = dialer.expectDialBack(streamId);
    control.send({ type: 'reverse-accept', streamId, token: expected.token });
    let fromDevice: Socket;
    try {
      fromDevice = await expected.socket;
    } catch {
      resetSocket(target.socket);
      target.tellClosed?.('error');
      await session.streamEnded(streamId, session.closing ?? 'error', noTraffic);
      return;
    }
    if (session.closing !== undefined) {
      resetSocket(fromDevice);
      resetSocket(target.socket);
      return;
    }
    const spliced = splice({ socket: fromDevice }, { socket: target.socket });
    session.connected(streamId, spliceMeter(spliced), control.ip);
    const result = await spliced.ended;
    const cause = causeOfSplice(result, { a: 'client-closed', b: 'device-closed' });
    if (result.reset) {
      refuse(cause);
      target.tellClosed?.(cause);
    }
    await session.streamEnded(streamId, cause, { bytesToTarget: result.bytesAToB, bytesFromTarget: result.bytesBToA });
  }
}
