import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runDeskctl } from '../helpers/run.js';

/**
 * Database targets a user mistypes, and values whose instants no store can hold: one line, exit 2,
 * no password shown, nothing made on disk.
 */
describe('database targets and out-of-range times', () => {
  const dir = mkdtempSync(join(tmpdir(), 'deskctl-targets-'));
  const home = { HOME: dir, XDG_DATA_HOME: join(dir, 'data'), XDG_CONFIG_HOME: join(dir, 'config') };

  it.each([
    ['postgres:/u:S3cr3t@127.0.0.1:5432/helpdesk', 'one slash'],
    ['postgresql:u:S3cr3t@db/helpdesk', 'no slashes'],
    ['sqlite://u:S3cr3t@h/helpdesk.db', 'a scheme deskctl does not take'],
  ])('%s (%s): neither a PostgreSQL URL nor a file: exit 2, no folder made, no password shown', async (db) => {
    const r = await runDeskctl(['tenants', 'list'], { env: { ...home, DESKCTL_DB: db } });
    expect(r.exitCode, r.stderr).toBe(2);
    expect(r.stderr).toMatch(/neither a PostgreSQL URL .* nor a file path/);
    expect(r.stderr).not.toContain('S3cr3t');
    expect(existsSync(join(process.cwd(), db.split('/')[0]!))).toBe(false);
  });

  it('a PostgreSQL URL that does not parse is invalid input (exit 2), not an unreachable server', async () => {
    const r = await runDeskctl(['tenants', 'list'], { env: { ...home, DESKCTL_DB: 'postgres://u:S3cr3t@127.0.0.1:notaport/x' } });
    expect(r.exitCode, r.stderr).toBe(2);
    expect(r.stderr).toMatch(/not a valid PostgreSQL URL/);
    expect(r.stderr).not.toContain('S3cr3t');
  });

  it('an --older-than past 100 years, and statistics dates past 9998 or before 0100, are exit 2 naming the flag', async () => {
    const env = { ...home, DESKCTL_DB: join(dir, 'h.db') };
    const old = await runDeskctl(['drafts', 'list', '--older-than', '99999999d'], { env });
    expect([old.exitCode, old.stderr.trim()]).toEqual([2, 'error: older-than: at most 100 years (36500d)']);
    for (const range of [['--to', '9999-12-31'], ['--from', '0001-01-01']]) {
      const r = await runDeskctl(['stats', 'export', ...range], { env });
      expect(r.exitCode, r.stderr).toBe(2);
      expect(r.stderr).toMatch(/a date from 0100-01-01 to 9998-12-31/);
    }
  });
});
