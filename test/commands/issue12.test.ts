import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { count } from '../helpers/db.js';
import { runDeskctl } from '../helpers/run.js';

/** The defects of issue 12 ("what a new user tripped on") that show in-process, each named. */
const fresh = () => {
  const dir = mkdtempSync(join(tmpdir(), 'deskctl-i12-'));
  return { dir, db: join(dir, 'h.db') };
};

describe('defect 2: DESKCTL_TENANT naming a tenant that does not exist yet', () => {
  const { dir, db } = fresh();
  const env = { DESKCTL_DB: db, DESKCTL_TENANT: 'ci-99' };

  it('defect 2: tenants create, list, create --from and remove work (the README CI pattern)', async () => {
    const created = await runDeskctl(['tenants', 'create', 'ci-99'], { env });
    expect(created.exitCode, created.stderr).toBe(0);
    const fixture = join(dir, 'f.yaml');
    writeFileSync(fixture, 'departments:\n  - name: Suporte\n');
    const other = { ...env, DESKCTL_TENANT: 'ci-100' };
    const from = await runDeskctl(['tenants', 'create', 'ci-100', '--from', fixture], { env: other });
    expect(from.exitCode, from.stderr).toBe(0);
    const gone = { ...env, DESKCTL_TENANT: 'never-made' };
    const list = await runDeskctl(['tenants', 'list', '-o', 'json'], { env: gone });
    expect(list.exitCode, list.stderr).toBe(0);
    expect((JSON.parse(list.stdout) as { slug: string }[]).map((t) => t.slug)).toEqual(['default', 'ci-99', 'ci-100']);
    const removed = await runDeskctl(['tenants', 'remove', 'ci-100', '--yes'], { env: gone });
    expect(removed.exitCode, removed.stderr).toBe(0);
    // Removing the tenant the run points at is fine too.
    expect((await runDeskctl(['tenants', 'remove', 'ci-99', '--yes'], { env })).exitCode).toBe(0);
  });

  it('defect 2: other commands still say the tenant does not exist (exit 1)', async () => {
    const r = await runDeskctl(['departments', 'list'], { env: { ...env, DESKCTL_TENANT: 'nope' } });
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain('tenant "nope" not found');
  });
});

describe('defect 3: flags that exclude each other are refused, never "the last one wins"', () => {
  const { db } = fresh();
  const env = { DESKCTL_DB: db };

  it.each([
    [['rules', 'add', '--department', 'Suporte', '--category', 'X', '--no-category'], '--category and --no-category'],
    [['rules', 'add', '--department', 'Suporte', '--no-category', '--all-categories'], '--no-category and --all-categories'],
    [['rules', 'remove', '--department', 'Suporte', '--category', 'X', '--no-category'], '--category and --no-category'],
    [['drafts', 'list', '--category', 'X', '--no-category'], '--category and --no-category'],
    [['drafts', 'approve', '--all', '--category', 'X', '--no-category', '--yes'], '--category and --no-category'],
    [['drafts', 'reject', '--all', '--no-category', '--category', 'X', '--yes'], '--category and --no-category'],
    [['drafts', 'approve', '1', '--all'], 'draft ids and --all'],
    [['orgs', 'set', 'A', '--parent', 'P', '--no-parent'], '--parent and --no-parent'],
    [['customers', 'set', 'a@x.example', '--manager', '--no-manager'], '--manager and --no-manager'],
    [['customers', 'set', 'a@x.example', '--org', 'O', '--no-org'], '--org and --no-org'],
    [['customers', 'set', 'a@x.example', '--inactive', '--active'], '--active and --inactive'],
    [['tickets', 'list', '--overdue', '--due-today'], '--overdue and --due-today'],
    [['tickets', 'create', '--requester', 'a@x.example', '--department', 'D', '--subject', 's', '--message', 'm', '--internal', '--private'], '--internal and --private'],
    [['rules', 'remove', '3', '--department', 'Suporte', '--no-category'], 'rule ids and --department with a scope'],
    [['profile', 'use', 'x', '--none'], 'a profile name and --none'],
  ])('defect 3: deskctl %j is exit 2 naming both, nothing written', async (argv, both) => {
    const r = await runDeskctl([...argv, '-o', 'json'], { env });
    expect(r.exitCode, r.stderr).toBe(2);
    expect(r.stderr).toContain(`error: ${both} exclude each other: give one`);
    expect(JSON.parse(r.stderr.split('\n')[1]!)).toEqual({ error: { code: 'invalid_input', message: `${both} exclude each other: give one` } });
  });

  it('defect 3: every command with a --x and --no-x pair declares them exclusive (one helper for all)', async () => {
    const { fullProgram } = await import('../../src/cli.js');
    const { Context } = await import('../../src/context.js');
    const { exclusiveGroupsOf } = await import('../../src/commands/shared.js');
    const program = await fullProgram(new Context({ stdout: { write: () => true }, stderr: { write: () => true }, stdin: process.stdin, env: {} }));
    const missing: string[] = [];
    const walk = (cmd: import('commander').Command, path: string) => {
      const longs = cmd.options.map((o) => o.long ?? '');
      const groups = exclusiveGroupsOf(cmd);
      for (const l of longs) {
        if (!l.startsWith('--no-') || !longs.includes(`--${l.slice(5)}`)) continue;
        if (!groups.some((g) => g.includes(l) && g.includes(`--${l.slice(5)}`))) missing.push(`${path} ${l}`);
      }
      for (const sub of cmd.commands) walk(sub, `${path} ${sub.name()}`);
    };
    walk(program, 'deskctl');
    expect(missing).toEqual([]);
  });

  it('defect 3: one flag of a pair alone still works', async () => {
    const r = await runDeskctl(['drafts', 'list', '--no-category'], { env });
    expect(r.exitCode, r.stderr).toBe(0);
  });
});
