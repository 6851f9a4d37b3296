// A real WebDAV server (the `webdav-server` package) on 127.0.0.1 for backup and restore tests:
// files land in a directory on disk, so a test compares what was stored byte for byte.
import fs from 'node:fs';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import webdavServer from 'webdav-server';

const { v2 } = webdavServer;

export interface WebdavTargetOptions {
  readonly auth: 'basic' | 'digest';
  readonly username: string;
  readonly password: string;
  /** Files land here. */
  readonly root: string;
}

export class WebdavTarget {
  private constructor(
    private readonly server: InstanceType<typeof v2.WebDAVServer>,
    private readonly root: string,
    readonly url: string,
  ) {}

  static async start(options: WebdavTargetOptions): Promise<WebdavTarget> {
    const users = new v2.SimpleUserManager();
    const user = users.addUser(options.username, options.password, false);
    const privileges = new v2.SimplePathPrivilegeManager();
    privileges.setRights(user, '/', ['all']);
    const server = new v2.WebDAVServer({
      hostname: '127.0.0.1',
      requireAuthentification: true,
      httpAuthentication:
        options.auth === 'basic' ? new v2.HTTPBasicAuthentication(users, 'tether-test') : new v2.HTTPDigestAuthentication(users, 'tether-test'),
      privilegeManager: privileges,
      rootFileSystem: new v2.PhysicalFileSystem(options.root),
    });
    const http = await server.startAsync(0);
    return new WebdavTarget(server, options.root, `http://127.0.0.1:${(http.address() as AddressInfo).port}`);
  }

  /** The bytes stored at `urlPath` (e.g. /acme/001122aabbcc/2025-01-01T00-00-00Z), or undefined. */
  stored(urlPath: string): Buffer | undefined {
    const file = path.join(this.root, ...urlPath.split('/').filter((part) => part !== ''));
    return fs.existsSync(file) ? fs.readFileSync(file) : undefined;
  }

  async close(): Promise<void> {
    await this.server.stopAsync();
  }
}
