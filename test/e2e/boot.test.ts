import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LIBRARIES, libraryFile } from '../../scripts/libraries.mjs';
import { tempHome } from '../helpers/bin.js';

/*
 * The built CLI compiles dist/cli.cjs and dist/lib/*.cjs with V8 code caches kept in
 * $XDG_CACHE_HOME/deskctl/code (src/boot.ts). A cache must speed a start up and never change what
 * a run does. These runs use a copy of the installation and a cache folder of their own.
 */
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const home = tempHome();
const install = join(home.dir, 'install');
const dist = join(install, 'dist');
const cacheDir = join(home.dir, 'cache', 'deskctl', 'code');
const env = { ...home.env, XDG_CACHE_HOME: join(home.dir, 'cache') };

const caches = () => (existsSync(cacheDir) ? readdirSync(cacheDir).sort() : []);
const cacheOf = (prefix: string) => caches().filter((f) => f.startsWith(`${prefix}.`));

function run(args: string[], extra: Record<string, string> = {}) {
  return execa('node', [join(install, 'bin', 'deskctl.cjs'), '--db', home.db, ...args], {
    env: { ...env, ...extra },
    extendEnv: true,
    reject: false,
    stdin: 'ignore',
    timeout: 60_000,
  });
}

beforeAll(() => {
  mkdirSync(install);
  cpSync(join(ROOT, 'bin'), join(install, 'bin'), { recursive: true });
  cpSync(join(ROOT, 'dist'), dist, { recursive: true });
  cpSync(join(ROOT, 'package.json'), join(install, 'package.json'));
  symlinkSync(join(ROOT, 'node_modules'), join(install, 'node_modules'));
});
afterAll(() => rmSync(home.dir, { recursive: true, force: true }));

