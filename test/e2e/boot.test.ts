import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempHome } from '../helpers/bin.js';

/*
 * The built CLI compiles dist/cli.cjs and dist/lib/*.cjs with V8 code caches it keeps beside them
 * (src/boot.ts). A cache must speed a start up and never change what a run does: these runs use a
 * copy of the installation, so the caches of the shared dist/ are left alone.
 */
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const home = tempHome();
const install = join(home.dir, 'install');
const dist = join(install, 'dist');
const cli = join(dist, 'cli.cjs');

/** The cache file of a dist file, as src/boot.ts names it. */
function cacheOf(file: string): string {
  const { size, mtimeMs } = statSync(file);
  return `${file}.${size}-${Math.trunc(mtimeMs)}.cache`;
}

const caches = () => [...readdirSync(dist), ...readdirSync(join(dist, 'lib')).map((f) => `lib/${f}`)].filter((f) => f.includes('.cache')).sort();

function run(...args: string[]) {
  return execa('node', [join(install, 'bin', 'deskctl.cjs'), '--db', home.db, ...args], { env: home.env, extendEnv: true, reject: false, stdin: 'ignore' });
}

beforeAll(() => {
  mkdirSync(install);
  cpSync(join(ROOT, 'bin'), join(install, 'bin'), { recursive: true });
  cpSync(join(ROOT, 'dist'), dist, { recursive: true, filter: (f) => !f.includes('.cache') });
  cpSync(join(ROOT, 'package.json'), join(install, 'package.json'));
  symlinkSync(join(ROOT, 'node_modules'), join(install, 'node_modules'));
});
afterAll(() => rmSync(home.dir, { recursive: true, force: true }));

describe('code caches of the built CLI', () => {
  it('the first run writes the caches of what it loaded; the next run uses them as they are', async () => {
    expect(caches()).toEqual([]);
    const first = await run('demo');
    expect(first.exitCode).toBe(0);
    // demo writes through zod; yaml was not needed, so it has no cache yet.
    expect(existsSync(cacheOf(cli))).toBe(true);
    expect(existsSync(cacheOf(join(dist, 'lib', 'zod.cjs')))).toBe(true);
    expect(existsSync(cacheOf(join(dist, 'lib', 'yaml.cjs')))).toBe(false);
    const written = statSync(cacheOf(cli)).mtimeMs;

    const second = await run('--tenant', 'demo', 'approval', 'show');
    expect(second.exitCode).toBe(0);
    expect(second.stdout).toMatch(/^mode: departments\n/);
    expect(statSync(cacheOf(cli)).mtimeMs).toBe(written);
  });

  it('a damaged cache is refused by V8, the run is unaffected, and a good cache replaces it', async () => {
    writeFileSync(cacheOf(cli), 'not a code cache');
    const r = await run('--tenant', 'demo', 'approval', 'show');
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toMatch(/^mode: departments\n/);
    expect(readFileSync(cacheOf(cli)).length).toBeGreaterThan(100_000);
  });

  it('a file rebuilt in place never meets the cache of the one before', async () => {
    const before = cacheOf(cli);
    // Same length, another modification time: a new build of the same size.
    const source = readFileSync(cli);
    writeFileSync(cli, source);
    expect(cacheOf(cli)).not.toBe(before);
    const r = await run('--tenant', 'demo', 'approval', 'show');
    expect(r.exitCode).toBe(0);
    expect(existsSync(cacheOf(cli))).toBe(true);
  });

  it('a cache that cannot be written costs nothing but the cache: same output, exit 0, no stray files', async () => {
    rmSync(cacheOf(cli));
    mkdirSync(join(cacheOf(cli), 'in-the-way'), { recursive: true }); // a directory where the cache would go
    const r = await run('--tenant', 'demo', 'approval', 'show', '-o', 'json');
    expect(r.exitCode).toBe(0);
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout)).toMatchObject({ mode: 'departments' });
    expect(readdirSync(dist).filter((f) => /\.cache\.\d+$/.test(f))).toEqual([]);
  });
});
