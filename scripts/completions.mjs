#!/usr/bin/env node
// Writes the shell completion scripts under completions/ from the program tree, by asking the
// built CLI itself (`deskctl completion <shell>`). Run through `npm run completions`, which builds
// dist/ first; test/commands/completion.test.ts fails when the checked-in files drift.
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const FILES = { bash: 'deskctl.bash', zsh: '_deskctl', fish: 'deskctl.fish' };
const bin = fileURLToPath(new URL('../bin/deskctl.cjs', import.meta.url));
for (const [shell, name] of Object.entries(FILES)) {
  const script = execFileSync(process.execPath, [bin, 'completion', shell], { env: { ...process.env, NO_COLOR: '1' } });
  writeFileSync(new URL(`../completions/${name}`, import.meta.url), script);
  console.log(`wrote completions/${name}`);
}
