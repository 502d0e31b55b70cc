/*
 * The built CLI takes commander, Kysely and better-sqlite3's JavaScript from dist/vendor.cjs, one
 * CommonJS file compiled with a V8 code cache (scripts/build.mjs makes both). Node 20 keeps no
 * compiled code for ES modules between runs, and parsing these libraries was the largest part of
 * every start of a command that reads a database. Node 22's own compile cache does the same for
 * the rest of the bundle (bin/deskctl.js turns it on where it exists).
 *
 * The cache is written when a run ends and there was none, or V8 refused it (another Node version):
 * it then holds the functions that run compiled. A folder that cannot be written just means no cache.
 * Under the tests, src/ imports the libraries directly and this module is not used.
 */
import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Script } from 'node:vm';

/** What dist/vendor.cjs exports (its entry is written by scripts/build.mjs from the same names). */
export interface Vendor {
  [name: string]: unknown;
}

function load(): Vendor {
  const here = dirname(fileURLToPath(import.meta.url));
  const dist = basename(here) === 'chunks' ? dirname(here) : here;
  const file = join(dist, 'vendor.cjs');
  const cacheFile = join(dist, 'vendor.cache');
  let cachedData: Buffer | undefined;
  try {
    cachedData = readFileSync(cacheFile);
  } catch {
    cachedData = undefined;
  }
  const source = readFileSync(file, 'utf8');
  const script = new Script(`(function (exports, require, module, __filename, __dirname) {${source}\n})`, { filename: file, cachedData });
  const module = { exports: {} as Vendor };
  script.runInThisContext()(module.exports, createRequire(file), module, file, dist);
  if (cachedData === undefined || script.cachedDataRejected) {
    process.once('exit', () => {
      const temporary = `${cacheFile}.${process.pid}`;
      try {
        writeFileSync(temporary, script.createCachedData());
        renameSync(temporary, cacheFile);
      } catch {
        // No cache this time (a read-only installation, a full disk): every run still works.
        rmSync(temporary, { force: true });
      }
    });
  }
  return module.exports;
}

export const vendor = load();
