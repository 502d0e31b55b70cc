import { describe, expect, it } from 'vitest';
import { Chalk } from 'chalk';
import { fitWidths, Output, wrapText } from '../../src/output/render.js';

describe('tables on a terminal', () => {
  it.each([
    ['short', 10, 'short'],
    ['two words', 4, 'two\nword\ns'],
    ['Acesso ao sistema de gestão', 12, 'Acesso ao\nsistema de\ngestão'],
    ['abcdefgh', 4, 'abcd\nefgh'],
    ['abcdefgh x', 4, 'abcd\nefgh\nx'],
    ['', 5, ''],
    ['ação', 2, 'aç\não'],
  ])('wrapText(%j, %i)', (text, width, expected) => {
    expect(wrapText(text, width)).toBe(expected);
    for (const line of wrapText(text, width).split('\n')) expect([...line].length).toBeLessThanOrEqual(width);
  });

  it('fitWidths keeps natural widths when they fit and shrinks the widest otherwise', () => {
    expect(fitWidths(2, [['id', 'name'], ['1', 'Suporte']], 80)).toEqual([4, 9]);
    const w = fitWidths(3, [['id', 'subject', 'x'], ['1', 'a'.repeat(100), 'y']], 40);
    expect(w.reduce((a, b) => a + b, 0) + 4).toBeLessThanOrEqual(40);
    expect(w[0]).toBe(4);
  });

  it('a coloured header is never cut inside an escape code, and every line fits the width', async () => {
    let out = '';
    const o = new Output({ write: (s: string) => (out += s) }, { write: () => true }, { format: 'table', tty: true, paint: new Chalk({ level: 1 }), columns: 40 });
    await o.table(['id', 'name', 'categories'], [[1, 'Suporte', 'Acesso ao sistema de gestão empresarial e outros']]);
    const plain = out.replace(/\u001b\[(1|22)m/g, '');
    expect(plain).not.toMatch(/\u001b|\[\d/);
    for (const line of plain.trimEnd().split('\n')) expect([...line].length).toBeLessThanOrEqual(40);
    expect(plain).toContain('│ id │ name    │');
  });
});
