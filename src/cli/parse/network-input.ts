/**
 * The network flags → the request's proxy settings, client certificate and HTTP/2 wish, checked before anything is
 * sent: a proxy URL that cannot be used, a certificate file that is missing, a key that does not open or does not
 * match are usage errors (exit 2), the passphrase never shown.
 */
import { UsageError } from '../../errors.js';
import type { Io } from '../../io.js';
import { checkClientCertificate } from '../../engine/client-certificate.js';
import { proxySettingsOf } from '../../engine/proxy-settings.js';
import type { ClientCertificate, ProxySettings } from '../../model/network-spec.js';
import type { RawNetworkOptions } from '../flags/network-flags.js';
import { MAX_CERT_FILE_BYTES, readFileArg } from './data-argument.js';

export const CERT_PASSPHRASE_ENV = 'APITEST_CERT_PASSPHRASE';

export interface NetworkInput {
  readonly proxy: ProxySettings | null;
  readonly clientCert: ClientCertificate | null;
  readonly http2: boolean;
}

export async function buildNetworkInput(raw: RawNetworkOptions, io: Io): Promise<NetworkInput> {
  const proxy = proxySettingsOf({
    // curl's `-x ""`: no proxy at all, whatever the environment says.
    ...(raw.proxy === undefined ? {} : { proxy: raw.proxy.trim() === '' ? false : { value: raw.proxy, source: '-x/--proxy' } }),
    ...(raw.noproxy === undefined ? {} : { noProxy: { value: raw.noproxy, source: '--noproxy' } }),
    env: io.env,
  });
  return { proxy, clientCert: await buildClientCertificate(raw, io), http2: raw.http2 === true };
}

async function buildClientCertificate(raw: RawNetworkOptions, io: Io): Promise<ClientCertificate | null> {
  if (raw.cert === undefined) {
    if (raw.key !== undefined) throw new UsageError('--key needs --cert', { hint: 'give the certificate with --cert FILE' });
    if (raw.certPassphrase !== undefined) throw new UsageError('--cert-passphrase needs --cert', { hint: 'give the certificate with --cert FILE' });
    return null;
  }
  const cert = { file: raw.cert, data: await readFileArg(raw.cert, io, '--cert', MAX_CERT_FILE_BYTES) };
  const key = raw.key === undefined ? null : { file: raw.key, data: await readFileArg(raw.key, io, '--key', MAX_CERT_FILE_BYTES) };
  return checkClientCertificate(
    { cert, key, passphrase: passphraseOf(raw.certPassphrase, io.env) },
    { cert: '--cert', key: '--key', passphrase: '--cert-passphrase', passphraseHint: `give --cert-passphrase PASSPHRASE, or set ${CERT_PASSPHRASE_ENV}` },
  );
}

/** The flag's value; the flag alone, or no flag: $APITEST_CERT_PASSPHRASE (no flag and no variable: none). */
function passphraseOf(flag: string | true | undefined, env: Io['env']): string | null {
  if (typeof flag === 'string') return flag;
  const value = env[CERT_PASSPHRASE_ENV];
  if (flag === true) {
    if (value === undefined) throw new UsageError(`--cert-passphrase: no value given and the environment variable ${CERT_PASSPHRASE_ENV} is not set`, { hint: `set ${CERT_PASSPHRASE_ENV}, or give it: --cert-passphrase=PASSPHRASE` });
    if (value === '') throw new UsageError(`--cert-passphrase: no value given, and ${CERT_PASSPHRASE_ENV} is set but empty`, { hint: `set ${CERT_PASSPHRASE_ENV}, or give it: --cert-passphrase=PASSPHRASE` });
  }
  return value === undefined || value === '' ? null : value;
}
