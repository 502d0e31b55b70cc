#!/usr/bin/env node
// `deskctl --version` answers without loading the program: scripts and CI call it often.
const args = process.argv.slice(2);
if (args.length === 1 && (args[0] === '--version' || args[0] === '-V')) {
  const { VERSION } = await import('../dist/version.js');
  process.stdout.write(`${VERSION}\n`);
} else {
  // The program is compiled with V8 code caches kept in dist/ (see src/boot.ts).
  const [{ loadCli }, { fileURLToPath }] = await Promise.all([import('../dist/boot.js'), import('node:url')]);
  const { main } = loadCli(fileURLToPath(new URL('../dist', import.meta.url)));
  process.exitCode = await main(args);
}
