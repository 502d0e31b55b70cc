import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const read = (p: string) => readFileSync(join(ROOT, p), 'utf8');
const files = (dir: string): string[] =>
  readdirSync(join(ROOT, dir)).flatMap((f) => (statSync(join(ROOT, dir, f)).isDirectory() ? files(join(dir, f)) : [join(dir, f)]));

/** Issue 12, defect 9: a user's clone has only the project; what the README, help and messages cite lives in it. */
describe('the project documents what it cites (issue 12, defect 9)', () => {
  const rules = read('docs/rules.md');
  const documented = new Set([...rules.matchAll(/\*\*(R\d+)\./g)].map((m) => m[1]));

  it('defect 9: docs/rules.md writes out R1 to R32 and R39 to R42, the rules the product implements (and R43, its servers), in order', () => {
    const numbers = [...documented].map((r) => Number(r!.slice(1)));
    expect(numbers).toEqual([...numbers].sort((a, b) => a - b));
    expect(numbers).toEqual(expect.arrayContaining([...Array.from({ length: 32 }, (_, i) => i + 1), 39, 40, 41, 42, 43]));
  });

  it('defect 9: every rule number the sources (help, messages) and the README cite is documented there', () => {
    const cited = new Set<string>();
    for (const f of [...files('src'), 'README.md']) for (const m of read(f).matchAll(/\bR(\d+)\b/g)) cited.add(`R${m[1]}`);
    expect([...cited].filter((r) => !documented.has(r))).toEqual([]);
  });

  it('defect 9: the README links to docs/rules.md and to nothing outside the project', () => {
    const readme = read('README.md');
    expect(readme).toContain('](docs/rules.md)');
    expect(readme).not.toMatch(/\.\.\/shared/);
    for (const [, target] of readme.matchAll(/\]\(([^)#]+)\)/g)) {
      if (/^https?:/.test(target!)) continue;
      expect(() => statSync(join(ROOT, target!)), target).not.toThrow();
    }
  });

  it('defect 9: docs/ ships in the package', () => {
    expect((JSON.parse(read('package.json')) as { files: string[] }).files).toContain('docs');
  });
});
