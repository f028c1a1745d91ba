/**
 * The YAML fast path of suite files (docs/internals.md, "yaml-fast-path"): a valid YAML file is parsed by js-yaml,
 * several times faster than the yaml package on a cold start and with far less memory (no document of nodes with
 * positions); the yaml package parses only what the fast path does not take, and locates problems.
 *
 * Both read YAML 1.2 with the core schema, so a file must mean the same to both. Where they could read the same
 * text differently, the fast path is not taken: the gate below. test/unit/tricks.test.ts checks that the two
 * agree on every text the gate lets through (fixtures, tricky scalars, generated documents), and fails when a
 * new version of either parser reads something differently.
 */
import { CORE_SCHEMA, load as loadYamlFast } from 'js-yaml';

/**
 * Where js-yaml and the yaml package could read the same text differently, the fast path is not taken, so a
 * file always means the same thing. Each line was found by the agreement test (test/unit/tricks.test.ts), which
 * compares the two on generated documents: a new disagreement it finds gets a line here. Suite files written
 * the ordinary way (block mappings and sequences, plain or quoted one-line scalars, block scalars) take the
 * fast path; what is gated here is rare in them.
 */
const NOT_FOR_FAST_PATH = [
  /(^|[\s[{,:-])\*[^\s,[\]{}]/, // alias (the yaml package bounds their expansion)
  /(^|[\s[{,:-])&/, // anchor (js-yaml accepts some where the yaml package does not)
  /(^|[\s[{,:-])!/, // tag, `!!float`, `!!binary`, a lone `!`
  /^%/m, // directive, `%YAML 1.1`
  /(^|[\s[{,:-])[+-]?0[bB]|(^|[\s[{,:-])[+-]0[xXoO]|\d_\d/, // numbers YAML 1.2's core schema reads as strings: `0b101`, `-0x1F`, `1_000`
  /(^|[\s[{,:-])[+-](0|\.)/, // `-0` (js-yaml reads 0, the yaml package -0), `-.5` (js-yaml reads a string)
  /(^|\s)~\s*:/, // `~` as a key
  /(^|[\s{,?-])(null|Null|NULL)\s*:(\s|$)/, // `null` as a key: js-yaml names it "null", the yaml package ""
  /(^|[\s{,-]):(\s|$)/, // an empty key
  /(^|[\s[{,-])\?(\s|$)/, // an explicit key, `? a`
  /(^|[\s[{,?-])[[{][^\n]*[\]}][ \t]*:(\s|$|[,\]}])/, // a collection as a key, `[a, b]: c` (each names it its own way)
  /(^|[\s[{,:])\{\s*[{[]/, // a collection as the first key of a flow mapping: `{{ x }}` unquoted
  /(^|\s)-[ \t]*(#.*)?$/m, // an empty sequence item (js-yaml nests `- -` followed by `- x` differently)
  /(^|[\s[{,:-])'[^'\n]*$/m, // a single-quoted scalar over several lines (js-yaml accepts it under-indented)
  /(^|[\s[{,:-])"([^"\\\n]|\\.)*$/m, // a double-quoted one over several lines
  /["']#/, // a comment right after a quote, without a blank (js-yaml accepts it)
  /\r(?!\n)/, // old Mac line ends (lone CR)
];

export function parseYamlFast(text: string): { ok: true; data: unknown } | { ok: false } {
  if (NOT_FOR_FAST_PATH.some((re) => re.test(text))) return { ok: false };
  try {
    return { ok: true, data: loadYamlFast(text, { schema: CORE_SCHEMA, json: false }) };
  } catch {
    return { ok: false };
  }
}

