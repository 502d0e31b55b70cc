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
