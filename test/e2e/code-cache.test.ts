import { chmodSync, mkdtempSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { BIN } from '../helpers/bin.js';

/**
 * Issue 13, defect 6: the code caches are loaded as code, yet their folder and files followed the
 * umask (0777 and 0666 under umask 000). They are the user's alone now, and a cache another user
 * could have written is never loaded: it is written again.
 */
describe('code caches are writable by their user only', () => {
  const base = mkdtempSync(join(tmpdir(), 'deskctl-cache-mode-'));
  const cacheHome = join(base, 'cache');
  const dir = join(cacheHome, 'deskctl', 'code');
  const run = () => execa('sh', ['-c', `umask 000; exec node "${BIN}" --db "${join(base, 'h.db')}" departments list`], { env: { XDG_CACHE_HOME: cacheHome, HOME: base }, reject: false });
  const mode = (p: string) => statSync(p).mode & 0o777;

  it('under umask 000 the folders are 0700 and the files 0600', async () => {
    expect((await run()).exitCode).toBe(0);
    const files = readdirSync(dir);
    expect(files.length).toBeGreaterThan(0);
    for (const d of [join(cacheHome, 'deskctl'), dir]) expect(mode(d), d).toBe(0o700);
    for (const f of files) expect(mode(join(dir, f)), f).toBe(0o600);
  });

  it('a cache others could write (left by an earlier version) is not loaded but written again, and its folder closed', async () => {
    chmodSync(dir, 0o777);
    for (const f of readdirSync(dir)) chmodSync(join(dir, f), 0o666);
    expect((await run()).exitCode).toBe(0);
    expect(mode(dir)).toBe(0o700);
    for (const f of readdirSync(dir)) expect(mode(join(dir, f)), f).toBe(0o600);
  });
});
