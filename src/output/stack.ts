import { readFileSync } from 'node:fs';
import { SourceMap } from 'node:module';
import { dirname, resolve } from 'node:path';

/**
 * What the loader (src/boot.ts) puts before a CommonJS file's code on its first line to compile
 * it: the positions V8 reports on that line are off by its length.
 */
export const MODULE_WRAPPER_HEAD = '(function (exports, require, module, __filename, __dirname) {';

/**
 * A stack trace with every position in a built file that has a source map (dist/cli.cjs) turned
 * into its place in the TypeScript sources (`DESKCTL_DEBUG=1`): V8 applies no source map to code
 * compiled through node:vm. Positions without a map stay as they are.
 */
export function sourceMappedStack(stack: string): string {
  const maps = new Map<string, SourceMap | null>();
  const mapOf = (file: string): SourceMap | null => {
    if (!maps.has(file)) {
      let map: SourceMap | null;
      try {
        map = new SourceMap(JSON.parse(readFileSync(`${file}.map`, 'utf8')));
      } catch {
        map = null;
      }
      maps.set(file, map);
    }
    return maps.get(file)!;
  };
  // A frame ends with the position, in parentheses after a function's name or bare: `at f (/p/x.cjs:2:10)`.
  return stack.replace(/((?:[A-Za-z]:)?[\\/][^()\n]*?\.cjs):(\d+):(\d+)(?=\)?$)/gm, (whole, file: string, line: string, column: string) => {
    const map = mapOf(file);
    const l = Number(line) - 1;
    const c = Number(column) - 1 - (l === 0 ? MODULE_WRAPPER_HEAD.length : 0);
    const entry = map && c >= 0 ? (map.findEntry(l, c) as { generatedLine?: number; originalSource?: string; originalLine?: number; originalColumn?: number }) : {};
    // findEntry answers the nearest mapping before the position, even on an earlier line.
    if (!entry.originalSource || entry.generatedLine !== l) return whole;
    return `${resolve(dirname(file), entry.originalSource)}:${entry.originalLine! + 1}:${entry.originalColumn! + 1}`;
  });
}
