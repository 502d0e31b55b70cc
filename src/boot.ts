/*
 * How the built CLI starts (bin/deskctl.cjs requires this as dist/boot.cjs). dist/cli.cjs holds
 * deskctl's code with commander, Kysely and better-sqlite3's JavaScript; each library only some
 * commands use (zod, yaml, undici, fastify, inquirer, ...) is a file of its own in dist/lib/, loaded
 * when first required. All are CommonJS compiled through node:vm with a V8 code cache beside each
 * file: Node 20 keeps no compiled code between runs, and parsing was most of every start.
 *
 * A cache is written when a run ends and the file had none, or V8 refused it (another Node
 * version); it then holds the functions that run compiled. A folder that cannot be written means
 * no cache, never an error. The build makes the first run (scripts/build.mjs). A cache is named
 * after its file's size and modification time: V8 checks only a source's length, so a rebuilt
 * file must never meet the cache of the one before.
 */
import { readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { Script } from 'node:vm';

/** How dist/cli.cjs names a library of dist/lib/ in its require() calls. */
export const LIBRARY_PREFIX = 'deskctl:lib/';

type Exports = Record<string, unknown>;

export function loadCli(dist: string): { main: (argv: string[]) => Promise<number> } {
  const loaded = new Map<string, Exports>();
  const unsaved: { cacheFile: string; script: Script }[] = [];
  const nodeRequire = createRequire(join(dist, 'cli.cjs'));

  const requireFor = (id: string): unknown =>
    id.startsWith(LIBRARY_PREFIX) ? load(join(dist, 'lib', `${id.slice(LIBRARY_PREFIX.length)}.cjs`)) : nodeRequire(id);

  function load(file: string): Exports {
    const done = loaded.get(file);
    if (done) return done;
    const { size, mtimeMs } = statSync(file);
    const cacheFile = `${file}.${size}-${Math.trunc(mtimeMs)}.cache`;
    let cachedData: Buffer | undefined;
    try {
      cachedData = readFileSync(cacheFile);
    } catch {
      cachedData = undefined;
    }
    const source = readFileSync(file, 'utf8');
    const script = new Script(`(function (exports, require, module, __filename, __dirname) {${source}\n})`, { filename: file, cachedData });
    if (cachedData === undefined || script.cachedDataRejected) unsaved.push({ cacheFile, script });
    const module = { exports: {} as Exports };
    loaded.set(file, module.exports);
    (script.runInThisContext() as (...args: unknown[]) => void)(module.exports, requireFor, module, file, dirname(file));
    loaded.set(file, module.exports);
    return module.exports;
  }

  process.once('exit', () => {
    for (const { cacheFile, script } of unsaved) {
      const temporary = `${cacheFile}.${process.pid}`;
      try {
        writeFileSync(temporary, script.createCachedData());
        renameSync(temporary, cacheFile);
      } catch {
        try {
          rmSync(temporary, { force: true });
        } catch {
          // Nothing was left behind, or nothing can be removed here: either way, no cache.
        }
      }
    }
  });

  return load(join(dist, 'cli.cjs')) as unknown as { main: (argv: string[]) => Promise<number> };
}
