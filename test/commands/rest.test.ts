import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runDeskctl } from '../helpers/run.js';

/** The R39-R42 commands in-process: their output piped and on a terminal, and their usage errors. */
describe('commands: tickets participants and topics (R39, R42)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'deskctl-rest-'));
  const env = { DESKCTL_DB: join(dir, 'helpdesk.db'), DESKCTL_NOW: '2026-11-02T12:00:00.000Z', XDG_CONFIG_HOME: join(dir, 'config'), XDG_DATA_HOME: join(dir, 'data') };
  const run = (argv: string[], tty = false) => runDeskctl(argv, { env, tty, columns: 80 });

  beforeAll(async () => {
    for (const argv of [
      ['departments', 'add', 'Suporte'],
      ['orgs', 'add', 'Norte'],
      ['customers', 'add', 'ana@norte.example', '--name', 'Ana', '--org', 'Norte'],
      ['customers', 'add', 'bruno@norte.example', '--name', 'Bruno', '--org', 'Norte'],
      ['topics', 'add', 'Instalação', '--require-status-detail'],
      ['tickets', 'create', '--requester', 'ana@norte.example', '--department', 'Suporte', '--subject', 's', '--message', 'm', '--topic', 'Instalação', '--status-detail', 'Aguardando'],
    ]) {
      const r = await run(argv);
      expect(r.exitCode, `${argv.join(' ')}: ${r.stderr}`).toBe(0);
    }
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('R39: `tickets participants <ticket>` lists (the default verb), add says what changed on stderr and lists on stdout', async () => {
    const added = await run(['tickets', 'participants', 'add', '1', 'bruno@norte.example', 'BRUNO@norte.example ', '--as', 'ana@norte.example']);
    expect(added).toMatchObject({ exitCode: 0, stdout: 'participant\nbruno@norte.example\n', stderr: 'ticket 2026-000001: added bruno@norte.example\n' });
    const again = await run(['tickets', 'participants', 'add', '2026-000001', 'bruno@norte.example']);
    expect(again.stderr).toBe('ticket 2026-000001: nothing added; already participants: bruno@norte.example\n');
    expect((await run(['tickets', 'participants', '1'])).stdout).toBe('participant\nbruno@norte.example\n');
    expect((await run(['tickets', 'participants', 'list', '1', '-o', 'json'])).stdout).toContain('"participants": [\n    "bruno@norte.example"\n  ]');
    const drawn = await run(['tickets', 'participants', '1'], true);
    expect(drawn.stdout).toContain('bruno@norte.example');
    expect(drawn.stdout).not.toContain('\t');
  });

  it('R39: usage errors are exit 2 and name the field', async () => {
    const bad = await run(['tickets', 'participants', 'abc']);
    expect(bad.exitCode).toBe(2);
    expect(bad.stderr).toMatch(/^error: ticket: a ticket is its id/);
    expect((await run(['tickets', 'participants', 'add', '1'])).exitCode).toBe(2);
    const email = await run(['tickets', 'participants', 'add', '1', 'nope']);
    expect(email.exitCode).toBe(2);
    expect(email.stderr).toBe('error: emails[0]: invalid e-mail\n');
  });

  it('R42: topics list piped and drawn; tickets show carries the topic, its fields and the participants', async () => {
    expect((await run(['topics', 'list'])).stdout).toBe('id\tname\tprocess\tservice channel\tstatus detail\n1\tInstalação\tno\tno\tyes\n');
    expect((await run(['topics', 'list'], true)).stdout).toContain('Instalação');
    const shown = JSON.parse((await run(['tickets', 'show', '1', '-o', 'json'])).stdout);
    expect(shown).toMatchObject({ topic: 'Instalação', serviceChannel: null, statusDetail: 'Aguardando', participants: ['bruno@norte.example'] });
    const bad = await run(['tickets', 'create', '--requester', 'ana@norte.example', '--department', 'Suporte', '--subject', 's', '--message', 'm', '--service-channel', 'fax']);
    expect(bad.exitCode).toBe(2);
    expect(bad.stderr).toContain("'fax' is invalid");
  });
});
