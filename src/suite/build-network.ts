/**
 * A step's network settings, once interpolated: the proxy (`proxy`, `noProxy`, else the environment, as on the
 * command line), the client certificate and CAs (`tls`). Certificate files are read and checked once per run
 * for each combination (a suite of a thousand steps does not read them a thousand times).
 */
import { MAX_CERT_FILE_BYTES, readWholeFile } from '../files/read-bounded.js';
import { unreadableReason } from '../util/unreadable-reason.js';
import { resolve } from 'node:path';
import { checkClientCertificate, clientCertificateSecrets } from '../engine/client-certificate.js';
import { proxySecrets, proxySettingsOf, type Env } from '../engine/proxy-settings.js';
import { UsageError } from '../errors.js';
import type { ClientCertificate, ProxySettings } from '../model/network-spec.js';
import type { SecretValue } from '../redact/redactor.js';
import type { FormFile, RequestTemplate } from './compile-request.js';
import { interpolateString, type Scope } from './interpolate.js';

export interface StepNetwork {
  readonly proxy: ProxySettings | null;
  readonly clientCert: ClientCertificate | null;
  /** PEM text of tls.ca. */
  readonly ca: string | null;
  /** The proxy password and the key passphrase: masked in every report. */
  readonly secrets: SecretValue[];
}

const PROXY_VARIABLES = ['http_proxy', 'HTTP_PROXY', 'https_proxy', 'HTTPS_PROXY', 'all_proxy', 'ALL_PROXY', 'no_proxy', 'NO_PROXY'];

/** Checked certificates by their files and passphrase, for the run. */
const checked = new Map<string, Promise<ClientCertificate>>();

export async function buildNetwork(t: RequestTemplate, scope: Scope): Promise<StepNetwork> {
  const env: Record<string, string | undefined> = {};
  for (const name of PROXY_VARIABLES) env[name] = scope.lookupEnv(name);
  const proxyTemplate = t.proxy ?? null;
  const proxy = proxySettingsOf({
    ...(proxyTemplate === null ? {} : { proxy: proxyTemplate === false ? false : { value: interpolateString(proxyTemplate, scope), source: 'proxy' } }),
    ...(t.noProxy == null ? {} : { noProxy: { value: interpolateString(t.noProxy, scope), source: 'noProxy' } }),
    env: env as Env,
  });
  const tls = t.tls ?? null;
  const path = (file: FormFile): string => (file.base === null ? file.file : resolve(file.base, interpolateString(file.file, scope)));
  let clientCert: ClientCertificate | null = null;
  if (tls?.cert != null) {
    const certPath = path(tls.cert);
    const keyPath = tls.key === null ? null : path(tls.key);
    const passphrase = tls.passphrase === null ? null : interpolateString(tls.passphrase, scope);
    const key = JSON.stringify([certPath, keyPath, passphrase]);
    let found = checked.get(key);
    if (found === undefined) {
      found = (async () =>
        checkClientCertificate(
          { cert: { file: certPath, data: await readTlsFile(certPath, 'tls.cert') }, key: keyPath === null ? null : { file: keyPath, data: await readTlsFile(keyPath, 'tls.key') }, passphrase },
          { cert: 'tls.cert', key: 'tls.key', passphrase: 'tls.passphrase', passphraseHint: 'give tls.passphrase, e.g. "{{ env.CERT_PASSPHRASE }}"' },
        ))();
      checked.set(key, found);
    }
    clientCert = await found;
  }
  let ca: string | null = null;
  if (tls?.ca != null) {
    const caPath = path(tls.ca);
    ca = (await readTlsFile(caPath, 'tls.ca')).toString('utf8');
    if (!ca.includes('-----BEGIN CERTIFICATE-----')) throw new UsageError(`tls.ca: ${JSON.stringify(caPath)} is not a PEM certificate file`, { hint: 'give a PEM file that contains -----BEGIN CERTIFICATE-----' });
  }
  return { proxy, clientCert, ca, secrets: [...proxySecrets(proxy), ...clientCertificateSecrets(clientCert)] };
}

async function readTlsFile(path: string, label: string): Promise<Buffer> {
  try {
    return await readWholeFile(path, MAX_CERT_FILE_BYTES);
  } catch (error) {
    throw new UsageError(`${label}: cannot read ${JSON.stringify(path)}: ${unreadableReason(error)}`);
  }
}
