#!/usr/bin/env node
// Builds dist/ from src/ (types are checked separately, by npm run typecheck):
//   dist/cli.cjs     deskctl's code with commander, Kysely and better-sqlite3's JavaScript;
//   dist/lib/*.cjs   each library only some commands use, self-contained, loaded on first use;
//   dist/boot.cjs    the loader that compiles those files with V8 code caches (src/boot.ts);
//   dist/version.cjs all that `deskctl --version` reads.
// Then one run of the CLI writes the first code caches (in $XDG_CACHE_HOME/deskctl/code).
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { LIBRARIES, libraryFile } from './libraries.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const LIBRARY_PREFIX = 'deskctl:lib/'; // the same as in src/boot.ts


/** In dist/cli.cjs, a library is a require() that src/boot.ts answers from dist/lib/. */
const librariesApart = {
  name: 'libraries-apart',
  setup(b) {
    b.onResolve({ filter: /^[@a-z]/ }, (args) =>
      Object.hasOwn(LIBRARIES, args.path) ? { path: `${LIBRARY_PREFIX}${libraryFile(args.path)}`, external: true } : undefined,
    );
  },
};

/**
 * commander requires node:child_process at load time, only to run stand-alone executable
 * subcommands (deskctl has none); loading it pulls in net, dgram and the stream stack.
 * Commander gets a stand-in that loads the real module on first use.
 */
const lazyChildProcess = {
  name: 'lazy-child-process',
  setup(b) {
    b.onResolve({ filter: /^node:child_process$/ }, (args) =>
      /[\\/]node_modules[\\/]commander[\\/]/.test(args.importer) ? { path: 'child_process', namespace: 'lazy-child-process' } : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: 'lazy-child-process' }, () => ({
      loader: 'js',
      contents: "let real; const load = () => (real ??= require('node:child_process'));\n" +
        "module.exports = new Proxy({}, { get: (_, key) => load()[key] });\n",
    }));
  },
};

// import() becomes a lazy require() in the CommonJS files: deskctl's own modules still run only
// when first used, and libraries come through the loader (node:vm scripts cannot import()).
// Whitespace and comments go (a third less to read and decode on every start); names stay, so a
// stack trace (DESKCTL_DEBUG=1) still names its functions.
const common = {
  absWorkingDir: root,
  bundle: true,
  platform: 'node',
  target: 'node20',
  logLevel: 'warning',
  supported: { 'dynamic-import': false },
  minifyWhitespace: true,
  minifySyntax: true,
  // pg's optional native binding (pg.native), which deskctl never uses.
  external: ['pg-native'],
};

rmSync(join(root, 'dist'), { recursive: true, force: true });
await build({
  ...common,
  entryPoints: ['src/cli.ts'],
  outfile: 'dist/cli.cjs',
  format: 'cjs',
  sourcemap: true,
  define: { __PACKAGE_VERSION__: JSON.stringify(pkg.version), 'import.meta.url': '__deskctl_url' },
  banner: { js: "const __deskctl_url = require('node:url').pathToFileURL(__filename).href;" },
  plugins: [lazyChildProcess, librariesApart],
});

// As Node gives a CommonJS module to an `import`: module.exports is the default export (so a
// library used by its default export exports just that) and its properties are the named ones.
for (const [name, used] of Object.entries(LIBRARIES)) {
  const contents =
    used === 'default'
      ? `const library = require('${name}');\nmodule.exports = library && library.__esModule ? library.default : library;\n`
      : `module.exports = require('${name}');\n`;
  await build({
    ...common,
    stdin: { contents, resolveDir: root, sourcefile: `${libraryFile(name)}.js` },
    outfile: `dist/lib/${libraryFile(name)}.cjs`,
    format: 'cjs',
  });
}

// The loader and `deskctl --version`: small self-contained files that bin/deskctl.cjs requires.
// The loader knows each CommonJS file by a hash of its content, which names its code cache.
const hashes = {};
for (const relative of ['cli.cjs', ...readdirSync(join(root, 'dist', 'lib')).map((f) => `lib/${f}`)]) {
  hashes[relative] = createHash('sha256').update(readFileSync(join(root, 'dist', relative))).digest('hex').slice(0, 16);
}
for (const entry of ['boot', 'version']) {
  await build({
    ...common,
    entryPoints: [`src/${entry}.ts`],
    outfile: `dist/${entry}.cjs`,
    format: 'cjs',
    define: { __PACKAGE_VERSION__: JSON.stringify(pkg.version), __DIST_HASHES__: JSON.stringify(hashes) },
    // The version is inlined: the branch of src/version.ts that reads package.json beside the
    // sources (through import.meta) is dead here.
    logOverride: { 'empty-import-meta': 'silent' },
  });
}

// The first code caches (in the builder's $XDG_CACHE_HOME): making the sample tenant in a scratch
// database runs through the libraries every database command uses.
const scratch = mkdtempSync(join(tmpdir(), 'deskctl-build-'));
try {
  const run = spawnSync(process.execPath, [join(root, 'bin', 'deskctl.cjs'), '--db', join(scratch, 'warm-up.db'), 'demo'], {
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1' },
  });
  if (run.status !== 0) throw new Error(`the code cache run failed: ${run.stderr}`);
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
