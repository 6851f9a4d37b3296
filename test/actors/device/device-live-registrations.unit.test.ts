// A hello of a MAC never seen before counts a registration for its address, and gives it back
// if it then stores nothing; but only a count its own call appended. Two hellos of one new MAC
// (on two nodes) find it counted once: the second one's failure must not give back the first's.
import { describe, expect, it } from 'vitest';
import type { ControlConnection } from '../../../data-plane/control-connection.js';
import { DeviceLive } from '../../../actors/device/device-live.js';
import type { DeviceCredentials } from '../../../actors/device/device-credentials.js';
import { DeviceSessions } from '../../../actors/device/device-sessions.js';
import type { RegistrationCount } from '../../../actors/gateway/address-registrations.js';
import { parseMac } from '../../../domain/device/mac.js';
import { deviceMachine } from '../../../domain/device/machine.js';
import { TetherError } from '../../../domain/errors.js';
import type { Hello } from '../../../domain/gateway/agent-messages.js';
import { systemPrincipal } from '../../../domain/principal.js';
import { stateAfter } from '../../support/given-when-then.js';

const mac = parseMac('00:11:22:00:77:01');
const link: ControlConnection = { connectionId: 'conn-1', ip: '192.0.2.1', open: true, send: () => undefined, close: () => undefined };
const hello: Hello = { type: 'hello', mac, model: 'm', firmware: 'f', apps: [], categories: [], agentVersion: '1', password: 'pw' };
const context = { principal: systemPrincipal };

/** A hello whose registration counts as `count`, and whose password check fails (the store is briefly down). */
async function failedHello(count: RegistrationCount): Promise<string[]> {
  const givenBack: string[] = [];
  const credentials = {
    tenantProvenBy: () => Promise.reject(new TetherError('unavailable', 'the event store is unavailable (test double)')),
  } as unknown as DeviceCredentials;
  const live = new DeviceLive(new DeviceSessions(), {
    nodeId: 'node-a',
    admission: { register: () => Promise.resolve(count), releaseRegistration: (_ip, key) => Promise.resolve(void givenBack.push(key)) },
    credentials,
    logger: { warn: () => undefined },
  });
  await expect(live.reserve({ link, hello, context }, stateAfter(deviceMachine, []))).rejects.toMatchObject({ code: 'unavailable' });
  return givenBack;
}

describe('a new MAC’s registration given back', () => {
  it('is given back by the hello that counted it', async () => {
    expect(await failedHello('counted')).toEqual([mac]);
  });

  it('is not given back by a hello that found it counted by another', async () => {
    expect(await failedHello('counted-before')).toEqual([]);
  });
});
