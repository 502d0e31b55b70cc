#!/usr/bin/env node
// Builds dist/ from src/: one ESM bundle for the CLI, with every lazily imported command module
// and heavy dependency in a chunk of its own, so `deskctl --version` loads almost nothing and each
// command loads only what it runs. Types are checked separately (npm run typecheck).
import { readFileSync, rmSync } from 'node:fs';
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

rmSync(join(root, 'dist'), { recursive: true, force: true });
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
  plugins: [lazyChildProcess],
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
