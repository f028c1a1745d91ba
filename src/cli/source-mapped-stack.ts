/**
 * Rewrites the frames of a stack that point into the bundle (`dist/apitest.cjs:45:40270`) to the TypeScript
 * source they were built from (`src/cli/main.ts:63:11`), with the source map the build writes beside the bundle
 * (dist/apitest.cjs.map). Used only when a stack is shown (--debug, APITEST_DEBUG=1), so a normal run never reads
 * the map. Frames it cannot map are kept as they are; any problem with the map leaves the stack unchanged.
 */
import { readFileSync } from 'node:fs';
import { SourceMap } from 'node:module';
import { dirname, relative, resolve } from 'node:path';

/** `(file:line:column)` or ` at file:line:column` at the end of a stack line. */
const FRAME = /(\(|at )([^()\s][^()]*?\.c?js):(\d+):(\d+)(\)?)$/;

export function sourceMappedStack(stack: string): string {
  const maps = new Map<string, { map: SourceMap; lineOffset: number } | null>();
  const mapFor = (file: string): { map: SourceMap; lineOffset: number } | null => {
    if (!maps.has(file)) maps.set(file, loadMap(file));
    return maps.get(file) ?? null;
  };
  return stack
    .split('\n')
    .map((line) => {
      const m = FRAME.exec(line);
      if (!m) return line;
      const [whole, open, file, row, col, close] = m as unknown as [string, string, string, string, string, string];
      const loaded = mapFor(file);
      if (loaded === null) return line;
      const entry = loaded.map.findEntry(Number(row) - 1 - loaded.lineOffset, Number(col) - 1) as Partial<{ originalSource: string; originalLine: number; originalColumn: number }>;
      if (entry.originalSource === undefined || entry.originalLine === undefined || entry.originalColumn === undefined) return line;
      const source = resolve(dirname(file), entry.originalSource);
      const shown = relative(resolve(dirname(file), '..'), source).split('\\').join('/');
      return `${line.slice(0, line.length - whole.length)}${open}${shown}:${entry.originalLine + 1}:${entry.originalColumn + 1}${close}`;
    })
    .join('\n');
}

/** The bundle's source map, and how many lines the build put in front of the code it maps (the content-id line). */
function loadMap(file: string): { map: SourceMap; lineOffset: number } | null {
  try {
    const payload = JSON.parse(readFileSync(`${file}.map`, 'utf8')) as ConstructorParameters<typeof SourceMap>[0];
    const lineOffset = readFileSync(file, 'utf8').startsWith('//apitest-build:') ? 1 : 0;
    return { map: new SourceMap(payload), lineOffset };
  } catch {
    return null;
  }
}
