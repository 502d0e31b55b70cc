#!/usr/bin/env node
// Writes schemas/fixture.schema.json from the zod schema of the fixture (src/core/fixture.ts, built
// to dist/). Run by `npm run schema:fixture`; test/unit/fixture.test.ts fails when the file drifts.
import { writeFileSync } from 'node:fs';
import { fixtureJsonSchema } from '../dist/core/fixture.js';

const target = new URL('../schemas/fixture.schema.json', import.meta.url);
writeFileSync(target, `${JSON.stringify(fixtureJsonSchema(), null, 2)}\n`);
console.log(`wrote ${target.pathname}`);
