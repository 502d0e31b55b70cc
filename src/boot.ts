/*
 * How the built CLI starts (bin/deskctl.cjs requires this as dist/boot.cjs). dist/cli.cjs holds
 * deskctl's code with commander, Kysely and better-sqlite3's JavaScript; each library only some
 * commands use (zod, yaml, undici, fastify, inquirer, ...) is a file of its own in dist/lib/, loaded
 * when first required. All are CommonJS compiled through node:vm with a V8 code cache: Node 20
 * keeps no compiled code between runs, and parsing was most of every start.
 *
 * The caches live in $XDG_CACHE_HOME/deskctl/code. One is written when a run ends and the file had
 * none (it then holds the functions that run compiled). V8 checks only a source's length, so a
 * cache is named after its file's content (a hash the build writes into this file), the Node
 * version and the V8 flags: another build, another Node or other flags never meet it. A cache
 * that cannot be read or written means a slower start, never an error. Whenever caches are written,
 * those of other builds nobody has written for a month go (the builds before an upgrade); one still
 * in use by another installation is just written again on its next run.
 *
 * A cache is loaded as code, so only the user may write it: the folders are made 0700 and the files
 * 0600 whatever the umask, and a cache file another user could have written (not ours, or writable
 * by group or others, or in such a folder) is never read: it is written again, safely.
 */
import { chmodSync, closeSync, fstatSync, openSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { Script } from 'node:vm';
import { codeCacheDir, makeDirectories } from './config/paths.js';
import { MODULE_WRAPPER_HEAD } from './output/stack.js';

/** How dist/cli.cjs names a library of dist/lib/ in its require() calls. */
export const LIBRARY_PREFIX = 'deskctl:lib/';

/** Set by scripts/build.mjs: a hash of the content of each CommonJS file of dist/, by its path there. */
declare const __DIST_HASHES__: Record<string, string>;

type Exports = Record<string, unknown>;

/** How long a code cache nobody has written again is kept. */
const CACHE_KEPT_MS = 30 * 24 * 3_600_000;

/**
 * Removes the caches (and leftover temporaries of killed runs) last written before `before`, but
 * none of this build's files: a cache is written once and then only read, so its age says nothing
 * about its use.
 */
function pruneCaches(dir: string, before: number): void {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return;
  }
  const ours = Object.values(__DIST_HASHES__).map((hash) => `.${hash}.`);
  for (const name of names) {
    if (!/\.cache(\.\d+)?$/.test(name) || ours.some((tag) => name.includes(tag))) continue;
    try {
      const file = join(dir, name);
      if (statSync(file).mtimeMs < before) rmSync(file, { force: true });
    } catch {
      // Gone already, or not ours to remove: left as it is.
    }
  }
}

const uid = typeof process.getuid === 'function' ? process.getuid() : undefined;
/** Windows has no such mode bits (its ACLs keep a profile's folders to its user). */
const POSIX = process.platform !== 'win32';

/** Whether only this user can write the file or folder: owned by them, not writable by group or others. */
function onlyOurs(path: string): boolean {
  try {
    const st = statSync(path);
    return !POSIX || ((uid === undefined || st.uid === uid) && (st.mode & 0o022) === 0);
  } catch {
    return false;
  }
}

/** A file's bytes, or undefined when another user could have written it (checked on the open file). */
function readOwnFile(file: string): Buffer | undefined {
  const fd = openSync(file, 'r');
  try {
    const st = fstatSync(fd);
    if (POSIX && ((uid !== undefined && st.uid !== uid) || (st.mode & 0o022) !== 0)) return undefined;
    return readFileSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** The V8 flags a cache depends on, from NODE_OPTIONS and the command line, as a short tag. */
function flagsTag(): string {
  const flags = `${process.env.NODE_OPTIONS ?? ''} ${process.execArgv.join(' ')}`.trim();
  let h = 5381;
  for (let i = 0; i < flags.length; i++) h = ((h << 5) + h + flags.charCodeAt(i)) >>> 0;
  return h.toString(36);
}

export function loadCli(dist: string): { main: (argv: string[]) => Promise<number> } {
  const loaded = new Map<string, Exports>();
  const unsaved: { cacheFile: string; script: Script }[] = [];
  const nodeRequire = createRequire(join(dist, 'cli.cjs'));
  const cacheDir = codeCacheDir(process.env);
  const runtime = `${process.version}-${process.arch}-${flagsTag()}`;

  const requireFor = (id: string): unknown => (id.startsWith(LIBRARY_PREFIX) ? load(`lib/${id.slice(LIBRARY_PREFIX.length)}.cjs`) : nodeRequire(id));

  function load(relative: string): Exports {
    const done = loaded.get(relative);
    if (done) return done;
    const file = join(dist, relative);
    const hash = __DIST_HASHES__[relative];
    const cacheFile = hash === undefined ? undefined : join(cacheDir, `${relative.replace(/\//g, '-')}.${hash}.${runtime}.cache`);
    let cachedData: Buffer | undefined;
    try {
      cachedData = cacheFile === undefined || !cacheDirSafe() ? undefined : readOwnFile(cacheFile);
    } catch {
      cachedData = undefined;
    }
    const source = readFileSync(file, 'utf8');
    const script = new Script(`${MODULE_WRAPPER_HEAD}${source}\n})`, { filename: file, cachedData });
    if (cacheFile !== undefined && (cachedData === undefined || script.cachedDataRejected)) unsaved.push({ cacheFile, script });
    const module = { exports: {} as Exports };
    loaded.set(relative, module.exports);
    try {
      (script.runInThisContext() as (...args: unknown[]) => void)(module.exports, requireFor, module, file, dirname(file));
    } catch (e) {
      // As Node's require: a module that failed to load is not kept, half built.
      loaded.delete(relative);
      throw e;
    }
    loaded.set(relative, module.exports);
    return module.exports;
  }

  let dirSafe: boolean | undefined;
  const cacheDirSafe = () => (dirSafe ??= onlyOurs(cacheDir));

  process.once('exit', () => {
    if (unsaved.length === 0) return;
    try {
      makeDirectories(cacheDir, 0o700);
      // Made by an earlier version under a lax umask: closed to others before anything is written there.
      if (!onlyOurs(cacheDir)) chmodSync(cacheDir, 0o700);
    } catch {
      return;
    }
    if (!onlyOurs(cacheDir)) return;
    for (const { cacheFile, script } of unsaved) {
      const temporary = `${cacheFile}.${process.pid}`;
      try {
        writeFileSync(temporary, script.createCachedData(), { mode: 0o600, flag: 'wx' });
        renameSync(temporary, cacheFile);
      } catch {
        try {
          rmSync(temporary, { force: true });
        } catch {
          // Nothing was left behind, or nothing can be removed here: either way, no cache.
        }
      }
    }
    pruneCaches(cacheDir, Date.now() - CACHE_KEPT_MS);
  });

  return load('cli.cjs') as unknown as { main: (argv: string[]) => Promise<number> };
}
