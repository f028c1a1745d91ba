import { describe, expect, test } from '@jest/globals';
import { parseSuiteText, type LoadOptions } from '../../src/suite/load-suite.js';
import { formatProblem } from '../../src/suite/locate-issue.js';
import { Pattern } from '../../src/expect/pattern.js';

const options = (extra: Partial<LoadOptions> = {}): LoadOptions => ({ cliVars: new Map(), env: { BASE_URL: 'http://127.0.0.1:1' }, filter: null, schemaCache: new Map(), ...extra });

async function problems(text: string, file = 'suite.yaml', extra: Partial<LoadOptions> = {}): Promise<string[]> {
  const result = await parseSuiteText(text, file, '/tmp', options(extra));
  if (result.ok) throw new Error('expected problems');
  return result.problems.map(formatProblem);
}

const yaml = (...lines: string[]): string => `${lines.join('\n')}\n`;

describe('schema problems: file:line:column: key path: message', () => {
  test('an unknown key at its own position, with a suggestion', async () => {
    const text = yaml('name: x', 'baseUrl: http://127.0.0.1:1', 'steps:', '  - name: one', '    url: /a', '    expcet:', '      status: 200');
    expect(await problems(text)).toEqual([
      expect.stringMatching(/^suite\.yaml:6:5: steps\[0\]\.expcet: unknown key "expcet", did you mean "expect"\? \(expected one of: name, method, url/),
    ]);
  });

  test('an invalid status at its value', async () => {
    const text = yaml('name: x', 'baseUrl: http://127.0.0.1:1', 'steps:', '  - url: /a', '  - url: /b', '    expect:', '      status: true');
    expect(await problems(text)).toEqual(['suite.yaml:7:15: steps[1].expect.status: expected a number, an array or a string, got a boolean (true)']);
  });

  test("YAML's .inf and .nan are not numbers a suite takes: said as such (not 'expected a number, got a number')", async () => {
    const text = yaml('name: x', 'baseUrl: http://127.0.0.1:1', 'steps:', '  - url: /a', '    timeout: .nan', '    retry: -.inf', '    load:', '      weight: .inf');
    expect(await problems(text)).toEqual([
      'suite.yaml:5:14: steps[0].timeout: expected a string or a finite number, got not a number (.nan)',
      'suite.yaml:6:12: steps[0].retry: expected a finite number or an object, got minus infinity (-.inf)',
      'suite.yaml:8:15: steps[0].load.weight: expected a finite number, got infinity (.inf)',
    ]);
  });

  test('a status string the expectation language rejects', async () => {
    const text = yaml('name: x', 'baseUrl: http://127.0.0.1:1', 'steps:', '  - url: /a', '    expect: { status: "2xx,abc" }');
    expect(await problems(text)).toEqual([expect.stringMatching(/^suite\.yaml:5:23: steps\[0\]\.expect\.status: invalid expected status "2xx,abc"/)]);
  });

  test('a missing required key points at its parent', async () => {
    const text = yaml('name: x', 'steps:', '  - name: no url', '    method: GET');
    expect(await problems(text)).toEqual(['suite.yaml:3:5: steps[0]: missing required key "url"']);
  });

  test('"__proto__" as a key of a map is kept (query, vars, capture, expect.headers, json); as a request header it is refused at its line', async () => {
    const text = yaml(
      'vars: { __proto__: v }',
      'steps:',
      '  - url: http://127.0.0.1:1/a',
      '    query: { __proto__: q }',
      '    capture: { __proto__: $.id }',
      '    json: { __proto__: { polluted: true } }',
      '    expect:',
      '      headers: { __proto__: z }',
    );
    const result = await parseSuiteText(text, 'suite.yaml', '/tmp', options());
    if (!result.ok) throw new Error(result.problems.map(formatProblem).join('\n'));
    const step = result.suite.steps[0];
    expect(step?.request.query).toEqual([['__proto__', 'q']]);
    expect(step?.captures.map((c) => c.name)).toEqual(['__proto__']);
    expect(Object.getOwnPropertyDescriptor(result.suite.vars, '__proto__')?.value).toBe('v');
    expect(JSON.stringify(step?.request.body)).toContain('"__proto__":{"polluted":true}');
    expect(step?.expect.sources.flatMap((s) => (s.kind === 'static' ? s.expectations.map((e) => e.subject) : []))).toEqual([expect.objectContaining({ kind: 'header', name: '__proto__' })]);
    expect(await problems(yaml('steps:', '  - url: http://127.0.0.1:1/a', '    headers: { __proto__: x, accept: y }'))).toEqual([
      'suite.yaml:3:16: steps[0].headers.__proto__: a header named "__proto__" cannot be sent (apitest\'s HTTP client keeps headers in a JavaScript object, where that name is reserved)',
    ]);
    expect(await problems('{"steps":[{"url":"http://127.0.0.1:1/a","headers":{"__proto__":"x"}}]}', 'suite.json')).toEqual([expect.stringMatching(/^suite\.json:1:\d+: steps\[0\]\.headers\.__proto__: a header named "__proto__" cannot be sent/)]);
  });

  test('no steps', async () => {
    expect(await problems('name: x\nsteps: []\n')).toEqual(['suite.yaml:2:8: steps: a suite needs at least one step']);
    expect(await problems('name: x\n')).toEqual(['suite.yaml:1:1: missing required key "steps"']);
    expect(await problems('')).toEqual(['suite.yaml:1:1: the file is empty (a suite needs name and steps)']);
  });

  test('JSON files get positions too', async () => {
    const text = ['{', '  "name": "j",', '  "baseUrl": "http://127.0.0.1:1",', '  "steps": [', '    { "url": "/a", "retry": "many" }', '  ]', '}'].join('\n');
    expect(await problems(text, 'suite.json')).toEqual(['suite.json:5:29: steps[0].retry: expected a number or an object, got a string ("many")']);
  });

  test('syntax errors', async () => {
    expect(await problems('name: x\nsteps:\n  - url: /a\n  url: /b\n')).toEqual([expect.stringMatching(/^suite\.yaml:4:\d+: YAML syntax error: /)]);
    expect(await problems('{ "name": "a", "name": "b", "steps": [] }', 'suite.json')).toEqual([expect.stringMatching(/^suite\.json:1:\d+: JSON syntax error: Map keys must be unique/)]);
    expect(await problems('{ "name": ', 'suite.json')).toEqual([expect.stringMatching(/^suite\.json:1:\d+: JSON syntax error: /)]);
  });

  test('matcher keys, JSONPaths, expressions, captures, templates, durations: all problems at once', async () => {
    const text = yaml(
      'name: x',
      'baseUrl: "{{ env.BASE_URL }}"',
      'defaults:',
      '  timeout: 5 parsecs',
      '  rate: fast',
      'steps:',
      '  - name: one',
      '    url: /users/{{ userid }}',
      '    method: "GE T"',
      '    expect:',
      '      jsonpath:',
      '        $.id: { gte: one }',
      '        $.name: { matches: "(" }',
      '        name: 1',
      '        $[: 1',
      '      headers:',
      '        content-type: { type: text }',
      '      that: [ "count $.x >== 1", "status == {{ bad name }}" ]',
      '    capture:',
      '      id: nope',
      '  - url: /b/{{ later }}',
      '    json: {}',
      '    body: x',
      '  - url: /c',
      '    capture: { later: $.id }',
    );
    const found = await problems(text);
    expect(found).toEqual([
      'suite.yaml:4:12: defaults.timeout: invalid duration "5 parsecs" (use 250ms, 5s, 1m, or a number of seconds)',
      'suite.yaml:5:9: defaults.rate: invalid rate "fast" (write it as N/s, N/m or N/h, e.g. 10/s)',
      expect.stringMatching(/^suite\.yaml:8:10: steps\[0\]\.url: unknown variable "userid" in step "one" \(define it in vars, pass --var userid=VALUE/),
      expect.stringMatching(/^suite\.yaml:9:13: steps\[0\]\.method: invalid method "GE T"/),
      'suite.yaml:12:22: steps[0].expect.jsonpath["$.id"].gte: expected a number or a whole "{{ name }}" template, got a string ("one")',
      expect.stringMatching(/^suite\.yaml:13:17: steps\[0\]\.expect\.jsonpath\["\$\.name"\]: invalid matcher for "\$\.name": /),
      'suite.yaml:14:9: steps[0].expect.jsonpath.name: expected a JSONPath starting with $, e.g. "$.name"',
      expect.stringMatching(/^suite\.yaml:15:9: steps\[0\]\.expect\.jsonpath\["\$\["\]: invalid JSONPath "\$\["/),
      expect.stringMatching(/^suite\.yaml:17:31: steps\[0\]\.expect\.headers\.content-type\.type: expected one of "string", "number"/),
      expect.stringMatching(/^suite\.yaml:18:15: steps\[0\]\.expect\.that\[0\]: invalid expectation "count \$\.x >== 1": unknown operator ">=="/),
      expect.stringMatching(/^suite\.yaml:18:34: steps\[0\]\.expect\.that\[1\]: invalid template \{\{ bad name \}\}/),
      expect.stringMatching(/^suite\.yaml:20:11: steps\[0\]\.capture\.id: invalid capture "nope": unknown subject "nope"/),
      expect.stringMatching(/^suite\.yaml:21:10: steps\[1\]\.url: unknown variable "later" in step "POST \/b\/\{\{ later \}\}"; it is captured only by a later step, steps\[2\]/),
      'suite.yaml:23:5: steps[1].body: give one of json, body and form (this step has json and body)',
    ]);
  });

  test('an unset environment variable, only for the steps that run', async () => {
    const text = yaml('name: x', 'baseUrl: http://127.0.0.1:1', 'steps:', '  - url: /a', '    headers: { X-Token: "{{ env.TOKEN }}" }', '  - url: /b', '    skip: true', '    query: { q: "{{ env.OTHER }}" }');
    expect(await problems(text, 'suite.yaml', { env: {} })).toEqual(['suite.yaml:5:25: steps[0].headers.X-Token: environment variable TOKEN is not set (set it, or load it with --env-file)']);
  });

  test('a relative URL without baseUrl; a schema file that does not exist', async () => {
    const text = yaml('name: x', 'steps:', '  - url: /a', '    expect: { schema: ./nope.json }');
    expect(await problems(text)).toEqual([
      'suite.yaml:3:10: steps[0].url: "/a" is relative, and the suite has no baseUrl',
      'suite.yaml:4:23: steps[0].expect.schema: cannot read JSON Schema file nope.json: no such file',
    ]);
  });
});

describe('URLs without templates are checked when the file is loaded', () => {
  test('a step URL that does not parse, one that is not http(s), a host that cannot be; a valid step alongside', async () => {
    const text = yaml('name: x', 'steps:', '  - url: "http://[bad"', '  - url: "ftp://x/"', '  - url: exa mple.com/x', '  - url: http://127.0.0.1:1/ok');
    expect(await problems(text)).toEqual([
      'suite.yaml:3:10: steps[0].url: invalid URL "http://[bad"',
      'suite.yaml:4:10: steps[1].url: expected an http:// or https:// URL, got "ftp://x/"',
      'suite.yaml:5:10: steps[2].url: invalid URL "http://exa mple.com/x" (the URL has no scheme and the suite no baseUrl, so http:// is assumed)',
    ]);
  });

  test('baseUrl: not http(s), unparseable; its steps are not checked against it again', async () => {
    expect(await problems(yaml('name: x', 'baseUrl: ftp://h', 'steps:', '  - url: /a'))).toEqual(['suite.yaml:2:10: baseUrl: expected an http:// or https:// URL, got "ftp://h"']);
    expect(await problems(yaml('name: x', 'baseUrl: example.com', 'steps:', '  - url: /a'))).toEqual(['suite.yaml:2:10: baseUrl: expected an http:// or https:// URL, got "example.com"']);
    expect(await problems(yaml('name: x', 'baseUrl: "http://[::1"', 'steps:', '  - url: /a'))).toEqual(['suite.yaml:2:10: baseUrl: invalid URL "http://[::1"']);
  });

  test('an invalid baseUrl is reported once (not again for each step joined to it); valid joins pass', async () => {
    const text = yaml('name: x', 'baseUrl: "http://h:99999"', 'steps:', '  - url: /a', '  - url: b');
    expect(await problems(text)).toEqual(['suite.yaml:2:10: baseUrl: invalid URL "http://h:99999"']);
    const ok = await parseSuiteText(yaml('name: x', 'baseUrl: http://127.0.0.1:1/api/', 'steps:', '  - url: /users/1', '  - url: users?x=[1]'), 'suite.yaml', '/tmp', options());
    expect(ok.ok).toBe(true);
  });

  test('a URL or baseUrl with a template is left to the run (checked once interpolated)', async () => {
    const text = yaml('name: x', 'baseUrl: "{{ env.BASE }}"', 'vars: { u: "ftp://x/" }', 'steps:', '  - url: "{{ u }}"', '  - url: "/[{{ u }}"');
    const result = await parseSuiteText(text, 'suite.yaml', '/tmp', options({ env: { BASE: 'not a url' } }));
    expect(result.ok).toBe(true);
  });
});

describe('values that contain themselves (YAML alias cycles), nesting too deep', () => {
  test('the cycle of the issue: a clean problem at the alias, not a stack overflow', async () => {
    const text = yaml('name: x', 'baseUrl: http://127.0.0.1:1', 'steps:', '  - url: /a', '    expect:', '      jsonpath: { "$.a": &m { count: *m } }');
    expect(await problems(text)).toEqual(['suite.yaml:6:38: steps[0].expect.jsonpath["$.a"].count: a matcher cannot contain itself (YAML alias cycle)']);
  });

  test('cycles anywhere, each at its alias; the other problems of the file are still reported', async () => {
    const text = yaml(
      'name: x',
      'baseUrl: http://127.0.0.1:1',
      'vars: &v { self: *v }',
      'steps:',
      '  - url: /a',
      '    json: &j { a: [1, *j] }',
      '  - &s { url: *s }',
      '  - url: /c',
      '    method: "GE T"',
      '  - name: no url',
    );
    expect(await problems(text)).toEqual([
      'suite.yaml:3:18: vars.self: a value cannot contain itself (YAML alias cycle)',
      'suite.yaml:6:23: steps[0].json.a[1]: a value cannot contain itself (YAML alias cycle)',
      'suite.yaml:7:15: steps[1].url: a value cannot contain itself (YAML alias cycle)',
      expect.stringMatching(/^suite\.yaml:9:13: steps\[2\]\.method: invalid method "GE T"/),
      'suite.yaml:10:5: steps[3]: missing required key "url"',
    ]);
  });

  test('an alias used many times without a cycle is fine', async () => {
    const text = yaml(
      'name: x',
      'baseUrl: http://127.0.0.1:1',
      'defaults: { headers: &h { X-A: "1" } }',
      'steps:',
      '  - url: /a',
      '    headers: *h',
      '    expect: &e { status: 200, jsonpath: { "$.id": { count: { gte: 1 } } } }',
      '  - url: /b',
      '    headers: *h',
      '    expect: *e',
    );
    const result = await parseSuiteText(text, 'suite.yaml', '/tmp', options());
    if (!result.ok) throw new Error(result.problems.map(formatProblem).join('\n'));
    expect(result.suite.steps).toHaveLength(2);
  });

  test('nesting deeper than 100 levels: one problem at the key written, in YAML and JSON', async () => {
    const deep = (n: number): string => `${'['.repeat(n)}${']'.repeat(n)}`;
    expect(await problems(yaml('name: x', 'baseUrl: http://127.0.0.1:1', 'steps:', '  - url: /a', `    json: ${deep(150)}`, '  - url: /b', '    method: "G T"'))).toEqual([
      'suite.yaml:5:11: steps[0].json: nested too deep (more than 100 levels)',
      expect.stringMatching(/^suite\.yaml:7:13: steps\[1\]\.method: invalid method "G T"/),
    ]);
    const json = `{"name":"x","baseUrl":"http://127.0.0.1:1","steps":[{"url":"/a","json":${deep(20_000)}}]}`;
    // So deep that the text is refused before any parser runs (the same line for YAML, which would overflow the stack).
    expect(await problems(json, 'suite.json')).toEqual([expect.stringMatching(/^suite\.json:1:\d+: nested deeper than 100 levels \(a suite file may nest at most 100\)$/)]);
    const objects = `{"name":"x","baseUrl":"http://127.0.0.1:1","steps":[{"url":"/a","json":${'{"a":'.repeat(20_000)}1${'}'.repeat(20_000)}}]}`;
    expect(await problems(objects, 'suite.json')).toEqual(['suite.json:1:1052: nested deeper than 100 levels (a suite file may nest at most 100)']);
    // The deepest accepted: the file is depth 0, steps 1, the step 2, json 3 and 97 nested arrays below it.
    const nested = (n: number) => parseSuiteText(yaml('name: x', 'baseUrl: http://127.0.0.1:1', 'steps:', '  - url: /a', `    json: ${deep(n)}`), 'suite.yaml', '/tmp', options());
    expect((await nested(98)).ok).toBe(true);
    expect((await nested(99)).ok).toBe(false);
  });
});

describe('a valid suite', () => {
  test('defaults merged, selection decided, variables known from --var', async () => {
    const text = yaml(
      'name: Users',
      'baseUrl: "{{ env.BASE_URL }}/api"',
      'vars: { who: Ann }',
      'defaults:',
      '  headers: { Accept: application/json, X-Trace: "1" }',
      '  timeout: 2s',
      '  retry: 2',
      'steps:',
      '  - name: first',
      '    url: /users/{{ id }}',
      '    headers: { accept: text/plain, X-Trace: null }',
      '  - name: second',
      '    method: post',
      '    url: /users',
      '    json: { name: "{{ who }}" }',
      '    retry: { limit: 1, delay: 10ms, on: [503] }',
      '    only: true',
      '  - name: third',
      '    url: /x',
      '    skip: true',
    );
    const result = await parseSuiteText(text, 'dir/users.yaml', '/tmp', options({ cliVars: new Map([['id', '3']]) }));
    if (!result.ok) throw new Error(result.problems.map(formatProblem).join('\n'));
    const [first, second, third] = result.suite.steps;
    expect(result.suite.name).toBe('Users');
    expect(first?.request).toMatchObject({ method: 'GET', headers: [['accept', 'text/plain']], timeoutMs: 2000, retry: { limit: 2 } });
    expect(first?.skip).toBe('only');
    expect(second?.request).toMatchObject({ method: 'POST', body: { kind: 'json' }, retry: { limit: 1, baseDelayMs: 10, retryOn: [503] } });
    expect(second?.skip).toBeNull();
    expect(third?.skip).toBe('skip');
  });

  test('--filter on step names; default names are METHOD url; name defaults to the file name', async () => {
    const text = yaml('baseUrl: http://127.0.0.1:1', 'steps:', '  - url: /health', '  - name: create user', '    url: /users', '    json: {}');
    const result = await parseSuiteText(text, 'suites/smoke.yaml', '/tmp', options({ filter: Pattern.compile('user') }));
    if (!result.ok) throw new Error('invalid');
    expect(result.suite.name).toBe('smoke');
    expect(result.suite.steps.map((s) => [s.name, s.skip])).toEqual([
      ['GET /health', 'filter'],
      ['create user', null],
    ]);
  });

  test('env values that flow into credentials are secrets', async () => {
    const text = yaml('baseUrl: http://127.0.0.1:1', 'defaults:', '  auth: { bearer: "{{ env.TOKEN }}" }', 'steps:', '  - url: /a', '    headers: { X-Api-Key: "k-{{ env.KEY }}", X-Plain: "{{ env.PLAIN }}" }');
    const result = await parseSuiteText(text, 's.yaml', '/tmp', options({ env: { TOKEN: 'tok-123456', KEY: 'key-abcdef', PLAIN: 'visible' } }));
    if (!result.ok) throw new Error('invalid');
    expect([...result.suite.secrets].sort()).toEqual(['key-abcdef', 'tok-123456']);
  });
});

// Found by the property tests (test/property/suite-file.property.test.ts): a collection as a key became the string
// "[ a, b ]" and the yaml package printed a raw Node warning on stderr ("Keys with collection values will be
// stringified…"). It is a problem at the key, and nothing is printed.
describe('a mapping or a list as a key', () => {
  test.each([
    ['an explicit list key', yaml('name: x', 'steps:', '  - url: http://127.0.0.1:1/a', '    json:', '      ? [a, b]', '      : 1'), ['suite.yaml:5:9: a key cannot be a list (keys are text: quote it, e.g. "[a, b]": …)']],
    ['a flow mapping key', yaml('name: x', 'steps:', '  - url: http://127.0.0.1:1/a', '    json: { {a: 1}: 2 }'), ['suite.yaml:4:13: a key cannot be a mapping (keys are text: quote it, e.g. "[a, b]": …)']],
    ['an alias of a list', yaml('name: x', 'vars:', '  k: &a [1]', '  m: { *a : 2 }', 'steps:', '  - url: http://127.0.0.1:1/a'), ['suite.yaml:4:8: a key cannot be a list (keys are text: quote it, e.g. "[a, b]": …)']],
  ])('%s: a problem at the key, no warning', async (_name, text, expected) => {
    const warnings: unknown[] = [];
    const onWarning = (warning: unknown): void => void warnings.push(warning);
    process.on('warning', onWarning);
    try {
      expect(await problems(text)).toEqual(expected);
      await new Promise((resolve) => setImmediate(resolve));
      expect(warnings).toEqual([]);
    } finally {
      process.off('warning', onWarning);
    }
  });

  test('a quoted key that looks like a list is an ordinary key', async () => {
    const result = await parseSuiteText(yaml('name: x', 'steps:', '  - url: http://127.0.0.1:1/a', '    json: { "[a, b]": 1 }'), 'suite.yaml', '/tmp', options());
    expect(result.ok).toBe(true);
  });
});
