import { mkdtempSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inProcessApi, type InProcessApi } from '../helpers/backends.js';

/**
 * Issue 13: /v1/openapi.json passes a public OpenAPI linter, Redocly CLI's `lint` with its
 * recommended rules: no error and no warning. The linter runs on a file, offline: no telemetry,
 * no update check.
 */
describe('the OpenAPI document passes redocly lint', () => {
  let api: InProcessApi;
  let url: string;
  beforeAll(async () => {
    api = await inProcessApi();
    url = await api.listen();
  });
  afterAll(async () => {
    await api.close();
  });

  it('redocly lint /v1/openapi.json (recommended rules): no problems', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'deskctl-openapi-')), 'openapi.json');
    writeFileSync(file, await (await fetch(`${url}/v1/openapi.json`)).text());
    const cli = join(createRequire(import.meta.url).resolve('@redocly/cli/package.json'), '..', 'bin', 'cli.js');
    const r = await execa('node', [cli, 'lint', file, '--format', 'json'], {
      reject: false,
      env: { REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true', NO_COLOR: '1' },
      timeout: 60_000,
    });
    const report = JSON.parse(r.stdout.slice(r.stdout.indexOf('{'))) as { totals: { errors: number; warnings: number }; problems: { ruleId: string; message: string; location: { pointer: string }[] }[] };
    const problems = report.problems.map((p) => `${p.ruleId} at ${p.location[0]?.pointer}: ${p.message}`);
    expect(problems).toEqual([]);
    expect(report.totals).toMatchObject({ errors: 0, warnings: 0 });
    expect(r.exitCode).toBe(0);
  });
});
