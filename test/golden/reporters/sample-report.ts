import type { StepReport, SuiteReport } from '../../../src/model/suite-report.js';

/** A fixed report (fixed timings) that exercises every reporter branch: pass, fail kinds, skips, odd characters. */
export function sampleReport(): SuiteReport {
  const timings = { wait: 0.25, dns: 0.5, tcp: 1.25, tls: null, send: 0.5, firstByte: 10, download: 1, total: 13.5 };
  const request = (method: string, url: string) => ({ method, url, headers: { 'user-agent': 'apitest/0.1.0', authorization: 'Bearer ****3456' } });
  const response = (status: number, statusText: string) => ({ status, statusText, headers: { 'content-type': 'application/json; charset=utf-8' }, timings, size: 72 });
  const base: Omit<StepReport, 'name'> = {
    ok: true,
    skipped: false,
    skipReason: null,
    request: null,
    response: null,
    attempts: 1,
    durationMs: 12.5,
    pagination: null,
    expectations: [],
    captures: {},
    error: null,
  };
  return {
    schemaVersion: 1,
    ok: false,
    summary: { passed: 2, failed: 4, skipped: 3, durationMs: 1234.5 },
    files: [
      {
        file: 'suites/users.yaml',
        name: 'Users API',
        ok: false,
        durationMs: 210.25,
        steps: [
          {
            ...base,
            name: 'create user',
            request: request('POST', 'http://127.0.0.1:3000/users'),
            response: response(201, 'Created'),
            durationMs: 15.25,
            expectations: [
              { expression: 'status == 201', ok: true, expected: 201, actual: 201, message: null },
              { expression: '$.id type number', ok: true, expected: 'number', actual: 4, message: null },
            ],
            captures: { userId: 4, etag: '"abc"' },
          },
          {
            ...base,
            name: 'read it back',
            ok: false,
            request: request('GET', 'http://127.0.0.1:3000/users/4'),
            response: response(200, 'OK'),
            durationMs: 3.5,
            expectations: [
              { expression: 'status == 200', ok: true, expected: 200, actual: 200, message: null },
              { expression: '$.name == "Ann"', ok: false, expected: 'Ann', actual: 'Dee', message: '$.name: expected == "Ann", got "Dee"' },
              { expression: 'count $.roles >= 2', ok: false, expected: 2, actual: 1, message: 'count $.roles: expected >= 2, got 1' },
            ],
            error: { kind: 'expectation', code: 'EXPECTATION_FAILED', message: '$.name: expected == "Ann", got "Dee" (and 1 more)' },
          },
          {
            ...base,
            name: 'delete <tmp> & "quote" # not a comment',
            ok: false,
            request: request('DELETE', 'http://127.0.0.1:3000/users/4'),
            response: response(500, 'Internal Server Error'),
            durationMs: 2,
            attempts: 3,
            expectations: [{ expression: 'status < 400', ok: false, expected: '< 400', actual: 500, message: 'status: expected < 400 (the step has no status expectation), got 500' }],
            error: { kind: 'http', code: 'HTTP_500', message: '500 Internal Server Error from http://127.0.0.1:3000/users/4: server error' },
          },
          { ...base, name: 'uses the deleted user', ok: false, attempts: 0, durationMs: 0, error: { kind: 'variable', code: 'VARIABLE_UNSET', message: '{{ etag2 }} has no value: step "x" did not capture it ($.etag: it does not exist)' } },
          { ...base, name: 'old check', skipped: true, skipReason: 'skip', attempts: 0, durationMs: 0 },
          { ...base, name: 'list users', skipped: true, skipReason: 'filter', attempts: 0, durationMs: 0 },
        ],
      },
      {
        file: 'suites/health.json',
        name: 'Health \u0001 checks ✓',
        ok: false,
        durationMs: 1020.75,
        steps: [
          {
            ...base,
            name: 'ping',
            request: request('GET', 'http://127.0.0.1:3000/status/200'),
            response: response(200, 'OK'),
            durationMs: 1.25,
            expectations: [{ expression: 'duration < 500', ok: true, expected: 500, actual: 1.25, message: null }],
          },
          {
            ...base,
            name: 'unreachable',
            ok: false,
            request: request('GET', 'http://127.0.0.1:1/'),
            attempts: 2,
            durationMs: 1003.5,
            error: { kind: 'connection', code: 'ECONNREFUSED', message: 'connection refused by 127.0.0.1:1 (ECONNREFUSED)' },
          },
          { ...base, name: 'after bail', skipped: true, skipReason: 'bail', attempts: 0, durationMs: 0 },
        ],
      },
    ],
  };
}
