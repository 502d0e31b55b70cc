#!/usr/bin/env node
'use strict';
// CommonJS from the first line: Node's ES module loader would add milliseconds to every start.
// `deskctl --version` answers without loading the program: scripts and CI call it often.
const args = process.argv.slice(2);
if (args.length === 1 && (args[0] === '--version' || args[0] === '-V')) {
  process.stdout.write(`${require('../dist/version.cjs').VERSION}\n`);
} else {
  // The program is compiled with V8 code caches kept in dist/ (see src/boot.ts).
  const { loadCli } = require('../dist/boot.cjs');
  loadCli(require('node:path').join(__dirname, '..', 'dist'))
    .main(args)
    .then((code) => {
      process.exitCode = code;
    });
}
