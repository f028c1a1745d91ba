/**
 * `apitest load --reporter junit:FILE`: one `testsuite` (the load run) with one `testcase` per SLO (--expect);
 * without SLOs, one testcase that fails when a request failed. A failed SLO is a `failure` whose text is its
 * message. Pure.
 */
import type { LoadReport } from '../../load/load-report.js';
import { openTag, xmlText } from './xml.js';

export function renderLoadJunit(report: LoadReport): string {
  const d = report.document;
  const time = (d.durationMs / 1000).toFixed(3);
  const cases =
    report.checks.length > 0
      ? report.checks.map((c) => ({ name: c.expression, failure: c.ok ? null : (c.message ?? 'failed') }))
      : [{ name: 'requests succeed', failure: d.requests.failed === 0 ? null : `${d.requests.failed} of ${d.requests.total} requests failed` }];
  const failures = cases.filter((c) => c.failure !== null).length;
  const name = `load ${d.url}`;
  const body = cases
    .map((c) => {
      const head = `    ${openTag('testcase', { name: c.name, classname: name, time })}`;
      if (c.failure === null) return `${head}/>\n`;
      return `${head}>\n      ${openTag('failure', { message: c.failure, type: 'expectation' })}>${xmlText(c.failure)}</failure>\n    </testcase>\n`;
    })
    .join('');
  const summary = `requests ${d.requests.total}, ok ${d.requests.ok}, failed ${d.requests.failed}, rps ${d.rps}, p50 ${d.latency.p50} ms, p99 ${d.latency.p99} ms`;
  return `<?xml version="1.0" encoding="UTF-8"?>\n${openTag('testsuites', { name: 'apitest load', tests: cases.length, failures, errors: 0, time })}>\n  ${openTag('testsuite', { name, tests: cases.length, failures, errors: 0, skipped: 0, time })}>\n${body}    <system-out>${xmlText(summary)}</system-out>\n  </testsuite>\n</testsuites>\n`;
}
