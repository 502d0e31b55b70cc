import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fingerprint } from '../helpers/db.js';
import { runDeskctl } from '../helpers/run.js';

/** Issue 13, defect 6: fixture times the protocol cannot carry, and `.json` files that are not JSON. */
describe('seed: fixture files (issue 13)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'deskctl-fixture-files-'));
  const db = join(dir, 'helpdesk.db');
  const env = { DESKCTL_DB: db, DESKCTL_NOW: '2026-11-02T12:00:00.000Z' };
  const seed = (name: string, text: string) => {
    writeFileSync(join(dir, name), text);
    return runDeskctl(['seed', join(dir, name)], { env });
  };
  const base = 'departments:\n  - name: Suporte\ncustomers:\n  - email: a@b.example\n    name: A\n';

  it('a ticket created in year 0 (protocol "0-000003") or after 9999 is exit 2 naming the field, nothing written', async () => {
    expect((await seed('ok.yaml', base)).exitCode).toBe(0);
    const before = fingerprint(db);
    for (const at of ['0000-06-01T00:00:00Z', '1969-12-31T23:59:59Z', '+010000-01-01T00:00:00Z']) {
      const r = await seed('year.yaml', `${base}tickets:\n  - ref: t1\n    requester: a@b.example\n    department: Suporte\n    subject: s\n    message: m\n    createdAt: "${at}"\n`);
      expect(r.exitCode, r.stderr).toBe(2);
      expect(r.stderr).toMatch(/tickets\[0\]\.createdAt: expected (a time from 1970 to 9999|an ISO-8601 time)/);
    }
    const draft = await seed('draft.yaml', `${base}drafts:\n  - ref: d1\n    requester: a@b.example\n    department: Suporte\n    subject: s\n    message: m\n    createdAt: "0001-01-01T00:00:00Z"\n`);
    expect(draft.exitCode).toBe(2);
    expect(draft.stderr).toContain('drafts[0].createdAt: expected a time from 1970 to 9999');
    expect(fingerprint(db)).toBe(before);
  });

  it('a .json file that is not JSON is refused as JSON (exit 2, where it stopped), never read as YAML', async () => {
    const before = fingerprint(db);
    for (const [text, where] of [
      ['departments:\n  - name: Vendas\n', /not valid JSON: unexpected token/],
      ['{"departments": [{"name": "Vendas"},]}', /not valid JSON: unexpected token '\]'$/m],
      ['{"departments": [{"name": "Vendas"}\n, 3 4]}', /f\.json: line 2, column 5: not valid JSON: expected ',' or '\]' after array element$/m],
      ['{"departments": [{"name": "Vendas"}]', /not valid JSON/],
    ] as const) {
      const r = await seed('f.json', text);
      expect(r.exitCode, r.stderr).toBe(2);
      expect(r.stderr).toMatch(/^error: malformed fixture: .*f\.json: (line \d+, column \d+: )?not valid JSON/);
      expect(r.stderr).toMatch(where);
    }
    expect(fingerprint(db)).toBe(before);
    const ok = await seed('g.JSON', '{"departments": [{"name": "Vendas"}]}');
    expect(ok.exitCode, ok.stderr).toBe(0);
  });
});
