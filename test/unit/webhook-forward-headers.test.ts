import { describe, expect, test } from '@jest/globals';
import { forwardableHeaders } from '../../src/webhook/listener/forward-headers.js';

describe('forwardableHeaders (what a verified delivery is forwarded with)', () => {
  test('keeps end-to-end headers in order and casing; Host first, Content-Length last', () => {
    const raw = ['Host', 'listener:9000', 'X-Hub-Signature-256', 'sha256=ab', 'content-type', 'application/json', 'X-Custom', 'kept'];
    expect(forwardableHeaders(raw, undefined, 'app:3000', 12)).toEqual([
      ['Host', 'app:3000'],
      ['X-Hub-Signature-256', 'sha256=ab'],
      ['content-type', 'application/json'],
      ['X-Custom', 'kept'],
      ['Content-Length', '12'],
    ]);
  });

  test.each([['Connection'], ['Keep-Alive'], ['Proxy-Connection'], ['Transfer-Encoding'], ['TE'], ['Trailer'], ['Upgrade'], ['HOST'], ['content-length'], ['Expect']])(
    '%s (hop-by-hop, or recomputed by node) is dropped',
    (name) => {
      expect(forwardableHeaders([name, 'x', 'X-Keep', 'y'], undefined, 'app', 0)).toEqual([
        ['Host', 'app'],
        ['X-Keep', 'y'],
        ['Content-Length', '0'],
      ]);
    },
  );

  test('headers named by Connection are dropped too, whatever their case and spacing', () => {
    const raw = ['Connection', 'keep-alive, X-Hop ,  x-other', 'X-Hop', '1', 'X-Other', '2', 'X-Stay', '3'];
    expect(forwardableHeaders(raw, 'keep-alive, X-Hop ,  x-other', 'app', 5)).toEqual([
      ['Host', 'app'],
      ['X-Stay', '3'],
      ['Content-Length', '5'],
    ]);
  });

  test('a repeated header is forwarded as often as it came, and a dangling name is ignored', () => {
    expect(forwardableHeaders(['X-Tag', 'a', 'X-Tag', 'b', 'X-Dangling'], '', 'app', 1)).toEqual([
      ['Host', 'app'],
      ['X-Tag', 'a'],
      ['X-Tag', 'b'],
      ['Content-Length', '1'],
    ]);
  });

  test('header names that are Object.prototype keys are ordinary names', () => {
    expect(forwardableHeaders(['__proto__', 'a', 'constructor', 'b'], 'toString', 'app', 0)).toEqual([
      ['Host', 'app'],
      ['__proto__', 'a'],
      ['constructor', 'b'],
      ['Content-Length', '0'],
    ]);
  });
});
