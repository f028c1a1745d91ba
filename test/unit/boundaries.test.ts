/**
 * The layering of src/, checked over the import graph (read with the TypeScript parser): the build fails when a
 * module reaches past its layer. Type-only imports are erased at build time; they count for "nothing imports
 * cli/" but not for layers or cycles.
 *
 *   cli → suite, batch, webhook, demo, import → result, render → paginate → engine, files → auth, retry, ratelimit, expect, redact
 *       → model, errors, io → util
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from '@jest/globals';
import ts from 'typescript';

const SRC = fileURLToPath(new URL('../../src/', import.meta.url));

interface Edge {
  /** What the source says: a package name or a relative path. */
  spec: string;
  /** For a relative import: the target, relative to src/ with a .ts suffix. */
  target: string | null;
  typeOnly: boolean;
}

function sourceFiles(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) sourceFiles(path, out);
    else if (path.endsWith('.ts')) out.push(path);
  }
  return out;
}

function importsOf(file: string): Edge[] {
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
  const edges: Edge[] = [];
  const add = (spec: string, typeOnly: boolean): void => {
    const target = spec.startsWith('.') ? relative(SRC, resolve(dirname(file), spec)).replace(/\.js$/, '.ts').split('\\').join('/') : null;
    edges.push({ spec, target, typeOnly });
  };
  const visit = (node: ts.Node): void => {
    if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      let typeOnly = false;
      if (ts.isImportDeclaration(node)) {
        const clause = node.importClause;
        const named = clause?.namedBindings;
        typeOnly = clause !== undefined && (clause.isTypeOnly || (clause.name === undefined && named !== undefined && ts.isNamedImports(named) && named.elements.length > 0 && named.elements.every((e) => e.isTypeOnly)));
      } else typeOnly = node.isTypeOnly;
      add(node.moduleSpecifier.text, typeOnly);
    } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) {
      const [arg] = node.arguments;
      if (arg !== undefined && ts.isStringLiteral(arg)) add(arg.text, false);
    } else if (ts.isCallExpression(node) && ts.isIdentifier(node.expression) && node.expression.text === 'sideBundle') {
      // util/side-bundle.ts: a library read on first use is an import of its package.
      const pkg = node.arguments[1];
      if (pkg !== undefined && ts.isStringLiteral(pkg)) add(pkg.text, false);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return edges;
}

const graph = new Map<string, Edge[]>(sourceFiles(SRC).map((file) => [relative(SRC, file).split('\\').join('/'), importsOf(file)]));
const area = (path: string): string => (path.includes('/') ? (path.split('/')[0] ?? path) : path.replace(/\.ts$/, ''));

/** Higher layers may import lower ones; within a layer only the same area, or a pair listed in SAME_LAYER. */
const LAYER: Record<string, number> = {
  cli: 7,
  suite: 6,
  batch: 6,
  load: 6,
  webhook: 6,
  demo: 6,
  import: 6,
  result: 5,
  render: 5,
  paginate: 4,
  engine: 3,
  files: 3,
  auth: 2,
  retry: 2,
  ratelimit: 2,
  expect: 2,
  redact: 2,
  model: 1,
  errors: 1,
  io: 1,
  util: 0,
};
const SAME_LAYER = new Set(['ratelimit->retry', 'model->errors', 'load->suite']);

type Graph = ReadonlyMap<string, readonly Edge[]>;

function violations(rule: (file: string, edge: Edge) => string | null, g: Graph = graph): string[] {
  const out: string[] = [];
  for (const [file, edges] of g) for (const edge of edges) {
    const problem = rule(file, edge);
    if (problem !== null) out.push(`${file}: ${problem}`);
  }
  return out;
}

