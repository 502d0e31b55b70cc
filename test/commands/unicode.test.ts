import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Chalk } from 'chalk';
import { Output, printable } from '../../src/output/render.js';
import { fingerprint } from '../helpers/db.js';
import { runDeskctl } from '../helpers/run.js';

/**
 * Issue 13, defect 4 on the command line: text that is not valid Unicode or holds NUL is exit 2
 * naming the field (in fixtures, where such text can come from), names only of invisible
 * characters are refused, names are NFC, and bidirectional controls never reach the terminal raw.
 */
describe('text on the command line (issue 13)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'deskctl-unicode-'));
  const db = join(dir, 'helpdesk.db');
  const env = { DESKCTL_DB: db, DESKCTL_NOW: '2026-11-02T12:00:00.000Z' };
  const run = (argv: string[]) => runDeskctl(argv, { env });

  it('a fixture holding a lone surrogate or NUL anywhere is exit 2 naming the field, nothing written; seeding it twice is the same refusal', async () => {
    expect((await run(['departments', 'add', 'Suporte'])).exitCode).toBe(0);
    const cases: [string, string][] = [
      ['departments:\n  - name: "Vendas \\ud800"\n', 'departments[0].name: not valid Unicode'],
      ['customers:\n  - email: a@b.example\n    name: "A\\0B"\n', 'customers[0].name: contains a NUL character'],
      ['tickets:\n  - ref: t1\n    requester: a@b.example\n    department: Suporte\n    subject: s\n    message: "m \\udc00"\n', 'tickets[0].message: not valid Unicode'],
      ['tickets:\n  - ref: t1\n    requester: a@b.example\n    department: Suporte\n    subject: s\n    message: m\n    fields: { "k\\ud800": v }\n', 'tickets[0].fields: the key "k\\ud800": not valid Unicode'],
      ['{"departments": [{"name": "x", "categories": ["\\ud83d"]}]}', 'departments[0].categories[0]: not valid Unicode'],
    ];
    for (const [text, message] of cases) {
      const file = join(dir, 'bad.yaml');
      writeFileSync(file, text);
      const before = fingerprint(db);
      for (let i = 0; i < 2; i++) {
        const r = await run(['seed', file]);
        expect(r.exitCode, r.stderr).toBe(2);
        expect(r.stderr).toContain(message);
      }
      expect(fingerprint(db)).toBe(before);
    }
  });

  it('a name of invisible characters alone is exit 2 naming it; a name is NFC, so the decomposed "Å" is the same department', async () => {
    for (const argv of [
      ['departments', 'add', '\u200b\u200d'],
      ['orgs', 'add', '\u3164'],
      ['customers', 'add', 'z@z.example', '--name', '\u2060\u00a0'],
    ]) {
      const r = await run(argv);
      expect(r.exitCode, argv.join(' ')).toBe(2);
      expect(r.stderr).toMatch(/^error: name: must show something: it holds only invisible characters\n$/);
    }
    expect((await run(['departments', 'add', '\u00c5rhus'])).exitCode).toBe(0);
    const twice = await run(['departments', 'add', 'A\u030arhus']);
    expect(twice.exitCode).toBe(1);
    expect(twice.stderr).toContain('already exists');
    expect((await run(['categories', 'add', 'Geral', '--department', 'A\u030arhus'])).exitCode).toBe(0);
    const list = await run(['departments', 'list', '-o', 'json']);
    expect((JSON.parse(list.stdout) as { name: string }[]).map((d) => d.name)).toContain('\u00c5rhus');
  });

  it('bidirectional controls in data are shown escaped in tables and error lines, never raw', async () => {
    expect((await run(['departments', 'add', 'abc\u202eevil\u2066x'])).exitCode).toBe(0);
    const table = await runDeskctl(['departments', 'list'], { env, tty: true });
    expect(table.stdout).toContain('abc\\u202eevil\\u2066x');
    expect(table.stdout).not.toMatch(/[\u202a-\u202e\u2066-\u2069]/);
    const missing = await run(['departments', 'remove', 'no\u202ething']);
    expect(missing.stderr).toContain('no\\u202ething');
    expect(missing.stderr).not.toMatch(/[\u202a-\u202e]/);
    expect(printable('\u200f\u061c\u001b')).toBe('\\u200f\\u061c\\x1b');
    // Status and warning lines quote data too: escaped the same way, their own line breaks kept.
    let err = '';
    const out = new Output({ write: () => true }, { write: (t: string) => (err += t) }, { format: 'table', tty: true, paint: new Chalk({ level: 0 }) });
    out.status('held: a\u202eb\nnext line');
    out.warn('x\u2066y');
    expect(err).toBe('held: a\\u202eb\nnext line\nwarning: x\\u2066y\n');
  });
});
