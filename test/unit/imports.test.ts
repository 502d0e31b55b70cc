import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const SRC = fileURLToPath(new URL('../../src/', import.meta.url));
const files = (dir: string): string[] => readdirSync(dir).flatMap((f) => (statSync(join(dir, f)).isDirectory() ? files(join(dir, f)) : /\.ts$/.test(f) ? [join(dir, f)] : []));

/** Every module a source file imports, statically or lazily (`import('…')`), type-only imports aside. */
function imports(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const specs = [
    ...[...text.matchAll(/^import (?!type )[^;]*?from '(\.[^']+)'/gm)].map((m) => m[1]!),
    ...[...text.matchAll(/^export [^;]*? from '(\.[^']+)'/gm)].map((m) => m[1]!),
    ...[...text.matchAll(/import\('(\.[^']+)'\)/g)].map((m) => m[1]!),
  ];
  return specs.map((s) => resolve(dirname(file), s.replace(/\.js$/, '.ts'))).filter((f) => f.endsWith('.ts'));
}

describe('the command layer as the house style says (issue 12)', () => {
  it('no import cycle through the command layer (cli, context, commands, output), lazy imports included', () => {
    const graph = new Map(files(SRC).map((f) => [f, imports(f)]));
    const cycles: string[] = [];
    const state = new Map<string, 'open' | 'done'>();
    const visit = (f: string, path: string[]) => {
      if (state.get(f) === 'done') return;
      if (state.get(f) === 'open') {
        cycles.push([...path.slice(path.indexOf(f)), f].map((p) => relative(SRC, p)).join(' → '));
        return;
      }
      state.set(f, 'open');
      for (const g of graph.get(f) ?? []) visit(g, [...path, f]);
      state.set(f, 'done');
    };
    for (const f of graph.keys()) visit(f, []);
    const commandLayer = /^(cli\.ts|context\.ts|commands\/|output\/)/;
    expect(cycles.filter((c) => c.split(' → ').some((f) => commandLayer.test(f)))).toEqual([]);
  });

  it('no command writes to stdout behind the output layer, nor builds streamed JSON itself', () => {
    const writers = files(join(SRC, 'commands')).filter((f) => /io\.stdout\.write|process\.stdout/.test(readFileSync(f, 'utf8')));
    expect(writers.map((f) => relative(SRC, f))).toEqual([]);
    const concatenating = files(join(SRC, 'commands')).filter((f) => /write\([^)]*['`]\s*[[{]\\n/.test(readFileSync(f, 'utf8')));
    expect(concatenating.map((f) => relative(SRC, f))).toEqual([]);
  });

  it('one reader of stdin: only the context reads it', () => {
    const readers = files(join(SRC, 'commands')).filter((f) => /for await \([^)]* of ctx\.io\.stdin\)/.test(readFileSync(f, 'utf8')));
    expect(readers.map((f) => relative(SRC, f))).toEqual([]);
  });
});
