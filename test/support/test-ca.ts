// A private CA and a server certificate it signed, made with openssl for one test run: what a
// proxy verifies a TLS target against.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface TestCa {
  /** The CA certificate (PEM): what a client trusts. */
  readonly ca: string;
  /** A server certificate signed by the CA for `subjectAltName`, and its key. */
  readonly cert: string;
  readonly key: string;
}

const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];

/** `altName`: e.g. `IP:127.0.0.1` or `DNS:localhost`. */
export function makeTestCa(name: string, altName = 'IP:127.0.0.1'): TestCa {
  const dir = mkdtempSync(join(tmpdir(), 'tether-test-ca-'));
  const file = (base: string): string => join(dir, base);
  try {
    const run = (args: string[]): void => {
      execFileSync('openssl', args, { stdio: 'ignore' });
    };
    run(['req', '-x509', ...ec, '-days', '1', '-keyout', file('ca.key'), '-out', file('ca.pem'), '-subj', `/CN=${name}`,
      '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign']);
    run(['req', ...ec, '-keyout', file('server.key'), '-out', file('server.csr'), '-subj', '/CN=tether-test-server']);
    writeFileSync(file('ext.cnf'), `subjectAltName=${altName}\nextendedKeyUsage=serverAuth\n`);
    run(['x509', '-req', '-in', file('server.csr'), '-CA', file('ca.pem'), '-CAkey', file('ca.key'), '-CAcreateserial',
      '-out', file('server.pem'), '-days', '1', '-extfile', file('ext.cnf')]);
    return { ca: readFileSync(file('ca.pem'), 'utf8'), cert: readFileSync(file('server.pem'), 'utf8'), key: readFileSync(file('server.key'), 'utf8') };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