describe('code caches of the built CLI', () => {
  it('the first run writes the caches of what it loaded; the next run uses them as they are', async () => {
    expect(caches()).toEqual([]);
    const first = await run(['demo']);
    expect(first.exitCode, first.stderr).toBe(0);
    // demo writes through zod; yaml was not needed, so it has no cache.
    expect(cacheOf('cli.cjs')).toHaveLength(1);
    expect(cacheOf('lib-zod.cjs')).toHaveLength(1);
    expect(cacheOf('lib-yaml.cjs')).toEqual([]);
    const cli = join(cacheDir, cacheOf('cli.cjs')[0]!);
    const written = statSync(cli).mtimeMs;

    const second = await run(['--tenant', 'demo', 'approval', 'show']);
    expect(second.exitCode, second.stderr).toBe(0);
    expect(second.stdout).toMatch(/^mode: departments\n/);
    expect(statSync(cli).mtimeMs).toBe(written);
  });

  it('a damaged cache is refused by V8, the run is unaffected, and a good cache replaces it', async () => {
    const cli = join(cacheDir, cacheOf('cli.cjs')[0]!);
    writeFileSync(cli, 'not a code cache');
    const r = await run(['--tenant', 'demo', 'approval', 'show']);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^mode: departments\n/);
    expect(readFileSync(cli).length).toBeGreaterThan(100_000);
  });

  it('another build never meets the cache of the one before, even with the same size and time', async () => {
    // A new version whose cli.cjs differs only in one string of the same length, installed with
    // the old modification time (npm gives every packed file the same one).
    const file = join(dist, 'cli.cjs');
    const { mtime } = statSync(file);
    const before = readFileSync(file, 'latin1');
    const after = before.replace('`mode: ${', '`MODE: ${');
    expect(after).not.toBe(before);
    writeFileSync(file, after, 'latin1');
    utimesSync(file, mtime, mtime);
    const hash = (text: string) => createHash('sha256').update(Buffer.from(text, 'latin1')).digest('hex').slice(0, 16);
    const boot = join(dist, 'boot.cjs');
    writeFileSync(boot, readFileSync(boot, 'utf8').replace(hash(before), hash(after)));

    const r = await run(['--tenant', 'demo', 'approval', 'show']);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^MODE: departments\n/);
    expect(cacheOf('cli.cjs')).toHaveLength(2);
  });

  it('other V8 flags (NODE_OPTIONS) get a cache of their own instead of rewriting the one there is', async () => {
    const mine = cacheOf('cli.cjs');
    const r = await run(['--tenant', 'demo', 'approval', 'show'], { NODE_OPTIONS: '--max-old-space-size=300' });
    expect(r.exitCode, r.stderr).toBe(0);
    const now = cacheOf('cli.cjs');
    expect(now).toHaveLength(mine.length + 1);
    expect(now).toEqual(expect.arrayContaining(mine));
  });

  it('writing caches removes those of other builds nobody wrote for a month and leftovers of killed runs, nothing else', async () => {
    const days = (n: number) => new Date(Date.now() - n * 24 * 3_600_000);
    const place = (name: string, age: number) => {
      writeFileSync(join(cacheDir, name), 'x');
      utimesSync(join(cacheDir, name), days(age), days(age));
    };
    place('cli.cjs.0123456789abcdef.v20.0.0-x64-0.cache', 40);
    place('lib-zod.cjs.0123456789abcdef.v20.0.0-x64-0.cache.4242', 40);
    place('lib-yaml.cjs.fedcba9876543210.v20.0.0-x64-0.cache', 10);
    place('notes.txt', 40);
    // The installed build's own caches, written long ago and read ever since, stay.
    const installed = createHash('sha256').update(readFileSync(join(dist, 'cli.cjs'))).digest('hex').slice(0, 16);
    const own = cacheOf('cli.cjs').filter((name) => name.includes(`.${installed}.`));
    expect(own.length).toBeGreaterThan(0);
    for (const name of own) utimesSync(join(cacheDir, name), days(40), days(40));
    const kept = caches().filter((f) => !f.startsWith('cli.cjs.0123') && !f.startsWith('lib-zod.cjs.0123'));
    // Flags of their own: this run has no cache, so it writes one, and prunes.
    const r = await run(['--tenant', 'demo', 'approval', 'show'], { NODE_OPTIONS: '--max-old-space-size=301' });
    expect(r.exitCode, r.stderr).toBe(0);
    expect(caches()).toEqual(expect.arrayContaining(kept));
    expect(caches()).toHaveLength(kept.length + 1);
    expect(caches()).not.toContain('cli.cjs.0123456789abcdef.v20.0.0-x64-0.cache');
  });

  it('a cache folder that cannot be made costs nothing but the cache: same output, exit 0, nothing on stderr', async () => {
    const blocked = join(home.dir, 'not-a-folder');
    writeFileSync(blocked, 'a file where the cache folder would go');
    const r = await run(['--tenant', 'demo', 'approval', 'show', '-o', 'json'], { XDG_CACHE_HOME: blocked });
    expect(r.exitCode).toBe(0);
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout)).toMatchObject({ mode: 'departments' });
  });
});

describe('the libraries of dist/lib', () => {
  // What deskctl's code reads from each (scripts/libraries.mjs) must be what Node's import gives.
  const requireFromDist = createRequire(join(ROOT, 'dist', 'cli.cjs'));
  it.each(Object.entries(LIBRARIES))('%s: dist/lib has what deskctl imports from it (%s)', async (name, used) => {
    const built = requireFromDist(join(ROOT, 'dist', 'lib', `${libraryFile(name)}.cjs`)) as Record<string, unknown>;
    const real = (await import(name)) as Record<string, unknown>;
    if (used === 'default') {
      expect(typeof built).toBe(typeof real.default);
      if (typeof built === 'object') expect(Object.keys(built as object).sort()).toEqual(Object.keys(real.default as object).sort());
    } else {
      // Node 24 also lists a CommonJS package's whole object as 'module.exports'.
      const names = Object.keys(real).filter((k) => k !== 'default' && k !== 'module.exports');
      expect(names.length).toBeGreaterThan(0);
      for (const n of names) expect(typeof built[n], n).toBe(typeof real[n]);
    }
  });
});
