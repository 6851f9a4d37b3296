// Two hub nodes on one SQLite store, each binding proxy ports on its own loopback address. A
// node reads the log once at start-up and follows it afterwards: a proxy profile created through
// the other node between that read and the follower's start is opened all the same, and one
// the read found is opened once.
import { isLeft } from 'fp-ts/lib/Either.js';
import { connect } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ForwardPlane } from '../../actors/forward-session/forward-plane.js';
import { scanLog } from '../../actors/runtime/log-scan.js';
import type { ProxySettings } from '../../domain/proxy/proxy-settings.js';
import { decodeProxySettings } from '../../domain/proxy/proxy-settings.js';
import { eventually } from '../e2e/tether-process.js';
import { admin, RuntimeFixture } from './runtime/runtime-fixture.js';

const base = 46000 + Math.floor(Math.random() * 900);

function settings(sourcePort: number): ProxySettings {
  const decoded = decodeProxySettings({ name: 'web', protocol: 'tcp', enabled: true, sourcePort, target: { type: 'host', address: '127.0.0.1', port: 9 } });
  if (isLeft(decoded)) throw decoded.left;
  const { id: _id, ...rest } = decoded.right;
  return rest;
}

function accepts(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ port, host });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

interface Node {
  readonly plane: ForwardPlane;
  readonly complaints: string[];
}

let fixture: RuntimeFixture;
let nodes: Node[];

function node(nodeId: string, bindAddress: string, store = fixture.openStore()): Node {
  const complaints: string[] = [];
  const logger = { info: () => undefined, warn: (_: object, message: string) => void complaints.push(message), error: (_: object, message: string) => void complaints.push(message) };
  const plane = new ForwardPlane({
    runtime: fixture.runtime({ store }),
    store,
    clock: fixture.clock,
    devices: { connectionOf: () => undefined },
    nodeId,
    logger,
    plugins: new Map(),
    bindAddress,
    ports: { from: base + 500, to: base + 599 },
  });
  const made = { plane, complaints };
  nodes.push(made);
  return made;
}

beforeEach(() => {
  fixture = new RuntimeFixture();
  nodes = [];
});
afterEach(async () => {
  for (const made of nodes) await made.plane.shutdown();
  await fixture.close();
});

describe('a node starting while proxies are created through another', () => {
  it('opens the profile created between its start-up read and its follower, and the one the read found, each once', async () => {
    const a = node('node-a', '127.0.0.2', fixture.store);
    const b = node('node-b', '127.0.0.1');
    await b.plane.proxies.create('found', settings(base), admin);

    const startup = a.plane.startupReader();
    await scanLog(fixture.store, [startup]);
    await b.plane.proxies.create('between', settings(base + 1), admin);
    await a.plane.start(startup);

    for (const port of [base, base + 1]) {
      await eventually(`port ${port} open on node-a`, 2000, async () => ((await accepts('127.0.0.2', port)) ? true : undefined));
    }
    expect(a.complaints).toEqual([]);
  });
});
