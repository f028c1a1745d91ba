import { describe, expect, test } from '@jest/globals';
import { UsageError } from '../../src/errors.js';
import { mergeEnv, parseEnvFile } from '../../src/suite/env-file.js';

describe('parseEnvFile', () => {
  test('the dotenv forms', () => {
    const text = [
      '# comment',
      '',
      'BASE_URL=http://127.0.0.1:3000',
      'export TOKEN = abc123  # trailing comment',
      "SINGLE='a # not a comment \\n'",
      'DOUBLE="line1\\nline2 \\"q\\""',
      'MULTI="first',
      'second"',
      'EMPTY=',
      'HASH=a#b',
    ].join('\n');
    expect(parseEnvFile(text)).toEqual({
      BASE_URL: 'http://127.0.0.1:3000',
      TOKEN: 'abc123',
      SINGLE: 'a # not a comment \\n',
      DOUBLE: 'line1\nline2 "q"',
      MULTI: 'first\nsecond',
      EMPTY: '',
      HASH: 'a#b',
    });
  });

  test('CRLF and a BOM', () => {
    expect(parseEnvFile('\uFEFFA=1\r\nB=2\r\n')).toEqual({ A: '1', B: '2' });
  });

  test.each(['NOT A LINE', '1X=2', 'A="unterminated'])('%s is a usage error naming the line', (line) => {
    expect(() => parseEnvFile(`OK=1\n${line}`, '.env')).toThrow(UsageError);
    expect(() => parseEnvFile(`OK=1\n${line}`, '.env')).toThrow(/\.env:2/);
  });

  test('variables already set win over the file', () => {
    expect(mergeEnv({ A: 'file', B: 'file' }, { A: 'env', C: undefined })).toEqual({ A: 'env', B: 'file' });
  });
});