describe('boundaries of src/', () => {
  test('every area has a layer', () => {
    expect([...new Set([...graph.keys()].map(area))].filter((a) => !(a in LAYER) && a !== 'globals.d')).toEqual([]);
  });

  test('only the transport modules import HTTP client libraries (got; undici in the load transport)', () => {
    expect(violations(httpClientRule)).toEqual([]);
    // A library read on first use (util/side-bundle.ts) counts as an import of its package.
    expect(graph.get('engine/load-transport.ts')?.some((e) => e.spec === 'undici')).toBe(true);
    expect(graph.get('engine/cookie-store.ts')?.some((e) => e.spec === 'tough-cookie')).toBe(true);
  });

  test('only render/ imports chalk, cli-table3 and ora', () => {
    expect(violations(renderLibraryRule)).toEqual([]);
  });

  test('only render/ writes to the standard streams (io.ts only builds them)', () => {
    const writers = [...graph.keys()].filter((file) => area(file) !== 'render' && file !== 'io.ts' && /\b(stdout|stderr)\.write\(|\bprocess\.(stdout|stderr)\b|\bconsole\./.test(readFileSync(join(SRC, file), 'utf8')));
    expect(writers).toEqual([]);
  });

  test('nothing outside cli/ imports cli/ (not even a type)', () => {
    expect(violations(cliImportRule)).toEqual([]);
  });

  test('imports run down the layers', () => {
    expect(violations(layerRule)).toEqual([]);
  });

  test('no import cycles (value imports, static or dynamic)', () => {
    expect(cyclesOf(graph)).toEqual([]);
  });

  test('each check finds a planted violation', () => {
    const plant = (file: string, spec: string, typeOnly = false): Graph => {
      const target = spec.startsWith('.') ? relative(SRC, resolve(dirname(join(SRC, file)), spec)).replace(/\.js$/, '.ts') : null;
      return new Map([...graph, [file, [...(graph.get(file) ?? []), { spec, target, typeOnly }]]]);
    };
    expect(violations(httpClientRule, plant('cli/commands/request.ts', 'got'))).toEqual(['cli/commands/request.ts: imports got']);
    expect(violations(httpClientRule, plant('load/run-load.ts', 'undici'))).toEqual(['load/run-load.ts: imports undici']);
    expect(violations(httpClientRule, plant('engine/load-transport.ts', 'got'))).toEqual(['engine/load-transport.ts: imports got']);
    expect(violations(renderLibraryRule, plant('result/settle.ts', 'chalk'))).toEqual(['result/settle.ts: imports chalk']);
    expect(violations(cliImportRule, plant('suite/run-step.ts', '../cli/command-result.js', true))).toEqual(['suite/run-step.ts: imports cli/command-result.ts']);
    expect(violations(layerRule, plant('engine/execute.ts', '../result/settle.js'))).toEqual(['engine/execute.ts: engine (layer 3) imports result/settle.ts (result, layer 5)']);
    expect(cyclesOf(plant('util/duration.ts', './clock.js')).length).toBe(0);
    const loop = new Map(plant('model/request-spec.ts', '../redact/secret.js'));
    loop.set('redact/secret.ts', [{ spec: '../model/request-spec.js', target: 'model/request-spec.ts', typeOnly: false }]);
    // Found from whichever of the two files the walk reaches first (it depends on the graph's order).
    expect(cyclesOf(loop)).toEqual([expect.stringMatching(/^(model\/request-spec\.ts → redact\/secret\.ts → model\/request-spec\.ts|redact\/secret\.ts → model\/request-spec\.ts → redact\/secret\.ts)$/)]);
  });
});

function httpClientRule(file: string, e: Edge): string | null {
  // got in the transport of every other command; undici (and only undici) in apitest load's transport.
  if (/^got(\/|$)/.test(e.spec) && file !== 'engine/transport.ts') return `imports ${e.spec}`;
  if (/^undici(\/|$)/.test(e.spec) && file !== 'engine/load-transport.ts') return `imports ${e.spec}`;
  return null;
}

function renderLibraryRule(file: string, e: Edge): string | null {
  return /^(chalk|cli-table3|ora)(\/|$)/.test(e.spec) && area(file) !== 'render' ? `imports ${e.spec}` : null;
}

function cliImportRule(file: string, e: Edge): string | null {
  return e.target !== null && area(e.target) === 'cli' && area(file) !== 'cli' ? `imports ${e.target}` : null;
}

function layerRule(file: string, e: Edge): string | null {
  if (e.typeOnly || e.target === null) return null;
  const from = area(file);
  const to = area(e.target);
  if (from === to) return null;
  const [a, b] = [LAYER[from] ?? -1, LAYER[to] ?? -1];
  if (b < a || (a === b && SAME_LAYER.has(`${from}->${to}`))) return null;
  return `${from} (layer ${a}) imports ${e.target} (${to}, layer ${b})`;
}

function cyclesOf(g: Graph): string[] {
  const cycles: string[] = [];
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (file: string): void => {
    state.set(file, 'open');
    stack.push(file);
    for (const edge of g.get(file) ?? []) {
      if (edge.typeOnly || edge.target === null || !g.has(edge.target)) continue;
      const seen = state.get(edge.target);
      if (seen === 'open') cycles.push([...stack.slice(stack.indexOf(edge.target)), edge.target].join(' → '));
      else if (seen === undefined) visit(edge.target);
    }
    stack.pop();
    state.set(file, 'done');
  };
  for (const file of g.keys()) if (!state.has(file)) visit(file);
  return cycles;
}
