import { writeFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deskctl, E2E_TARGETS, e2eHelpdesk } from '../helpers/bin.js';

interface Explanation { outcome: 'draft' | 'ticket'; checks: { rule: string; holds: boolean; detail: string }[]; notify: string[] }
interface Draft { id: number; heldBy: { mode: string; rule: number | null } | null }

/**
 * R36-R38 through the built binary, locally and against `deskctl serve`, on both stores: explain
 * then create, configuration as code with a saved plan, a rejection undone by its batch.
 */
describe.each(E2E_TARGETS)('e2e ($target, $engine): explain, config as code, undo (R36-R38)', ({ target, engine }) => {
  const hd = e2eHelpdesk({ target, engine });
  const { home, run, json, ok } = hd;

  beforeAll(async () => {
    await hd.open();
    await ok('departments', 'add', 'Suporte');
    await ok('categories', 'add', 'Acesso', '--department', 'Suporte');
    await ok('orgs', 'add', 'Matriz');
    await ok('orgs', 'add', 'Filial Norte', '--parent', 'Matriz');
    await ok('customers', 'add', 'gerente@matriz.example', '--name', 'Gerente', '--org', 'Matriz', '--manager');
    await ok('customers', 'add', 'ana@norte.example', '--name', 'Ana', '--org', 'Filial Norte');
    await ok('agents', 'add', 'joao@helpdesk.example', '--name', 'João', '--department', 'Suporte');
  });

  afterAll(async () => {
    await hd.close();
  });

  it('R36: approval explain says what tickets create then does, exit 0 either way', async () => {
    await ok('approval', 'set', 'departments');
    const rule = await json<{ id: number }>('rules', 'add', '--department', 'Suporte', '--category', 'Acesso', '-o', 'json');
    const args = ['--requester', 'ana@norte.example', '--department', 'Suporte', '--category', 'Acesso'];
    const x = await json<Explanation>('approval', 'explain', ...args, '-o', 'json');
    expect(x.outcome).toBe('draft');
    expect(x.checks.map((c) => c.rule)).toEqual(['R7.1', 'R7.2', 'R7.3', 'R7.4', 'R8']);
    expect(x.notify).toEqual(['gerente@matriz.example']);
    const table = await ok('approval', 'explain', ...args);
    expect(table.stdout).toMatch(/^outcome: draft/);
    expect(table.stdout).toContain('R7.3');
    const created = await json<{ outcome: string; draft: Draft }>('tickets', 'create', ...args, '--subject', 's', '--message', 'm', '-o', 'json');
    expect(created.outcome).toBe('draft');
    expect(created.draft.heldBy).toEqual({ mode: 'departments', rule: rule.id });
    const byEmail = await run('approval', 'explain', '--requester', 'ana@norte.example', '--department', 'Suporte', '--channel', 'email', '-o', 'json');
    expect(byEmail.exitCode).toBe(0);
    expect(JSON.parse(byEmail.stdout).outcome).toBe('ticket');
  });

  it('R38: a bulk rejection reports its batch; restore --batch asks (refuses off a terminal) and brings the drafts back', async () => {
    const rejected = await json<{ batch: string; succeeded: number }>('drafts', 'reject', '--all', '--yes', '-o', 'json');
    expect(rejected.succeeded).toBe(1);
    const refused = await run('drafts', 'restore', '--batch', rejected.batch);
    expect(refused.exitCode).toBe(2);
    expect(refused.stderr).toMatch(/without --yes/);
    const restored = await json<{ succeeded: number; results: { draft: Draft }[] }>('drafts', 'restore', '--batch', rejected.batch, '--yes', '-o', 'json');
    expect(restored.succeeded).toBe(1);
    const id = restored.results[0]!.draft.id;
    expect(restored.results[0]!.draft.heldBy?.mode).toBe('departments');
    const again = await run('drafts', 'restore', String(id));
    expect(again.exitCode).toBe(1);
    await ok('drafts', 'approve', String(id));
    const kinds = (await json<{ kind: string }[]>('notifications', 'list')).map((n) => n.kind);
    expect(kinds).toContain('draft_restored');
  });

  it('R38: past undo.windowHours the restore is refused, naming the window (local clock pinned)', async () => {
    if (target === 'remote') return; // the server's clock is its own; the contract suite pins it over HTTP
    await ok('tickets', 'create', '--requester', 'ana@norte.example', '--department', 'Suporte', '--category', 'Acesso', '--subject', 'late', '--message', 'm');
    const at = '2026-11-02T12:00:00.000Z';
    const pinned = (when: string, ...args: string[]) => deskctl(args, { env: { ...hd.env, DESKCTL_NOW: when } });
    const rejected = JSON.parse((await pinned(at, 'drafts', 'reject', '--all', '--yes', '-o', 'json')).stdout) as { results: { id: number }[] };
    const id = String(rejected.results[0]!.id);
    const late = await pinned('2026-11-03T12:00:00.001Z', 'drafts', 'restore', id);
    expect(late.exitCode).toBe(1);
    expect(late.stderr).toContain('undo.windowHours (24 h)');
    expect((await pinned('2026-11-03T12:00:00.000Z', 'drafts', 'restore', id)).exitCode).toBe(0);
  });

  it('R37: export, plan (no changes), edit, saved plan, apply, plan again; a stale plan is refused; --detailed-exitcode', async () => {
    const file = join(home.dir, `config-${target}-${engine}.yaml`);
    await ok('config', 'export', '--out', file);
    const none = await ok('config', 'plan', file, '--detailed-exitcode');
    expect(none.stdout.trim()).toBe('No changes.');
    writeFileSync(file, readFileSync(file, 'utf8').replace('- Acesso', '- Acesso\n      - Rede').replace('approval.mode: departments', 'approval.mode: all-departments'));
    const drift = await run('config', 'plan', file, '--detailed-exitcode');
    expect(drift.exitCode).toBe(2);
    expect(drift.stdout).toContain('+ category Suporte/Rede');
    expect(drift.stdout).toContain('~ setting approval.mode: departments → all-departments');
    expect(drift.stdout.trim().split('\n').at(-1)).toBe('Plan: 1 to add, 1 to change, 0 to remove.');
    const planFile = join(home.dir, `release-${target}-${engine}.plan`);
    const stale = join(home.dir, `stale-${target}-${engine}.plan`);
    await ok('config', 'plan', file, '--out', planFile);
    await ok('config', 'plan', file, '--out', stale);
    const asked = await run('config', 'apply', planFile);
    expect(asked.exitCode).toBe(2);
    const applied = await ok('config', 'apply', planFile, '--yes');
    expect(applied.stderr).toContain('Apply complete: 1 added, 1 changed, 0 removed.');
    expect((await ok('config', 'plan', file, '--detailed-exitcode')).stdout.trim()).toBe('No changes.');
    const refused = await run('config', 'apply', stale, '--yes');
    expect(refused.exitCode).toBe(1);
    expect(refused.stderr).toMatch(/changed since the plan was made/);
    const bad = join(home.dir, `bad-${target}-${engine}.yaml`);
    writeFileSync(bad, 'organizations:\n  - name: A\n    parent: B\n  - name: B\n    parent: A\n');
    const invalid = await run('config', 'plan', bad);
    expect(invalid.exitCode).toBe(2);
    expect(invalid.stderr).toContain('organizations[0].parent:');
    expect((await run('config', 'plan', bad, '--detailed-exitcode')).exitCode).toBe(1);
    const plan = await json<{ changes: unknown[]; summary: { add: number } }>('config', 'plan', file, '-o', 'json');
    expect(plan).toMatchObject({ changes: [], summary: { add: 0, change: 0, remove: 0 } });
  });
});
