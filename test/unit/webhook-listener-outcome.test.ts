import { describe, expect, test } from '@jest/globals';
import { rejectedSignatureHint } from '../../src/cli/commands/webhook-send.js';
import { clientErrorOutcome } from '../../src/webhook/listener/client-error.js';
import { CLIENT_CLOSED_STATUS, MALFORMED_REASON } from '../../src/webhook/listener/delivery-event.js';
import { standardSecretKey } from '../../src/webhook/scheme-standard.js';

describe('clientErrorOutcome (what the listener answers and reports for a request node could not parse)', () => {
  test.each([
    ['HPE_INVALID_METHOD', 400, MALFORMED_REASON, true],
    ['HPE_INVALID_CONSTANT', 400, MALFORMED_REASON, true],
    ['HPE_INVALID_CHUNK_SIZE', 400, MALFORMED_REASON, true],
    ['HPE_HEADER_OVERFLOW', 431, 'request headers too large', true],
    ['ERR_HTTP_REQUEST_TIMEOUT', 408, 'request timed out', true],
    ['HPE_INVALID_EOF_STATE', CLIENT_CLOSED_STATUS, 'client disconnected', false],
  ])('%s → %d %s', (code, status, reason, answer) => {
    expect(clientErrorOutcome(code)).toEqual({ status, reason, answer });
  });

  test.each([['ECONNRESET'], ['EPIPE'], ['ETIMEDOUT'], [undefined]])('socket error %s → nothing to answer or report', (code) => {
    expect(clientErrorOutcome(code)).toBeNull();
  });
});

describe('webhook send: the 401/403 hint', () => {
  test('names the secret, where it came from, and the scheme; not the request auth flags', () => {
    expect(rejectedSignatureHint('stripe', '--secret')).toBe('check the webhook secret (--secret or $WEBHOOK_SECRET; this run used --secret) and that the receiver verifies --scheme stripe');
    expect(rejectedSignatureHint('github', 'WEBHOOK_SECRET')).toContain('this run used $WEBHOOK_SECRET');
    expect(rejectedSignatureHint('github', 'WEBHOOK_SECRET')).not.toMatch(/--bearer|--api-key|--basic/);
  });
});

describe('standardSecretKey', () => {
  const key = Buffer.from('standard key bytes');
  test('whsec_<base64> and bare base64 give the same key', () => {
    expect(standardSecretKey(`whsec_${key.toString('base64')}`)).toEqual(key);
    expect(standardSecretKey(key.toString('base64'))).toEqual(key);
  });

  test.each([['not base64!!'], ['whsec_not base64!'], ['abcde']])('%j is refused, saying base64 is expected', (secret) => {
    expect(standardSecretKey(secret)).toMatch(/not base64 \(with or without the "whsec_" prefix\)/);
  });
});
