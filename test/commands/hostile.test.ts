import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import YAML from 'yaml';
import { beforeAll, describe, expect, it } from 'vitest';
import { fingerprint } from '../helpers/db.js';
import { NAMES_A_PLACE, hostileJson, hostileString, mutation, mutate, runs } from '../helpers/hostile.js';
import { runDeskctl, type RunResult } from '../helpers/run.js';

/**
 * Hostile input on the command line: random and known-nasty values in every kind of flag and
 * argument, mutated fixtures (as YAML, as JSON and as raw bytes that may not be UTF-8) and garbage
 * on stdin. deskctl never crashes or prints a stack trace; a refusal is one `error:` line that
 * names the flag, field or line at fault, exit 1, 2 or 4 — and the database is unchanged.
 */
describe('commands under hostile input (property-based)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'deskctl-hostile-cli-'));
  const db = join(dir, 'helpdesk.db');
  const env = { DESKCTL_DB: db, DESKCTL_NOW: '2026-11-02T12:00:00.000Z', XDG_CONFIG_HOME: join(dir, 'config'), XDG_DATA_HOME: join(dir, 'data') };
  const run = (argv: string[], stdin?: string | Buffer) => runDeskctl(argv, { env, stdin });

  beforeAll(async () => {
    for (const argv of [
      ['departments', 'add', 'Suporte'],
      ['categories', 'add', 'Acesso', '--department', 'Suporte'],
      ['orgs', 'add', 'Matriz'],
      ['orgs', 'add', 'Norte', '--parent', 'Matriz'],
      ['customers', 'add', 'gerente@matriz.example', '--name', 'G', '--org', 'Matriz', '--manager'],
      ['customers', 'add', 'ana@norte.example', '--name', 'Ana', '--org', 'Norte'],
      ['approval', 'set', 'all-departments'],
      ['tickets', 'create', '--requester', 'ana@norte.example', '--department', 'Suporte', '--subject', 's', '--message', 'm'],
      ['tickets', 'create', '--requester', 'gerente@matriz.example', '--department', 'Suporte', '--subject', 's', '--message', 'm'],
    ]) {
      const r = await run(argv);
      expect(r.exitCode, `${argv.join(' ')}: ${r.stderr}`).toBe(0);
    }
  });

  /** What every run must hold: a known exit code, no crash, and a refusal that is one line naming a place and wrote nothing. */
  function expectSafe(r: RunResult, before: string, what: string) {
    expect([0, 1, 2, 3, 4, 5], `${what}: ${r.stderr}`).toContain(r.exitCode);
    expect(r.stderr, what).not.toMatch(/internal error|\n\s+at |RangeError|TypeError|SqliteError/);
    if (r.exitCode === 0 || r.exitCode === 3) return;
    const lines = r.stderr.split('\n').filter(Boolean);
    expect(lines, `${what}: ${r.stderr}`).toHaveLength(1);
    // A batch verb whose every id failed reports each on stdout and a summary line (exit 1).
    expect(lines[0]).toMatch(/^error: |^\w+ 0 of \d+ \w+; \d+ failed$/);
    if (r.exitCode === 2) {
      const message = lines[0]!.slice('error: '.length);
      // A usage error names the option, argument, field or line at fault.
      expect(NAMES_A_PLACE.test(message) || /--?[a-z][\w-]*|argument|command|unknown option/i.test(message), `${what}: ${message}`).toBe(true);
    }
    expect(fingerprint(db), `${what} exited ${r.exitCode} but wrote`).toBe(before);
  }

  const ticket = (over: Record<string, string>, extra: string[] = []) => {
    const o = { requester: 'ana@norte.example', department: 'Suporte', subject: 's', message: 'm', ...over };
    return ['tickets', 'create', '--requester', o.requester, '--department', o.department, '--subject', o.subject, '--message', o.message, ...extra];
  };

  /** Every kind of value a user types: each template puts the hostile value in one place. */
  const TEMPLATES: [string, (v: string) => string[]][] = [
    ['--requester', (v) => ticket({ requester: v })],
    ['--department', (v) => ticket({ department: v })],
    ['--subject', (v) => ticket({ subject: v })],
    ['--message', (v) => ticket({ message: v })],
    ['--category', (v) => ticket({}, ['--category', v])],
    ['--channel', (v) => ticket({}, ['--channel', v])],
    ['--conversation', (v) => ticket({}, ['--channel', 'whatsapp', '--conversation', v])],
    ['--field', (v) => ticket({}, ['--field', v])],
    ['--attach', (v) => ticket({}, ['--attach', v])],
    ['drafts list --org', (v) => ['drafts', 'list', '--org', v]],
    ['drafts list --older-than', (v) => ['drafts', 'list', '--older-than', v]],
    ['drafts list --limit', (v) => ['drafts', 'list', '--limit', v]],
    ['drafts list --requester', (v) => ['drafts', 'list', '--requester', v]],
    ['drafts list --as', (v) => ['drafts', 'list', '--as', v]],
    ['drafts approve <id>', (v) => ['drafts', 'approve', v]],
    ['drafts reject --reason', (v) => ['drafts', 'reject', '999999', '--reason', v]],
    ['drafts approve --all --category', (v) => ['drafts', 'approve', '--all', '--category', v, '--dry-run', '--yes']],
    ['drafts show', (v) => ['drafts', 'show', v]],
    ['tickets show', (v) => ['tickets', 'show', v]],
    ['tickets list --status', (v) => ['tickets', 'list', '--status', v]],
    ['tickets rate', (v) => ['tickets', 'rate', '999999', v]],
    ['tickets solve', (v) => ['tickets', 'solve', v]],
    ['tickets link-process', (v) => ['tickets', 'link-process', '999999', v]],
    ['customers add <email>', (v) => ['customers', 'add', v, '--name', 'X']],
    ['customers add --name', (v) => ['customers', 'add', 'novo@x.example', '--name', v, '--org', 'Nenhuma']],
    ['customers add --org', (v) => ['customers', 'add', 'novo@x.example', '--name', 'X', '--org', v]],
    ['customers set --phone', (v) => ['customers', 'set', 'nobody@x.example', '--phone', v]],
    ['customers remove', (v) => ['customers', 'remove', v]],
    ['departments remove', (v) => ['departments', 'remove', v]],
    ['categories add --department', (v) => ['categories', 'add', 'Nova', '--department', v]],
    ['orgs add --parent', (v) => ['orgs', 'add', 'Nova', '--parent', v]],
    ['orgs set --parent', (v) => ['orgs', 'set', 'Norte', '--parent', v]],
    ['rules add --category', (v) => ['rules', 'add', '--department', 'Suporte', '--category', v]],
    ['rules remove <id>', (v) => ['rules', 'remove', v]],
    ['settings set <key>', (v) => ['settings', 'set', v, '1']],
    ['settings set timezone', (v) => ['settings', 'set', 'timezone', v]],
    ['settings set response.forecastHours', (v) => ['settings', 'set', 'response.forecastHours', v]],
    ['settings set reopen.allowed', (v) => ['settings', 'set', 'reopen.allowed', v]],
    ['approval set', (v) => ['approval', 'set', v]],
    ['audit --since', (v) => ['audit', '--since', v]],
    ['audit --limit', (v) => ['audit', '--limit', v]],
    ['notifications list --to', (v) => ['notifications', 'list', '--to', v]],
    ['stats export --by', (v) => ['stats', 'export', '--by', v]],
    ['stats export --metrics', (v) => ['stats', 'export', '--metrics', v]],
    ['stats export --from', (v) => ['stats', 'export', '--from', v]],
    ['stats export --delimiter', (v) => ['stats', 'export', '--delimiter', v]],
    ['stats approvals --by', (v) => ['stats', 'approvals', '--by', v]],
    ['--tenant', (v) => ['--tenant', v, 'drafts', 'list']],
    ['tenants remove', (v) => ['tenants', 'remove', v, '--yes']],
    ['tokens revoke', (v) => ['tokens', 'revoke', v]],
    ['tokens create --role', (v) => ['tokens', 'create', '--name', 'x', '--role', v]],
    ['-o', (v) => ['-o', v, 'tickets', 'list']],
    // Kept to names a file system takes: the ones it refuses have their own test (e2e/bad-input).
    ['--db', (v) => ['--db', join(dir, 'dbs', encodeURIComponent(Buffer.from(v.replace(/\0/g, '') || 'x').toString('utf8')).slice(0, 100), 'h.db'), 'tenants', 'list']],
  ];

  it('hostile values in every kind of flag and argument: exit 1/2/4 with one line naming it, nothing written; never a crash', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...TEMPLATES), hostileString, async ([what, argv], value) => {
        const before = fingerprint(db);
        const r = await run(argv(value));
        expectSafe(r, before, `${what} ${JSON.stringify(value).slice(0, 80)}`);
      }),
      { numRuns: runs(200, 4_000) },
    );
  }, 300_000);

  const example = YAML.parse(readFileSync(new URL('../fixtures/example.yaml', import.meta.url), 'utf8')) as unknown;
  let n = 0;
  const fixtureFile = (content: string | Buffer, ext: string) => {
    const f = join(dir, `fixture-${n++}.${ext}`);
    writeFileSync(f, content);
    return f;
  };
  /** Raw damage to a fixture's bytes: a byte changed, invalid UTF-8 inserted, the file cut short. */
  const damage = fc.oneof(
    fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), byte: fc.integer({ min: 0, max: 255 }) }),
    fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), bytes: fc.uint8Array({ minLength: 1, maxLength: 6 }) }),
    fc.record({ kind: fc.constant('cut' as const), at: fc.nat() }),
  );

  it('mutated fixtures (YAML or JSON): seed applies them or refuses them naming the path, and a refusal writes nothing', async () => {
    await fc.assert(
      fc.asyncProperty(mutation, fc.constantFrom('yaml', 'json'), fc.boolean(), async (m, format, dryRun) => {
        const doc = mutate(example, m);
        const text = format === 'json' ? JSON.stringify(doc ?? null) : YAML.stringify(doc ?? null);
        const f = fixtureFile(text, format);
        const before = fingerprint(db);
        const r = await run(['seed', f, ...(dryRun ? ['--dry-run'] : [])]);
        expectSafe(r, before, `seed ${JSON.stringify(m).slice(0, 200)}`);
        if (r.exitCode === 2) expect(r.stderr).toMatch(/^error: (invalid fixture: |malformed fixture: |\S+: a fixture is a mapping)/);
        if (dryRun) expect(fingerprint(db)).toBe(before);
      }),
      { numRuns: runs(120, 2_500) },
    );
  }, 300_000);

  it('fixture bytes damaged (flipped, cut short, invalid UTF-8): a clean refusal naming the line, or a valid seed; never a crash', async () => {
    const yaml = Buffer.from(readFileSync(new URL('../fixtures/example.yaml', import.meta.url)));
    await fc.assert(
      fc.asyncProperty(damage, fc.boolean(), async (d, viaStdin) => {
        let bytes: Buffer;
        if (d.kind === 'flip') {
          bytes = Buffer.from(yaml);
          bytes[d.at % bytes.length] = d.byte;
        } else if (d.kind === 'insert') {
          const at = d.at % (yaml.length + 1);
          bytes = Buffer.concat([yaml.subarray(0, at), Buffer.from(d.bytes), yaml.subarray(at)]);
        } else bytes = yaml.subarray(0, d.at % yaml.length);
        const before = fingerprint(db);
        const r = viaStdin ? await run(['seed', '-', '--dry-run'], bytes) : await run(['seed', fixtureFile(bytes, 'yaml'), '--dry-run']);
        expectSafe(r, before, `seed ${JSON.stringify(d)}`);
        expect(fingerprint(db)).toBe(before);
        // Bytes that are not UTF-8 are refused with their line, never stored as U+FFFD.
        let utf8 = true;
        try {
          new TextDecoder('utf-8', { fatal: true }).decode(bytes);
        } catch {
          utf8 = false;
        }
        if (!utf8) expect(r.stderr).toMatch(/^error: malformed fixture: \S+: line \d+, column \d+: not valid UTF-8/);
      }),
      { numRuns: runs(80, 1_500) },
    );
  }, 300_000);

  it('pathological fixtures: deep nesting, alias bombs, huge scalars, wrong top-level types', async () => {
    const cases: [string, string | Buffer, RegExp][] = [
      ['deep YAML', `a: ${'['.repeat(50_000)}${']'.repeat(50_000)}`, /nested too deeply/],
      ['deep JSON', `${'{"a":'.repeat(50_000)}1${'}'.repeat(50_000)}`, /nested too deeply/],
      ['an alias bomb', `a: &a [x,x,x,x,x,x,x,x,x]\n${Array.from({ length: 9 }, (_, i) => `b${i}: &b${i} [${Array(9).fill(i ? `*b${i - 1}` : '*a').join(',')}]`).join('\n')}\n`, /too many alias expansions/],
      ['a list', '- 1\n- 2\n', /a fixture is a mapping/],
      ['a scalar', '42', /a fixture is a mapping/],
      ['a huge name', `departments:\n  - name: ${'x'.repeat(1_000_000)}\n`, /departments\[0\]\.name: at most 200 characters/],
      ['a UTF-16 file', Buffer.from('\ufeffdepartments: []\n', 'utf16le'), /not valid UTF-8|a fixture is a mapping|malformed/],
      ['duplicate keys', 'departments: []\ndepartments: []\n', /line 2/],
      ['a JS tag', 'departments: !!js/function "function () {}"\n', /departments|tag|malformed/i],
      ['a proto key', '__proto__: {polluted: true}\n', /unknown key "__proto__"/],
    ];
    for (const [what, content, message] of cases) {
      const before = fingerprint(db);
      const r = await run(['seed', fixtureFile(content, 'yaml')]);
      expectSafe(r, before, what);
      expect(r.exitCode, `${what}: ${r.stderr}`).toBe(2);
      expect(r.stderr, what).toMatch(message);
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    }
  }, 120_000);

  it('garbage on stdin where ids are read: exit 2 naming the line, or decided ids; never a crash', async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.uint8Array({ maxLength: 64 }).map((b) => Buffer.from(b)), hostileString.map((s) => Buffer.from(s)), hostileJson.map((j) => Buffer.from(JSON.stringify(j) ?? ''))), async (bytes) => {
        const before = fingerprint(db);
        const r = await run(['drafts', 'reject', '-', '--dry-run'], bytes);
        expectSafe(r, before, `stdin ${JSON.stringify(bytes.toString('latin1')).slice(0, 100)}`);
        expect(fingerprint(db)).toBe(before);
      }),
      { numRuns: runs(80, 1_500) },
    );
  });
});
