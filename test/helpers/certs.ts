/**
 * Certificates made at test time with openssl (EC P-256: quick to generate): a test CA, a server certificate for
 * localhost/127.0.0.1, client certificates (plain key, encrypted key, PKCS#12 bundle), and a client certificate of
 * another CA the server does not trust.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface TestCertificates {
  readonly dir: string;
  /** Paths. */
  readonly ca: string;
  readonly serverCert: string;
  readonly serverKey: string;
  readonly clientCert: string;
  readonly clientKey: string;
  /** The client key encrypted with `keyPassphrase`. */
  readonly clientKeyEncrypted: string;
  readonly keyPassphrase: string;
  /** client.pem + client.key as PKCS#12, protected by `p12Passphrase`. */
  readonly clientP12: string;
  readonly p12Passphrase: string;
  /** A client certificate and key signed by another CA. */
  readonly strangerCert: string;
  readonly strangerKey: string;
  /** Contents, for servers. */
  pem(path: string): Buffer;
}

export function hasOpenssl(): boolean {
  try {
    execFileSync('openssl', ['version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

const EC = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1'];

function openssl(dir: string, args: string[]): void {
  execFileSync('openssl', args, { cwd: dir, stdio: 'ignore', timeout: 20_000 });
}

function makeCa(dir: string, name: string): void {
  openssl(dir, ['req', '-x509', ...EC, '-nodes', '-keyout', `${name}.key`, '-out', `${name}.pem`, '-days', '2', '-subj', `/CN=${name}`]);
}

function issue(dir: string, ca: string, name: string, subject: string, ext: string): void {
  openssl(dir, ['req', ...EC, '-nodes', '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', subject]);
  writeFileSync(join(dir, `${name}.ext`), ext);
  openssl(dir, ['x509', '-req', '-in', `${name}.csr`, '-CA', `${ca}.pem`, '-CAkey', `${ca}.key`, '-CAcreateserial', '-out', `${name}.pem`, '-days', '2', '-extfile', `${name}.ext`]);
}

/** Writes every certificate into `dir` (a fresh directory). */
export function makeCertificates(dir: string): TestCertificates {
  makeCa(dir, 'test-ca');
  makeCa(dir, 'other-ca');
  issue(dir, 'test-ca', 'server', '/CN=localhost', 'subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\n');
  issue(dir, 'test-ca', 'client', '/CN=apitest-client', 'extendedKeyUsage=clientAuth\n');
  issue(dir, 'other-ca', 'stranger', '/CN=stranger', 'extendedKeyUsage=clientAuth\n');
  const keyPassphrase = 'keyPass-7Hd92kQx';
  const p12Passphrase = 'p12Pass-3Jw81mZr';
  openssl(dir, ['pkey', '-in', 'client.key', '-aes256', '-passout', `pass:${keyPassphrase}`, '-out', 'client-encrypted.key']);
  openssl(dir, ['pkcs12', '-export', '-in', 'client.pem', '-inkey', 'client.key', '-out', 'client.p12', '-passout', `pass:${p12Passphrase}`]);
  const at = (name: string): string => join(dir, name);
  return {
    dir,
    ca: at('test-ca.pem'),
    serverCert: at('server.pem'),
    serverKey: at('server.key'),
    clientCert: at('client.pem'),
    clientKey: at('client.key'),
    clientKeyEncrypted: at('client-encrypted.key'),
    keyPassphrase,
    clientP12: at('client.p12'),
    p12Passphrase,
    strangerCert: at('stranger.pem'),
    strangerKey: at('stranger.key'),
    pem: (path: string) => readFileSync(path),
  };
}
