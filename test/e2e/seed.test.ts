import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { deskctl, deskctlJson, tempHome } from '../helpers/bin.js';
import { count, fingerprint } from '../helpers/db.js';

/** The contract's example fixture (../shared/spec), or its copy in test/fixtures when the spec is not beside the repo. */
const SHARED = fileURLToPath(new URL('../../../shared/spec/fixture-example.yaml', import.meta.url));
const EXAMPLE = existsSync(SHARED) ? SHARED : fileURLToPath(new URL('../fixtures/example.yaml', import.meta.url));

describe('e2e: deskctl seed', () => {
  const home = tempHome();
  const env = { ...home.env, DESKCTL_DB: home.db, DESKCTL_NOW: '2026-11-02T12:00:00.000Z' };
  const run = (args: string[], input?: string) => deskctl(args, { env, input });
  const file = (name: string, text: string) => {
    const path = join(home.dir, name);
    writeFileSync(path, text);
    return path;
  };

  it('seeds the example fixture; a second run reports no changes and leaves the file as it was', async () => {
    const first = await run(['seed', EXAMPLE]);
    expect(first.exitCode, first.stderr).toBe(0);
    expect(first.stdout.split('\n')[0]).toBe('kind\tcreated\tupdated\tunchanged');
    expect(first.stdout).toContain('tickets\t2\t0\t0');
    expect(first.stderr).toMatch(/seeded tenant "default" from .*: 16 created, 4 updated, 0 unchanged/);

    const bytes = readFileSync(home.db);
    const print = fingerprint(home.db);
    const second = await run(['seed', EXAMPLE]);
    expect(second.exitCode, second.stderr).toBe(0);
    expect(second.stderr).toMatch(/no changes: tenant "default" already matches/);
    expect(second.stdout).toContain('tickets\t0\t0\t2');
    const json = JSON.parse((await run(['seed', EXAMPLE, '-o', 'json'])).stdout);
    expect(json).toMatchObject({ tenant: 'default', dryRun: false, changed: false });
    expect(fingerprint(home.db)).toBe(print);
    expect(readFileSync(home.db).equals(bytes)).toBe(true);

    expect((await deskctlJson<unknown[]>(['tickets', 'list'], { env })).length).toBe(2);
    expect((await deskctlJson<unknown[]>(['drafts', 'list'], { env })).length).toBe(1);
  });

  it('reads JSON, and stdin with -', async () => {
    const r = await run(['seed', file('more.json', JSON.stringify({ departments: [{ name: 'Comercial', categories: ['Proposta'] }] }))]);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout).toContain('departments\t1\t0\t0');
    const piped = await run(['seed', '-', '-o', 'json'], 'organizations:\n  - name: Filial Sul\n    parent: Matriz\n');
    expect(piped.exitCode, piped.stderr).toBe(0);
    expect(JSON.parse(piped.stdout).counts.find((c: { kind: string }) => c.kind === 'organizations')).toEqual({ kind: 'organizations', created: 1, updated: 0, unchanged: 0 });
  });

  it('--dry-run prints what would change and writes nothing', async () => {
    const path = file('dry.yaml', 'customers:\n  - email: nova@norte.example\n    name: Nova\n    organization: Filial Norte\n');
    const before = fingerprint(home.db);
    const r = await run(['seed', path, '--dry-run']);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout).toContain('customers\t1\t0\t0');
    expect(r.stderr).toMatch(/dry run: .* nothing was written/);
    expect(fingerprint(home.db)).toBe(before);
  });

  const invalid: [string, string, RegExp[]][] = [
    ['wrong types', 'customers:\n  - email: not-an-email\n    name: 42\n', [/customers\[0\]\.email: invalid e-mail/, /customers\[0\]\.name: expected text, got 42/]],
    [
      'unknown references',
      'tickets:\n  - ref: X-1\n    requester: ghost@x.example\n    department: Vendas\n    subject: s\n    message: m\n',
      [/tickets\[0\]\.requester: unknown customer ghost@x\.example/, /tickets\[0\]\.department: unknown department "Vendas"/],
    ],
    [
      'a duplicate ref',
      'drafts:\n  - { ref: T-1, requester: ana@norte.example, department: Suporte, subject: s, message: m }\n  - { ref: T-1, requester: ana@norte.example, department: Suporte, subject: s, message: m }\n',
      [/drafts\[1\]\.ref: duplicate ref "T-1" \(also drafts\[0\]\)/],
    ],
    ['a cycle of parents (R2)', 'organizations:\n  - name: Matriz\n    parent: Filial Norte\n', [/organizations\[0\]\.parent: "Matriz" → "Filial Norte" → "Matriz" would be a cycle of parents \(R2\)/]],
    ['malformed YAML', 'customers:\n  - email: a@b.example\n   name: A\n', [/malformed fixture: .*bad-4\.yaml: line 3, column 1: /]],
  ];

  it.each(invalid.map((c, i) => [...c, i] as const))('an invalid fixture (%s) exits 2 with the path and leaves the database byte for byte unchanged', async (_name, text, messages, i) => {
    const path = file(`bad-${i}.yaml`, text);
    const bytes = readFileSync(home.db);
    const print = fingerprint(home.db);
    const r = await run(['seed', path]);
    expect(r.exitCode, r.stderr).toBe(2);
    expect(r.stdout).toBe('');
    const lines = r.stderr.split('\n').filter(Boolean);
    expect(lines).toHaveLength(1);
    for (const m of messages) expect(lines[0]).toMatch(m);
    expect(fingerprint(home.db)).toBe(print);
    expect(readFileSync(home.db).equals(bytes)).toBe(true);
  });

  it('a missing file is a usage error', async () => {
    const r = await run(['seed', join(home.dir, 'nope.yaml')]);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(/^error: cannot read the fixture .*nope\.yaml: no such file\n$/);
  });

  it('tenants create --from gives CI an isolated tenant in one command, and tenants remove tears it down', async () => {
    const made = await run(['tenants', 'create', 'ci-42', '--from', EXAMPLE]);
    expect(made.exitCode, made.stderr).toBe(0);
    expect(made.stderr).toMatch(/created tenant ci-42/);
    expect((await deskctlJson<unknown[]>(['--tenant', 'ci-42', 'tickets', 'list'], { env })).length).toBe(2);
    expect((await run(['tenants', 'create', 'ci-42', '--from', EXAMPLE])).exitCode).toBe(1);
    const before = count(home.db, 'tenants');
    const bad = await run(['tenants', 'create', 'ci-43', '--from', file('bad-tenant.yaml', 'customers:\n  - email: x\n')]);
    expect(bad.exitCode).toBe(2);
    expect(count(home.db, 'tenants')).toBe(before);
    expect((await run(['tenants', 'remove', 'ci-42', '--yes'])).exitCode).toBe(0);
    expect(count(home.db, 'tickets', "tenant_id NOT IN (SELECT id FROM tenants)")).toBe(0);
  });

  it('R7: tickets held for approval are named on stderr, the first ten of a long list (-o json has them all)', async () => {
    const held = Array.from({ length: 12 }, (_, i) => ({
      ref: `H-${i + 1}`,
      requester: 'ana@norte.example',
      department: 'Suporte',
      category: 'Acesso',
      subject: `Acesso ${i + 1}`,
      message: 'Sem acesso ao ERP',
    }));
    const r = await run(['seed', file('held.json', JSON.stringify({ tickets: held }))]);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stderr).toContain('12 ticket(s) wait for approval as drafts (R7): H-1, H-2, H-3, H-4, H-5, H-6, H-7, H-8, H-9, H-10 and 2 more (-o json lists them all)\n');
    const json = JSON.parse((await run(['seed', file('held-more.json', JSON.stringify({ tickets: [{ ...held[0], ref: 'H-13' }] })), '-o', 'json'])).stdout);
    expect(json.heldForApproval).toEqual(['H-13']);
  });
});
