import { describe, expect, it } from 'vitest';
import { closest, didYouMean } from '../../src/core/suggest.js';

describe('did you mean (issue 12 habits)', () => {
  it.each([
    ['Suport', ['Suporte', 'Financeiro'], ['Suporte']],
    ['filial norte', ['Filial Norte', 'Filial Sul'], ['Filial Norte']],
    ['defualt', ['default', 'demo'], ['default']],
    ['agnte@deskctl.dev', ['agente@deskctl.dev', 'rui@deskctl.dev'], ['agente@deskctl.dev']],
    ['Fin', ['Financeiro', 'Suporte'], ['Financeiro']],
    ['Jurídico', ['Suporte', 'Financeiro'], []],
  ])('%s among %j: %j', (typed, known, expected) => {
    expect(closest(typed, known)).toEqual(expected);
  });

  it('says nothing when nothing is close, and names two as "A or B"', () => {
    expect(didYouMean('xyz', ['Suporte'])).toBe('');
    expect(didYouMean('Filial', ['Filial Norte', 'Filial Sul'])).toBe(' (did you mean "Filial Sul" or "Filial Norte"?)');
  });
});
