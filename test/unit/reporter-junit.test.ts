import { describe, expect, test } from '@jest/globals';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { renderJunitReport } from '../../src/render/reporters/junit.js';
import { stripInvalidXml, xmlAttr, xmlText } from '../../src/render/reporters/xml.js';
import { expectGolden } from '../golden/reporters/golden.js';
import { sampleReport } from '../golden/reporters/sample-report.js';

const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '', isArray: (name) => ['testsuite', 'testcase'].includes(name) });

describe('junit reporter', () => {
  test('golden', async () => {
    await expectGolden('junit.xml', renderJunitReport(sampleReport()));
  });

  test('well-formed, and parses back to the counts and cases', () => {
    const xml = renderJunitReport(sampleReport());
    expect(XMLValidator.validate(xml)).toBe(true);
    const doc = parser.parse(xml);
    expect(doc.testsuites).toMatchObject({ name: 'apitest', tests: '9', failures: '3', errors: '1', skipped: '3', time: '1.234' });
    const [users, health] = doc.testsuites.testsuite;
    expect(users).toMatchObject({ name: 'Users API', tests: '6', failures: '3', errors: '0', skipped: '2', time: '0.210', file: 'suites/users.yaml' });
    expect(health).toMatchObject({ name: 'Health  checks ✓', tests: '3', failures: '0', errors: '1', skipped: '1' });
    const cases = users.testcase;
    expect(cases[0]).toMatchObject({ name: 'create user', classname: 'Users API', time: '0.015' });
    expect(cases[1].failure).toMatchObject({ type: 'expectation', message: '$.name: expected == "Ann", got "Dee" (and 1 more)' });
    expect(cases[1].failure['#text']).toContain('$.name == "Ann"\n  expected: "Ann"\n  actual:   "Dee"');
    expect(cases[2].name).toBe('delete <tmp> & "quote" # not a comment');
    expect(cases[4].skipped).toMatchObject({ message: 'skipped: skip' });
    expect(health.testcase[1].error).toMatchObject({ type: 'connection', message: 'connection refused by 127.0.0.1:1 (ECONNREFUSED)' });
  });

  test('escaping: markup escaped, characters XML cannot carry dropped', () => {
    expect(xmlText('a < b && c > "d"')).toBe('a &lt; b &amp;&amp; c &gt; "d"');
    expect(xmlAttr('say "hi"\n\'x\'\t<')).toBe('say &quot;hi&quot;&#10;&apos;x&apos;&#9;&lt;');
    expect(stripInvalidXml('a\u0000b\u0007c\u001Fd\u007Fe\uFFFEf\uD800g😀h\tok\n')).toBe('abcdefg😀h\tok\n');
    const report = sampleReport();
    const step = report.files[0]?.steps[1];
    if (!step) throw new Error('no step');
    step.name = 'bad \u0000\u0008 chars ]]> </testcase>';
    const xml = renderJunitReport(report);
    expect(XMLValidator.validate(xml)).toBe(true);
    expect(parser.parse(xml).testsuites.testsuite[0].testcase[1].name).toBe('bad  chars ]]> </testcase>');
  });
});
