import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DeskctlError } from '../../src/core/errors.js';
import { fixtureJsonSchema, parseFixture, problemLines, readFixtureText } from '../../src/core/fixture.js';

const fail = (fn: () => unknown): DeskctlError => {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(DeskctlError);
    return e as DeskctlError;
  }
  throw new Error('expected an error');
};

describe('the fixture format', () => {
  it('schemas/fixture.schema.json is generated from the zod schema (run `npm run schema:fixture` when this fails)', () => {
    const checkedIn = JSON.parse(readFileSync(new URL('../../schemas/fixture.schema.json', import.meta.url), 'utf8'));
    expect(checkedIn).toEqual(fixtureJsonSchema());
  });

  it('the shared example fixture is valid YAML and a valid fixture (and test/fixtures/example.yaml is a copy of it)', () => {
    const copy = readFileSync(new URL('../fixtures/example.yaml', import.meta.url), 'utf8');
    const shared = new URL('../../../shared/spec/fixture-example.yaml', import.meta.url);
    if (existsSync(shared)) expect(copy).toBe(readFileSync(shared, 'utf8'));
    const fx = parseFixture(readFixtureText(copy, 'example'));
    expect(fx.tickets.map((t) => t.ref)).toEqual(['T-1', 'T-2']);
    expect(fx.rules).toEqual([{ department: 'Suporte', category: 'Acesso' }, { department: 'Financeiro', scope: 'none' }]);
  });

  it('JSON is read by the same parser (YAML 1.2 is a superset)', () => {
    expect(readFixtureText('{"departments": [{"name": "Suporte"}]}', 'f.json')).toEqual({ departments: [{ name: 'Suporte' }] });
    expect(readFixtureText('', 'empty.yaml')).toEqual({});
  });

  it('malformed YAML names the line and column', () => {
    const e = fail(() => readFixtureText('departments:\n  - name: Suporte\n    categories: [Acesso\ncustomers: []\n', 'f.yaml'));
    expect(e.code).toBe('invalid_input');
    expect(e.message).toMatch(/^malformed fixture: f\.yaml: line 4, column 1: /);
    expect(fail(() => readFixtureText('a: 1\na: 2\n', 'dup.yaml')).message).toMatch(/dup\.yaml: line 2, column 1: Map keys must be unique/);
    expect(fail(() => readFixtureText('{"a": 1,, }', 'f.json')).message).toMatch(/f\.json: line 1, column 9/);
    expect(fail(() => readFixtureText('- 1\n- 2\n', 'list.yaml')).message).toMatch(/a fixture is a mapping/);
  });

  it('problems are listed in the order of the file', () => {
    expect(
      problemLines([
        { path: ['tickets', 2, 'ref'], message: 'c' },
        { path: ['customers', 10, 'email'], message: 'b' },
        { path: ['customers', 3, 'email'], message: 'a' },
        { path: [], message: 'top' },
      ]),
    ).toEqual(['top', 'customers[3].email: a', 'customers[10].email: b', 'tickets[2].ref: c']);
  });

  it('e-mails are trimmed and lower-cased; unknown keys are errors, not silently dropped', () => {
    expect(parseFixture({ customers: [{ email: ' Ana@Norte.Example ', name: 'Ana' }] }).customers[0]!.email).toBe('ana@norte.example');
    expect(fail(() => parseFixture({ customers: [{ email: 'a@b.example', name: 'A', organisation: 'X' }] })).details).toEqual([
      'customers[0]: unknown key "organisation"',
    ]);
  });
});
