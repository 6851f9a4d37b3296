// A dtt-reverse application connected on a device: the device's agent listens on each
// mapping's device port; every connection an application makes there is carried through the
// hub to the target endpoint, which reaches targetHost:targetPort as it sees it. The target is
// reached first, then the agent is told to dial the stream back (reverse-accept); a target
// that cannot be reached ends the device's connection at once (close-stream). The agent is told
// to listen for a mapping once its session is stored, and to stop once its end is.
import { randomUUID } from 'node:crypto';
import type { Socket } from 'node:net';
import type { Mac } from '../../domain/device/mac.js';
import { isTetherError, TetherError } from '../../domain/errors.js';
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
import { ReverseListener } from './reverse-listener.js';
import type { ControlConnection } from '../../data-plane/control-connection.js';
import type { ReachedTarget } from './reverse-target.js';

export class ReverseAppConnection implements AppConnection {
  readonly type = 'dtt-reverse';
  private readonly listeners = new Map<string, ReverseListener>();
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
        let listener: ReverseListener | undefined;
        const carrier = {
          opened: (): void => {
            listener = new ReverseListener(mapping, LiveForwardSession.opened(env.forward, sessionId), device);
            this.listeners.set(listener.listenerId, listener);
            const listening = listener.listen(control, env.listenTimeoutMs ?? 10_000);
            // Awaited with the others once every session is stored; a refusal before then must not go unheard.
            listening.catch(() => undefined);
            ready.push(listening);
          },
          ended: (cause: TerminationCause): void => {
            if (listener !== undefined) this.endedElsewhere(listener, cause);
          },
        };
        const { position } = await env.forward.runtime.reserve(env.sessions.registered, sessionId, { fields: this.sessionFields(sessionId, mapping), carrier }, context);
        this.lastPosition = position ?? this.lastPosition;
        // Its session is stored but could not start: the sessions' live module records its end.
        if (listener === undefined) throw new TetherError('internal', `a listener of protocol application ${request.appId} could not start`);
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
    if (message.type === 'reverse-listening') listener.listening();
    else if (message.type === 'reverse-listen-failed') listener.refused(message.message);
    else {
      this.carry(listener, message.streamId).catch((error: unknown) => {
        this.env.logger.error({ err: error, appId: this.appId, streamId: message.streamId }, 'a reverse stream failed');
      });
    }
  }

  close(cause: TerminationCause, context?: CommandContext): Promise<{ readonly position?: number }> {
    this.ending ??= (async () => {
      let last: { readonly position?: number } = {};
      const failures: unknown[] = [];
      try {
        for (const listener of this.listeners.values()) {
          try {
            const ended = await listener.session.close(cause, context);
            if (ended.position !== undefined) last = ended;
          } catch (error) {
            // Its port mapping ends all the same; the sessions' live module records the end later.
            this.env.sessions.endNotStored(listener.session.sessionId, cause);
            failures.push(error);
          } finally {
            listener.stop(cause, () => this.control());
          }
        }
        if (failures.length > 0) throw failures[0];
        return last;
      } finally {
        this.endListeners.forEach((listener) => listener());
      }
    })();
    return this.ending;
  }

  /** A listener's end was stored by another hand than close(): the connection ends with its last listener. */
  private endedElsewhere(listener: ReverseListener, cause: TerminationCause): void {
    listener.session.endedElsewhere(cause);
    listener.stop(cause, () => this.control());
    if (this.ending !== undefined || [...this.listeners.values()].some((other) => other.listens)) return;
    this.ending = Promise.resolve({});
    this.endListeners.forEach((end) => end());
  }

  private control(): ControlConnection {
    return this.env.dialer.control(this.device);
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

  private async carry(listener: ReverseListener, streamId: string): Promise<void> {
    const { session, mapping } = listener;
    const { dialer } = this.env;
    const refuse = (cause: TerminationCause): void => {
      try {
        this.control().send({ type: 'close-stream', streamId, cause });
      } catch {
        // The device is gone: its listener went with it.
      }
    };
    let control;
    try {
      control = this.control();
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
