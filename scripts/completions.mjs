#!/usr/bin/env node
// Writes the shell completion scripts under completions/ from the program tree (every command
// module loaded). Run through `npm run completions`, which builds dist/ first.
import { writeFileSync } from 'node:fs';
import { completionScript } from '../dist/commands/completion/generate.js';
import { SCRIPT_FILES, SHELLS } from '../dist/commands/completion/scripts.js';
import { Context } from '../dist/context.js';

const ctx = new Context({ stdout: process.stdout, stderr: process.stderr, stdin: process.stdin, env: process.env });
for (const shell of SHELLS) {
  const file = new URL(`../completions/${SCRIPT_FILES[shell]}`, import.meta.url);
  writeFileSync(file, await completionScript(ctx, shell));
  console.log(`wrote completions/${SCRIPT_FILES[shell]}`);
}
