#!/usr/bin/env node
// Writes schemas/fixture.schema.json from the zod schema of the fixture (src/core/fixture.ts,
// bundled here into a temporary module). Run by `npm run schema:fixture`;
// test/unit/fixture.test.ts fails when the file drifts.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';

const dir = mkdtempSync(join(tmpdir(), 'deskctl-schema-'));
try {
  const outfile = join(dir, 'fixture.mjs');
  await build({
    entryPoints: [new URL('../src/core/fixture.ts', import.meta.url).pathname],
    outfile,
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
    logLevel: 'warning',
  });
  const { fixtureJsonSchema } = await import(pathToFileURL(outfile).href);
  const target = new URL('../schemas/fixture.schema.json', import.meta.url);
  writeFileSync(target, `${JSON.stringify(fixtureJsonSchema(), null, 2)}\n`);
  console.log(`wrote ${target.pathname}`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
