/**
 * A TLS client certificate (`--cert`, `--key`, `--cert-passphrase`; suites `tls:`), read and checked before
 * anything is sent: a PEM certificate with its key (in the same file or in `--key`), or a PKCS#12 bundle
 * (.p12/.pfx). The key must open with the passphrase and match the certificate; every problem is a usage error
 * (exit 2) naming the file and the flag, never OpenSSL's words and never the passphrase.
 */
import { createSecureContext } from 'node:tls';
import { UsageError } from '../errors.js';
import type { ClientCertificate } from '../model/network-spec.js';
import { Secret } from '../redact/secret.js';

export interface ClientCertificateInput {
  /** The file names as the user gave them (for messages), and their contents. */
  readonly cert: { readonly file: string; readonly data: Uint8Array };
  readonly key: { readonly file: string; readonly data: Uint8Array } | null;
  readonly passphrase: string | null;
}

/** How the fields are named in messages: `--cert` or `tls.cert`, and where a passphrase may come from. */
export interface ClientCertificateLabels {
  readonly cert: string;
  readonly key: string;
  readonly passphrase: string;
  /** How to give a passphrase, e.g. `give --cert-passphrase, or set APITEST_CERT_PASSPHRASE`. */
  readonly passphraseHint: string;
}

const ENCRYPTED_PEM = /-----BEGIN ENCRYPTED PRIVATE KEY-----|Proc-Type:\s*4,ENCRYPTED/;
const PRIVATE_KEY = /-----BEGIN (?:[A-Z]+ )?PRIVATE KEY-----/;

export function checkClientCertificate(input: ClientCertificateInput, labels: ClientCertificateLabels): ClientCertificate {
  const certText = Buffer.from(input.cert.data).toString('latin1');
  const shown = JSON.stringify(input.cert.file);
  const fail = (label: string, problem: string, hint?: string): never => {
    throw new UsageError(`${label}: ${problem}`, hint === undefined ? {} : { hint });
  };
  const passphrase = input.passphrase === null ? null : new Secret(input.passphrase);
  if (!certText.includes('-----BEGIN')) {
    // Not PEM: a PKCS#12 bundle (.p12, .pfx), which holds the key too.
    if (input.key !== null) fail(labels.key, `${shown} is a PKCS#12 bundle, which holds its own key`, `drop ${labels.key}`);
    try {
      createSecureContext({ pfx: Buffer.from(input.cert.data), ...(input.passphrase === null ? {} : { passphrase: input.passphrase }) });
    } catch (error) {
      const message = (error as Error).message;
      if (/mac verify failure|bad decrypt/i.test(message)) {
        if (input.passphrase === null) fail(labels.passphrase, `the bundle ${shown} is protected by a passphrase, and none was given`, labels.passphraseHint);
        fail(labels.passphrase, `wrong passphrase for the bundle ${shown}`, 'check the passphrase');
      }
      fail(labels.cert, `${shown} is neither a PEM certificate nor a PKCS#12 (.p12/.pfx) bundle`, 'give a PEM file (-----BEGIN CERTIFICATE-----) or a .p12/.pfx bundle');
    }
    return { cert: null, key: null, pfx: input.cert.data, passphrase, file: input.cert.file, keyFile: null };
  }
  if (!certText.includes('-----BEGIN CERTIFICATE-----')) fail(labels.cert, `${shown} holds no certificate (-----BEGIN CERTIFICATE-----)`, 'give the PEM certificate with --cert, its key with --key');
  const keySource = input.key ?? (PRIVATE_KEY.test(certText) ? input.cert : null);
  if (keySource === null) fail(labels.cert, `${shown} holds no private key`, `give the key with ${labels.key} FILE`);
  const key = keySource as NonNullable<typeof keySource>;
  const keyText = Buffer.from(key.data).toString('latin1');
  const keyShown = JSON.stringify(key.file);
  if (!PRIVATE_KEY.test(keyText)) fail(labels.key, `${keyShown} is not a PEM private key (-----BEGIN PRIVATE KEY-----)`);
  const encrypted = ENCRYPTED_PEM.test(keyText);
  if (encrypted && input.passphrase === null) fail(labels.passphrase, `the private key in ${keyShown} is encrypted, and no passphrase was given`, labels.passphraseHint);
  try {
    createSecureContext({
      cert: Buffer.from(input.cert.data),
      key: Buffer.from(key.data),
      ...(input.passphrase === null ? {} : { passphrase: input.passphrase }),
    });
  } catch (error) {
    const { code = '', message } = error as NodeJS.ErrnoException;
    if (/BAD_DECRYPT|bad decrypt|bad password/i.test(`${code} ${message}`)) {
      if (!encrypted && input.passphrase === null) fail(labels.passphrase, `the private key in ${keyShown} is encrypted, and no passphrase was given`, labels.passphraseHint);
      fail(labels.passphrase, `wrong passphrase for the private key in ${keyShown}`, 'check the passphrase');
    }
    if (/KEY_VALUES_MISMATCH|key values mismatch/i.test(`${code} ${message}`)) {
      fail(labels.key, `the private key in ${keyShown} does not match the certificate in ${shown}`, 'give the key that belongs to this certificate');
    }
    const reason = /::(.+)$/.exec(message)?.[1] ?? message;
    fail(input.key !== null && /KEY|key/.test(code + message) ? labels.key : labels.cert, `cannot read ${input.key !== null && /KEY|key/.test(code + message) ? keyShown : shown}: ${reason}`);
  }
  return { cert: input.cert.data, key: input.key === null ? null : input.key.data, pfx: null, passphrase, file: input.cert.file, keyFile: input.key?.file ?? null };
}

/** The passphrase is a secret: masked in every report. */
export function clientCertificateSecrets(cert: ClientCertificate | null): Array<{ value: string; keepTail: boolean }> {
  const passphrase = cert?.passphrase?.reveal();
  return passphrase === undefined || passphrase === '' ? [] : [{ value: passphrase, keepTail: false }];
}
