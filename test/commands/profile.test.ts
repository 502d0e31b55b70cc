import { existsSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { openLocalHelpdesk } from '../../src/client/local.js';
import { runDeskctl } from '../helpers/run.js';

const TOKEN = 'dk_s3cr3t-T0KEN-never-printed';

describe('deskctl profile', () => {
  let dir: string;
  let env: Record<string, string>;
  const configDir = () => join(dir, 'config', 'deskctl');

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'deskctl-profile-'));
    env = { HOME: dir, XDG_CONFIG_HOME: join(dir, 'config'), XDG_DATA_HOME: join(dir, 'data') };
  });

  async function addStaging(extra: string[] = []) {
    const r = await runDeskctl(['profile', 'add', 'staging', '--api', 'https://staging.example', '--token-stdin', ...extra], { env, stdin: `${TOKEN}\n` });
    expect(r.exitCode, r.stderr).toBe(0);
    return r;
  }

  it('stores the token in a credentials file only the user can read (0600), and says it is plain text', async () => {
    const r = await addStaging();
    expect(r.stderr).toContain('token stored in plain text');
    expect(r.stderr).toContain('mode 0600');
    const file = join(configDir(), 'credentials.json');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(statSync(configDir()).mode & 0o777).toBe(0o700);
    expect(readFileSync(file, 'utf8')).toContain(TOKEN);
    expect(readFileSync(join(configDir(), 'config.json'), 'utf8')).not.toContain(TOKEN);
  });

  it('tightens a credentials file that was left readable by others', async () => {
    await addStaging();
    const file = join(configDir(), 'credentials.json');
    const { chmodSync } = await import('node:fs');
    chmodSync(file, 0o644);
    const warned = await runDeskctl(['--profile', 'staging', 'profile', 'show'], { env });
    expect(warned.stderr).toContain('can be read by other users');
    await runDeskctl(['profile', 'add', 'other', '--api', 'https://other.example', '--token-stdin'], { env, stdin: 'x' });
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });

  it('never prints a token: add, list, show, the effective target, in every format, nor in errors', async () => {
    const outputs: string[] = [];
    const add = await addStaging();
    outputs.push(add.stdout, add.stderr);
    for (const format of ['table', 'json', 'csv']) {
      for (const argv of [['profile', 'list'], ['profile', 'show', 'staging'], ['--profile', 'staging', 'profile', 'show'], ['profile', 'use', 'staging']]) {
        const r = await runDeskctl([...argv, '-o', format], { env, tty: format === 'table' });
        expect(r.exitCode, r.stderr).toBe(0);
        outputs.push(r.stdout, r.stderr);
      }
    }
    const json = JSON.parse((await runDeskctl(['profile', 'show', 'staging', '-o', 'json'], { env })).stdout);
    expect(json).toEqual({ name: 'staging', current: true, kind: 'api', db: null, api: 'https://staging.example', tenant: null, tokenSet: true, smtp: null });
    const fail = await runDeskctl(['profile', 'add', 'staging', '--api', 'https://elsewhere.example', '--token-stdin'], { env, stdin: TOKEN });
    expect(fail.exitCode).toBe(1);
    outputs.push(fail.stdout, fail.stderr);
    for (const text of outputs) expect(text).not.toContain(TOKEN);
  });

  it('takes a token only from stdin: --token-stdin with nothing piped is refused, and a token is never a flag value', async () => {
    const empty = await runDeskctl(['profile', 'add', 'x', '--api', 'https://x.example', '--token-stdin'], { env, stdin: '' });
    expect(empty.exitCode).toBe(2);
    expect(empty.stderr).toMatch(/^error: --token-stdin: stdin was empty/);
    const flag = await runDeskctl(['profile', 'add', 'x', '--api', 'https://x.example', '--token', TOKEN], { env });
    expect(flag.exitCode).toBe(2);
    expect(flag.stderr).toMatch(/unknown option '--token'/);
    const local = await runDeskctl(['profile', 'add', 'x', '--db', 'a.db', '--token-stdin'], { env, stdin: TOKEN });
    expect(local.exitCode).toBe(2);
    expect(existsSync(join(configDir(), 'credentials.json'))).toBe(false);
  });

  it('validates the name and the target', async () => {
    for (const argv of [
      ['profile', 'add', '-bad', '--db', 'a.db'],
      ['profile', 'add', 'ok'],
      ['profile', 'add', 'ok', '--db', 'a.db', '--api', 'https://x.example'],
      ['profile', 'add', 'ok', '--api', 'not a url'],
      ['profile', 'add', 'ok', '--db', 'a.db', '--tenant', 'Not A Slug'],
    ]) {
      const r = await runDeskctl(argv, { env });
      expect(r.exitCode, argv.join(' ')).toBe(2);
      expect(r.stderr.trim().split('\n'), argv.join(' ')).toHaveLength(1);
    }
  });

  it('add, list, use, show and remove; the current profile is where commands go', async () => {
    const db = join(dir, 'home.db');
    const hd = await openLocalHelpdesk({ file: db, tenant: 'default' });
    await hd.createTenant('acme');
    await hd.close();
    const acme = await openLocalHelpdesk({ file: db, tenant: 'acme' });
    await acme.addDepartment('Financeiro');
    await acme.close();

    expect((await runDeskctl(['profile', 'add', 'home', '--db', db, '--tenant', 'acme'], { env })).exitCode).toBe(0);
    const again = await runDeskctl(['profile', 'add', 'home', '--db', db, '--tenant', 'acme'], { env });
    expect(again.exitCode).toBe(0);
    expect(again.stderr).toContain('nothing changed');
    await addStaging();

    const list = await runDeskctl(['profile', 'list'], { env });
    expect(list.stdout).toBe(`current\tname\tkind\ttarget\ttenant\ttoken\tsmtp\n\thome\tlocal\t${db}\tacme\t-\t-\n\tstaging\tapi\thttps://staging.example\t\tset\t-\n`);

    // Before `use`, commands go to the default database.
    const before = await runDeskctl(['departments', 'list'], { env });
    expect(before.stdout).toBe('id\tname\tcategories\n');

    const use = await runDeskctl(['profile', 'use', 'home'], { env });
    expect(use.stderr).toBe('now using profile home\n');
    const after = await runDeskctl(['departments', 'list'], { env });
    expect(after.stdout).toContain('Financeiro');

    const shown = JSON.parse((await runDeskctl(['profile', 'show', '-o', 'json'], { env })).stdout);
    expect(shown).toEqual({
      profile: 'home',
      kind: 'local',
      db,
      api: null,
      tenant: 'acme',
      tokenSet: false,
      smtp: null,
      from: { target: 'current profile home', tenant: 'current profile home', token: null, smtp: null },
    });

    // DESKCTL_PROFILE and --profile override the current profile.
    const viaEnv = JSON.parse((await runDeskctl(['profile', 'show', '-o', 'json'], { env: { ...env, DESKCTL_PROFILE: 'staging' } })).stdout);
    expect(viaEnv).toMatchObject({ profile: 'staging', kind: 'api', api: 'https://staging.example', tokenSet: true });
    const viaFlag = JSON.parse((await runDeskctl(['--profile', 'staging', 'profile', 'show', '-o', 'json'], { env })).stdout);
    expect(viaFlag.from.target).toBe('--profile staging');

    // An environment target beats the current profile, and `use` says so.
    const warn = await runDeskctl(['profile', 'use', 'home'], { env: { ...env, DESKCTL_DB: db } });
    expect(warn.stderr).toContain('already using profile home');
    expect(warn.stderr).toContain('DESKCTL_DB is set in this shell and takes precedence');

    const removed = await runDeskctl(['profile', 'remove', 'home'], { env });
    expect(removed.exitCode).toBe(0);
    expect(removed.stderr).toContain('it was the current profile');
    const gone = await runDeskctl(['profile', 'show', 'home'], { env });
    expect(gone.exitCode).toBe(1);
    const none = JSON.parse((await runDeskctl(['profile', 'show', '-o', 'json'], { env })).stdout);
    expect(none).toMatchObject({ profile: null, kind: 'local', db: join(dir, 'data', 'deskctl', 'helpdesk.db'), from: { target: 'default' } });

    const rmStaging = await runDeskctl(['profile', 'remove', 'staging'], { env });
    expect(rmStaging.stderr).toContain('and its stored token');
    expect(readFileSync(join(configDir(), 'credentials.json'), 'utf8')).not.toContain(TOKEN);
  });

  it('an API target without a token exits 4 with a clear message, before any request', async () => {
    const noToken = await runDeskctl(['--api', 'http://127.0.0.1:9', 'drafts', 'list'], { env });
    expect(noToken.exitCode).toBe(4);
    expect(noToken.stderr).toBe(
      'error: no token for the API at http://127.0.0.1:9 (target from --api); set DESKCTL_TOKEN, or save the API in a profile: deskctl profile add NAME --api URL --token-stdin\n',
    );
    await runDeskctl(['profile', 'add', 'bare', '--api', 'http://127.0.0.1:9'], { env });
    const viaProfile = await runDeskctl(['--profile', 'bare', 'approval', 'show', '-o', 'json'], { env });
    expect(viaProfile.exitCode).toBe(4);
    expect(viaProfile.stderr).toContain('deskctl profile add bare --api http://127.0.0.1:9 --token-stdin');
    expect(JSON.parse(viaProfile.stderr.split('\n')[1]!)).toEqual({ error: { code: 'unauthenticated', message: expect.stringContaining('no token') } });
  });

  it('replacing a profile needs --force; the token is kept for the same URL and dropped for another', async () => {
    await addStaging();
    const conflict = await runDeskctl(['profile', 'add', 'staging', '--api', 'https://staging.example', '--tenant', 'acme'], { env });
    expect(conflict.exitCode).toBe(1);
    expect(conflict.stderr).toMatch(/exists with other settings; add --force/);
    const kept = await runDeskctl(['profile', 'add', 'staging', '--api', 'https://staging.example', '--tenant', 'acme', '--force', '-o', 'json'], { env });
    expect(JSON.parse(kept.stdout)).toMatchObject({ tenant: 'acme', tokenSet: true, result: 'replaced' });
    const moved = await runDeskctl(['profile', 'add', 'staging', '--api', 'https://moved.example', '--force', '-o', 'json'], { env });
    expect(JSON.parse(moved.stdout)).toMatchObject({ api: 'https://moved.example', tokenSet: false });
    expect(readFileSync(join(configDir(), 'credentials.json'), 'utf8')).not.toContain(TOKEN);
  });

  it('R33: a profile keeps an SMTP URL read from stdin only, in the 0600 credentials file; every output shows it without the password; remove drops it', async () => {
    const password = 'S3cr3t@relay:/?#%é';
    const url = `smtp://apikey:${encodeURIComponent(password)}@smtp.example.com:587?tls=required`;
    const shown = 'smtp://apikey:***@smtp.example.com:587?tls=required';
    const outputs: string[] = [];
    await addStaging();
    const set = await runDeskctl(['profile', 'set-smtp', 'staging', '--url-stdin'], { env, stdin: `${url}\n` });
    expect(set.exitCode, set.stderr).toBe(0);
    expect(set.stderr).toContain(`saved the SMTP URL of profile staging: ${shown}`);
    expect(set.stderr).toContain('mode 0600');
    outputs.push(set.stdout, set.stderr);
    const file = join(configDir(), 'credentials.json');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(JSON.parse(readFileSync(file, 'utf8')).smtp).toEqual({ staging: url });
    expect(readFileSync(join(configDir(), 'config.json'), 'utf8')).not.toContain('smtp.example.com');

    const again = await runDeskctl(['profile', 'set-smtp', 'staging', '--url-stdin', '-o', 'json'], { env, stdin: url });
    expect(JSON.parse(again.stdout)).toEqual({ name: 'staging', smtp: shown, result: 'unchanged' });
    for (const format of ['table', 'json', 'csv']) {
      for (const argv of [['profile', 'list'], ['profile', 'show', 'staging'], ['--profile', 'staging', 'profile', 'show']]) {
        const r = await runDeskctl([...argv, '-o', format], { env, tty: format === 'table' });
        expect(r.exitCode, r.stderr).toBe(0);
        // (a table on a terminal may wrap the URL)
        expect(r.stdout, argv.join(' ')).toContain(format === 'table' ? 'apikey:***@smtp.example.com' : shown);
        outputs.push(r.stdout, r.stderr);
      }
    }
    expect(JSON.parse((await runDeskctl(['profile', 'show', 'staging', '-o', 'json'], { env })).stdout).smtp).toBe(shown);
    const effective = JSON.parse((await runDeskctl(['--profile', 'staging', 'profile', 'show', '-o', 'json'], { env })).stdout);
    expect([effective.smtp, effective.from.smtp]).toEqual([shown, 'profile staging']);
    // The environment wins over the profile, and says so.
    const envUrl = 'smtps://ops:env-pass-123@mail.example.net:465';
    const viaEnv = await runDeskctl(['--profile', 'staging', 'profile', 'show', '-o', 'json'], { env: { ...env, DESKCTL_SMTP_URL: envUrl } });
    expect(JSON.parse(viaEnv.stdout)).toMatchObject({ smtp: 'smtps://ops:***@mail.example.net:465', from: { smtp: 'DESKCTL_SMTP_URL' } });
    const bad = await runDeskctl(['--profile', 'staging', 'profile', 'show'], { env: { ...env, DESKCTL_SMTP_URL: `http://ops:${password}@x` } });
    expect(bad.stdout).toContain('invalid: DESKCTL_SMTP_URL: must be an smtp:// or smtps:// URL');
    outputs.push(viaEnv.stdout, bad.stdout, bad.stderr);

    // From stdin only: no flag takes it, nothing piped is refused, a bad URL is refused without its password; nothing stored.
    const flag = await runDeskctl(['profile', 'set-smtp', 'staging', '--url', url], { env });
    expect(flag.exitCode).toBe(2);
    expect(flag.stderr).toMatch(/unknown option '--url'/);
    const neither = await runDeskctl(['profile', 'set-smtp', 'staging'], { env });
    expect([neither.exitCode, neither.stderr]).toEqual([2, 'error: give --url-stdin (the URL comes from stdin, never as a flag value) or --clear\n']);
    const empty = await runDeskctl(['profile', 'set-smtp', 'staging', '--url-stdin'], { env, stdin: '' });
    expect(empty.exitCode).toBe(2);
    const wrong = await runDeskctl(['profile', 'set-smtp', 'staging', '--url-stdin'], { env, stdin: `smtp://apikey:${password}@smtp.example.com:587/x` });
    expect(wrong.exitCode).toBe(2);
    expect(wrong.stderr).toMatch(/^error: --url-stdin: /);
    const nobody = await runDeskctl(['profile', 'set-smtp', 'nobody', '--url-stdin'], { env, stdin: url });
    expect(nobody.exitCode).toBe(1);
    outputs.push(flag.stderr, empty.stderr, wrong.stderr, nobody.stderr);
    expect(JSON.parse(readFileSync(file, 'utf8')).smtp).toEqual({ staging: url });

    for (const text of outputs) {
      expect(text).not.toContain(password);
      expect(text).not.toContain(encodeURIComponent(password));
      expect(text).not.toContain('env-pass-123');
    }

    const cleared = await runDeskctl(['profile', 'set-smtp', 'staging', '--clear', '-o', 'json'], { env });
    expect(JSON.parse(cleared.stdout)).toEqual({ name: 'staging', smtp: null, result: 'removed' });
    await runDeskctl(['profile', 'set-smtp', 'staging', '--url-stdin'], { env, stdin: url });
    const removed = await runDeskctl(['profile', 'remove', 'staging', '-o', 'json'], { env });
    expect(JSON.parse(removed.stdout)).toMatchObject({ tokenRemoved: true, smtpRemoved: true });
    expect(readFileSync(file, 'utf8')).not.toContain('smtp.example.com');
  });

  it('a broken config file is one clear line, not a stack', async () => {
    const { mkdirSync } = await import('node:fs');
    mkdirSync(configDir(), { recursive: true });
    writeFileSync(join(configDir(), 'config.json'), '{ not json');
    const r = await runDeskctl(['drafts', 'list'], { env });
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toBe(`error: ${join(configDir(), 'config.json')} is not a valid deskctl configuration file (fix or remove it)\n`);
    // A target given on the command line does not need the profiles at all.
    const db = await runDeskctl(['--db', join(dir, 'x.db'), 'drafts', 'list'], { env });
    expect(db.exitCode, db.stderr).toBe(0);
  });
});
