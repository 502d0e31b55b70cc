import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { deskctl, tempHome } from '../helpers/bin.js';
import { runDeskctl } from '../helpers/run.js';

/** test/fixtures/stats.yaml, whose comments give every ticket's local times; the clock is pinned. */
const FIXTURE = fileURLToPath(new URL('../fixtures/stats.yaml', import.meta.url));
const NOW = '2026-11-02T12:00:00.000Z';
const HEADER = 'opened,solved,backlog,due_today,overdue,avg_resolution_hours,avg_rating';
const csv = (...lines: string[]) => lines.map((l) => `${l}\r\n`).join('');

describe('e2e: R23 stats export, numbers computed by hand', () => {
  const home = tempHome();
  const env = { ...home.env, DESKCTL_DB: home.db, DESKCTL_NOW: NOW };
  const run = (args: string[]) => deskctl(args, { env });
  const out = async (args: string[]) => {
    const r = await run(args);
    expect(r.exitCode, r.stderr).toBe(0);
    return r.stdout;
  };

  beforeAll(async () => {
    const r = await run(['seed', FIXTURE]);
    expect(r.exitCode, r.stderr).toBe(0);
  });

  it('R23: CSV by department,category (the default format; RFC 4180 with CRLF; empty cells for no value)', async () => {
    expect(await out(['stats', 'export', '--by', 'department,category'])).toBe(
      csv(
        `department,category,${HEADER}`,
        'Financeiro,,1,0,1,1,0,,',
        'Financeiro,Boleto,2,0,2,0,2,,',
        'Suporte,Acesso,3,2,1,1,0,13.5,5',
        'Suporte,Rede,3,2,1,0,1,12,3.5',
      ),
    );
  });

  it('R23: CSV by organization over October (dates in São Paulo): opened by creation, solved by solution', async () => {
    expect(await out(['stats', 'export', '--by', 'org', '--from', '2026-10-01', '--to', '2026-10-31'])).toBe(
      csv(`organization,${HEADER}`, ',1,0,1,0,1,,', 'Avulsa,2,1,1,0,1,24,', 'Filial Norte,2,3,0,0,0,9,4'),
    );
  });

  it('R23: JSON by day over two days, and by agent,month; JSON keeps numbers and nulls', async () => {
    expect(JSON.parse(await out(['stats', 'export', '--by', 'day', '--from', '2026-10-01', '--to', '2026-10-02', '--format', 'json']))).toEqual([
      { day: '2026-10-01', opened: 2, solved: 2, backlog: 0, due_today: 0, overdue: 0, avg_resolution_hours: 10.5, avg_rating: 4.5 },
      { day: '2026-10-02', opened: 0, solved: 1, backlog: 0, due_today: 0, overdue: 0, avg_resolution_hours: 6, avg_rating: 3 },
    ]);
    const byAgentMonth = JSON.parse(await out(['stats', 'export', '--by', 'agent,month', '--metrics', 'opened,solved,overdue', '-o', 'json']));
    expect(byAgentMonth).toEqual([
      { agent: null, month: '2026-09', opened: 1, solved: 0, overdue: 0 },
      { agent: null, month: '2026-10', opened: 1, solved: 1, overdue: 1 },
      { agent: null, month: '2026-11', opened: 1, solved: 0, overdue: 0 },
      { agent: 'joao@helpdesk.example', month: '2026-10', opened: 3, solved: 3, overdue: 0 },
      { agent: 'joao@helpdesk.example', month: '2026-11', opened: 1, solved: 0, overdue: 0 },
      { agent: 'maria@helpdesk.example', month: '2026-10', opened: 1, solved: 0, overdue: 1 },
      { agent: 'maria@helpdesk.example', month: '2026-11', opened: 1, solved: 0, overdue: 1 },
    ]);
  });

  it('--format wins over -o; -o applies without it; a table for people', async () => {
    expect(await out(['stats', 'export', '-o', 'json', '--format', 'csv', '--metrics', 'opened'])).toBe(csv('opened', '9'));
    expect(JSON.parse(await out(['stats', 'export', '-o', 'json', '--metrics', 'opened']))).toEqual([{ opened: 9 }]);
    expect(await out(['stats', 'export', '--by', 'status', '--metrics', 'opened', '--format', 'table'])).toBe(
      'status\topened\nclosed\t2\nin_progress\t1\nopen\t3\nsolved\t2\nwaiting\t1\n',
    );
  });

  it('--out writes the file (and only then), --delimiter and --bom for spreadsheets in pt-BR', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'deskctl-out-'));
    try {
      const file = join(dir, 'estatísticas.csv');
      const r = await run(['stats', 'export', '--by', 'department', '--metrics', 'opened,avg_rating', '--delimiter', ';', '--bom', '--out', file]);
      expect(r.exitCode, r.stderr).toBe(0);
      expect(r.stdout).toBe('');
      expect(r.stderr).toBe(`wrote 2 rows to ${file}\n`);
      expect(readFileSync(file, 'utf8')).toBe(`\uFEFF${csv('department;opened;avg_rating', 'Financeiro;3;', 'Suporte;6;4')}`);
      const bad = await run(['stats', 'export', '--out', join(dir, 'no', 'such', 'dir.csv')]);
      expect(bad.exitCode).toBe(2);
      expect(bad.stderr).toMatch(/--out .*cannot write there/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('bad flags are usage errors naming the flag', async () => {
    for (const [args, message] of [
      [['--by', 'department,colour'], /by\[1\]: unknown dimension "colour"/],
      [['--from', '01/10/2026'], /from: expected a date such as 2026-10-01/],
      [['--from', '2026-10-31', '--to', '2026-10-01'], /to: is before --from/],
      [['--delimiter', ';;'], /--delimiter: one character/],
      [['--bom', '--format', 'json'], /--bom applies to --format csv only/],
      [['--format', 'xml'], /xml/],
    ] as const) {
      const r = await run(['stats', 'export', ...args]);
      expect(r.exitCode, args.join(' ')).toBe(2);
      expect(r.stderr).toMatch(message);
    }
  });

  it('R23: approvals as CSV and JSON', async () => {
    expect(await out(['stats', 'approvals', '--by', 'org', '--format', 'csv'])).toBe(
      csv('organization,pending,approved,rejected,avg_decision_hours', 'Filial Norte,3,0,0,', 'Matriz,1,0,0,'),
    );
    expect(JSON.parse(await out(['stats', 'approvals', '-o', 'json']))).toEqual([{ pending: 4, approved: 0, rejected: 0, avg_decision_hours: null }]);
  });
});

describe('e2e: formula injection', () => {
  const home = tempHome();
  const env = { ...home.env, DESKCTL_DB: home.db, DESKCTL_NOW: NOW };

  it('cells that start with =, +, - or @ are neutralised in CSV and kept raw in JSON', async () => {
    const names = ['=HYPERLINK("http://x","y")', '+cmd|calc', '-2+3', '@SUM(A1)'];
    const fixture = {
      departments: names.map((name, i) => ({ name, categories: [`${names[(i + 1) % 4]}`] })),
      customers: [{ email: 'a@b.example', name: 'A' }],
      tickets: names.map((name, i) => ({ ref: `F${i}`, requester: 'a@b.example', department: name, category: names[(i + 1) % 4], subject: 's', message: 'm', status: 'open' })),
    };
    const seeded = await deskctl(['seed', '-'], { env, input: JSON.stringify(fixture) });
    expect(seeded.exitCode, seeded.stderr).toBe(0);

    const r = await deskctl(['stats', 'export', '--by', 'department,category', '--metrics', 'opened'], { env });
    expect(r.exitCode, r.stderr).toBe(0);
    const lines = r.stdout.split('\r\n').filter(Boolean);
    expect(lines).toEqual([
      'department,category,opened',
      `'+cmd|calc,'-2+3,1`,
      `'-2+3,'@SUM(A1),1`,
      `"'=HYPERLINK(""http://x"",""y"")",'+cmd|calc,1`,
      `'@SUM(A1),"'=HYPERLINK(""http://x"",""y"")",1`,
    ]);
    // No cell of the CSV starts with a formula character once the quotes are read.
    for (const line of lines.slice(1)) for (const cell of line.split(/,(?=(?:[^"]*"[^"]*")*[^"]*$)/)) expect(cell.replace(/^"/, '')).not.toMatch(/^[=+\-@]/);

    const json = JSON.parse((await deskctl(['stats', 'export', '--by', 'department,category', '--metrics', 'opened', '--format', 'json'], { env })).stdout);
    expect(json.map((x: { department: string; category: string }) => [x.department, x.category])).toEqual([
      ['+cmd|calc', '-2+3'],
      ['-2+3', '@SUM(A1)'],
      ['=HYPERLINK("http://x","y")', '+cmd|calc'],
      ['@SUM(A1)', '=HYPERLINK("http://x","y")'],
    ]);
  });
});

describe('stats and generate on a terminal and piped', () => {
  const home = tempHome();
  const env = { DESKCTL_DB: home.db, DESKCTL_NOW: NOW };

  beforeAll(async () => {
    const r = await runDeskctl(['seed', FIXTURE], { env });
    expect(r.exitCode, r.stderr).toBe(0);
  });

  it('R18: stats summary draws a bar per agent on a terminal, plain columns when piped, JSON on request', async () => {
    const tty = await runDeskctl(['stats', 'summary'], { tty: true, env: { ...env, FORCE_COLOR: '1' } });
    expect(tty.exitCode, tty.stderr).toBe(0);
    expect(tty.stdout).toMatch(/Maria <maria@helpdesk\.example>.*█/);
    expect(tty.stderr).toMatch(/overdue/);
    const piped = await runDeskctl(['stats', 'summary'], { env });
    expect(piped.stdout).toBe(
      'agent\tpending\tdue today\toverdue\nJoão <joao@helpdesk.example>\t1\t1\t0\nMaria <maria@helpdesk.example>\t2\t0\t2\n(unassigned)\t2\t1\t1\ntotal\t5\t2\t3\n',
    );
    expect(piped.stdout).not.toMatch(/█|\u001b\[/);
    const json = JSON.parse((await runDeskctl(['stats', 'summary', '-o', 'json'], { env })).stdout);
    expect(json[1]).toEqual({ agent: 'maria@helpdesk.example', name: 'Maria', pending: 2, dueToday: 0, overdue: 2 });
  });

  it('generate shows progress on a terminal only', async () => {
    const a = tempHome();
    const tty = await runDeskctl(['generate', '--tickets', '500', '--customers', '50', '--orgs', '5', '--drafts', '5'], { tty: true, env: { DESKCTL_DB: a.db, DESKCTL_NOW: NOW } });
    expect(tty.exitCode, tty.stderr).toBe(0);
    expect(tty.stderr).toMatch(/generated 500 tickets/);
    const b = tempHome();
    const piped = await runDeskctl(['generate', '--tickets', '500', '--customers', '50', '--orgs', '5', '--drafts', '5'], { env: { DESKCTL_DB: b.db, DESKCTL_NOW: NOW } });
    expect(piped.exitCode, piped.stderr).toBe(0);
    expect(piped.stderr).toMatch(/^generated 500 tickets in tenant "default" in [\d.]+s\n$/);
    expect(piped.stdout).toMatch(/^tickets\t500$/m);
  });
});

/** The long variant: DESKCTL_LONG_TESTS=1 npm test (a million tickets; a few minutes with the rest). */
describe.runIf(process.env.DESKCTL_LONG_TESTS === '1')('long: a million tickets', () => {
  it('generates 1,000,000 tickets and exports them by department,category', { timeout: 600_000 }, async () => {
    const home = tempHome();
    const env = { ...home.env, DESKCTL_DB: home.db };
    let t = Date.now();
    const g = await deskctl(['generate', '--tickets', '1000000', '--customers', '20000', '--orgs', '500', '--drafts', '2000', '--random-seed', 'long'], { env, timeout: 300_000 });
    expect(g.exitCode, g.stderr).toBe(0);
    console.log(`generate 1,000,000 tickets: ${((Date.now() - t) / 1000).toFixed(1)} s`);
    t = Date.now();
    const r = await deskctl(['stats', 'export', '--by', 'department,category', '--format', 'json'], { env, timeout: 120_000 });
    expect(r.exitCode, r.stderr).toBe(0);
    console.log(`stats export --by department,category: ${((Date.now() - t) / 1000).toFixed(1)} s`);
    const rows = JSON.parse(r.stdout) as { opened: number }[];
    expect(rows.reduce((n, x) => n + x.opened, 0)).toBe(1_000_000);
    rmSync(home.dir, { recursive: true, force: true });
  });
});
