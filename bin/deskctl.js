#!/usr/bin/env node
// `deskctl --version` answers without loading the program: scripts and CI call it often.
const args = process.argv.slice(2);
if (args.length === 1 && (args[0] === '--version' || args[0] === '-V')) {
  const { VERSION } = await import('../dist/version.js');
  process.stdout.write(`${VERSION}\n`);
} else {
  // Node 22+ keeps compiled code between runs (a no-op on Node 20, which has no such cache).
  const { default: module } = await import('node:module');
  module.enableCompileCache?.();
  const { main } = await import('../dist/cli.js');
  process.exitCode = await main(args);
}
