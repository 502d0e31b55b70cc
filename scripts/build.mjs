#!/usr/bin/env node
// Builds dist/ from src/: one ESM bundle for the CLI, with every lazily imported command module
// and heavy dependency in a chunk of its own, so `deskctl --version` loads almost nothing and each
// command loads only what it runs. Types are checked separately (npm run typecheck).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));

/**
 * commander requires node:child_process at load time, only to run stand-alone executable
 * subcommands (deskctl has none). Loading it pulls in net, dgram and the stream stack: about 15 ms
 * of every start. Commander gets a stand-in that loads the real module on first use.
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

/**
 * The libraries every database command parses on every start, and the names deskctl uses from
 * each: they go into dist/vendor.cjs, which src/vendor.ts compiles with a V8 code cache. A name
 * missing here fails the build ("No matching export").
 */
const VENDOR = {
  commander: ['Argument', 'Command', 'CommanderError', 'Option'],
  kysely: ['Kysely', 'SqliteDialect', 'sql'],
  'better-sqlite3': ['default'],
};
const vendorExport = (pkg, name) => (name === 'default' ? `default as ${vendorName(pkg)}` : name);
const vendorName = (pkg) => pkg.replace(/\W+(\w)/g, (_, c) => c.toUpperCase());

/** In the CLI bundle, the vendored packages are the exports of src/vendor.ts. */
const fromVendor = {
  name: 'from-vendor',
  setup(b) {
    b.onResolve({ filter: /^(commander|kysely|better-sqlite3)$/ }, (args) => ({ path: args.path, namespace: 'vendor' }));
    b.onLoad({ filter: /.*/, namespace: 'vendor' }, (args) => {
      const names = VENDOR[args.path];
      const body = names
        .map((n) => (n === 'default' ? `export default vendor.${vendorName(args.path)};` : `export const ${n} = vendor.${n};`))
        .join('\n');
      return { loader: 'js', resolveDir: root, contents: `import { vendor } from './src/vendor.ts';\n${body}\n` };
    });
  },
};

rmSync(join(root, 'dist'), { recursive: true, force: true });
await build({
  absWorkingDir: root,
  stdin: {
    contents: Object.entries(VENDOR)
      .map(([pkg, names]) => `export { ${names.map((n) => vendorExport(pkg, n)).join(', ')} } from '${pkg}';`)
      .join('\n'),
    resolveDir: root,
    sourcefile: 'vendor-entry.js',
  },
  outfile: 'dist/vendor.cjs',
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  logLevel: 'warning',
  plugins: [lazyChildProcess],
});
await build({
  absWorkingDir: root,
  entryPoints: { cli: 'src/cli.ts' },
  outdir: 'dist',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  sourcemap: true,
  chunkNames: 'chunks/[name]-[hash]',
  // better-sqlite3's JavaScript is bundled; its compiled binding is loaded by path (src/store/sqlite.ts).
  define: { __PACKAGE_VERSION__: JSON.stringify(pkg.version) },
  // Bundled CommonJS dependencies call require() for Node's built-ins.
  banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
  logLevel: 'warning',
  plugins: [fromVendor],
});

// `deskctl --version` reads this one self-contained file and nothing else (see bin/deskctl.js).
await build({
  absWorkingDir: root,
  entryPoints: { version: 'src/version.ts' },
  outdir: 'dist',
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  define: { __PACKAGE_VERSION__: JSON.stringify(pkg.version) },
  logLevel: 'warning',
});

// One run writes dist/vendor.cache (see src/vendor.ts): making the sample tenant in a scratch
// database reads and writes through every vendored library.
if (!existsSync(join(root, 'dist', 'vendor.cache'))) {
  const scratch = mkdtempSync(join(tmpdir(), 'deskctl-build-'));
  try {
    const run = spawnSync(process.execPath, [join(root, 'bin', 'deskctl.js'), '--db', join(scratch, 'warm-up.db'), 'demo'], {
      encoding: 'utf8',
      env: { ...process.env, NO_COLOR: '1' },
    });
    if (run.status !== 0) throw new Error(`the code cache run failed: ${run.stderr}`);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}
