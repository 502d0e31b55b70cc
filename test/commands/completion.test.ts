import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { openLocalHelpdesk } from '../../src/client/local.js';
import { fullProgram } from '../../src/cli.js';
import { completionScript, programModel } from '../../src/commands/completion/generate.js';
import { SCRIPT_FILES, SHELLS } from '../../src/commands/completion/scripts.js';
import { Context } from '../../src/context.js';
import { BIN } from '../helpers/bin.js';
import { runDeskctl } from '../helpers/run.js';

const COMPLETIONS = fileURLToPath(new URL('../../completions/', import.meta.url));
const BASH_SCRIPT = join(COMPLETIONS, SCRIPT_FILES.bash);
const quietCtx = () => {
  const ctx = new Context({ stdout: { write: () => true }, stderr: { write: () => true }, stdin: process.stdin, env: {} });
  ctx.wholeProgram = () => fullProgram(ctx);
  return ctx;
};
/** A home of its own for shells that write their own files (fish does). */
const shellHome = () => {
  const home = mkdtempSync(join(tmpdir(), 'deskctl-shell-'));
  return { ...process.env, HOME: home, XDG_CONFIG_HOME: join(home, 'config'), XDG_DATA_HOME: join(home, 'data') };
};
const has = (shell: string) => spawnSync(shell, ['-c', 'exit 0'], { env: shellHome() }).status === 0;

describe('shell completions', () => {
  it.each(SHELLS)('completions/%s matches the program tree (if this fails: npm run completions)', async (shell) => {
    const generated = await completionScript(quietCtx(), shell);
    const file = join(COMPLETIONS, SCRIPT_FILES[shell]);
    const checkedIn = readFileSync(file, 'utf8');
    expect(checkedIn === generated, `${file} is out of date with the commands: run \`npm run completions\` and commit the result`).toBe(true);
  });

  it('`deskctl completion <shell>` prints the checked-in script', async () => {
    for (const shell of SHELLS) {
      const r = await runDeskctl(['completion', shell]);
      expect(r.exitCode, r.stderr).toBe(0);
      expect(r.stdout).toBe(readFileSync(join(COMPLETIONS, SCRIPT_FILES[shell]), 'utf8'));
    }
    const bad = await runDeskctl(['completion', 'powershell']);
    expect(bad.exitCode).toBe(2);
    expect(bad.stderr).toMatch(/^error: command-argument value 'powershell' is invalid .*Allowed choices are bash, zsh, fish/);
  });

  it('the model has every command, flag and fixed choice of the tree', async () => {
    const model = await programModel(quietCtx());
    const at = (path: string) => model.commands.find((c) => c.path.join(' ') === path);
    expect(at('')!.commands.map((c) => c.name)).toEqual(expect.arrayContaining(['drafts', 'approval', 'profile', 'completion', 'help']));
    expect(at('')!.commands.map((c) => c.name)).not.toContain('__complete');
    expect(at('approval set')!.args[0]!.hint).toEqual({ choices: ['disabled', 'all-departments', 'departments'] });
    expect(model.globals.find((o) => o.names.includes('--output'))!.value).toEqual({ choices: ['table', 'json', 'csv'] });
    expect(at('drafts list')!.options.find((o) => o.names.includes('--channel'))!.value).toEqual({ choices: ['panel', 'email', 'api', 'whatsapp', 'app', 'agent'] });
    expect(at('tickets list')!.options.find((o) => o.names.includes('--status'))!.value).toEqual({ choices: expect.arrayContaining(['open', 'solved', 'closed']) });
    expect(at('drafts approve')!.options.find((o) => o.names.includes('--department'))!.value).toEqual({ dynamic: 'departments' });
    expect(at('profile use')!.args[0]!.hint).toEqual({ dynamic: 'profiles' });
    expect(at('help')!.args[0]!.hint).toEqual({ choices: expect.arrayContaining(['drafts', 'exit-codes', 'environment']) });
  });

  describe.skipIf(!has('bash'))('in a real bash', () => {
    let dir: string;
    let env: Record<string, string>;

    beforeAll(async () => {
      dir = mkdtempSync(join(tmpdir(), 'deskctl-complete-'));
      // `deskctl` on PATH is the built binary, as after `npm link`.
      mkdirSync(join(dir, 'bin'));
      writeFileSync(join(dir, 'bin', 'deskctl'), `#!/bin/sh\nexec "${process.execPath}" "${BIN}" "$@"\n`);
      chmodSync(join(dir, 'bin', 'deskctl'), 0o755);
      const db = join(dir, 'helpdesk.db');
      const hd = await openLocalHelpdesk({ file: db, tenant: 'default' });
      await hd.addDepartment('Suporte');
      await hd.addDepartment('Financeiro');
      await hd.addOrganization('Filial Norte');
      await hd.close();
      env = {
        PATH: `${join(dir, 'bin')}:${process.env.PATH}`,
        HOME: dir,
        XDG_CONFIG_HOME: join(dir, 'config'),
        XDG_DATA_HOME: join(dir, 'data'),
        DESKCTL_DB: db,
      };
    });

    /** Completes the last word of `line` the way bash does on TAB: COMP_WORDS/COMP_CWORD into the completion function. */
    function complete(...words: string[]): string[] {
      const script = `
        source "$1"; shift
        [[ $(complete -p deskctl) == "complete -F _deskctl deskctl" ]] || { echo "not registered" >&2; exit 1; }
        COMP_WORDS=("$@"); COMP_CWORD=$(( \${#COMP_WORDS[@]} - 1 ))
        COMP_LINE="\${COMP_WORDS[*]}"; COMP_POINT=\${#COMP_LINE}
        _deskctl
        printf '%s\\n' "\${COMPREPLY[@]}"`;
      const out = execFileSync('bash', ['--norc', '--noprofile', '-c', script, 'bash', BASH_SCRIPT, ...words], { env, encoding: 'utf8' });
      return out.split('\n').filter(Boolean);
    }

    it('parses (bash -n)', () => {
      expect(spawnSync('bash', ['-n', BASH_SCRIPT]).status).toBe(0);
    });

    it('completes `deskctl dra` to drafts and `deskctl approval set ` to the three modes', () => {
      expect(complete('deskctl', 'dra')).toEqual(['drafts']);
      expect(complete('deskctl', 'approval', 'set', '')).toEqual(['disabled', 'all-departments', 'departments']);
      expect(complete('deskctl', '--tenant', 'default', 'approval', 'set', 'd')).toEqual(['disabled', 'departments']);
    });

    it('completes subcommands, flags and fixed values', () => {
      expect(complete('deskctl', 'drafts', '')).toEqual(['list', 'show', 'approve', 'reject', 'restore', 'help']);
      expect(complete('deskctl', 'drafts', 'approve', '--d')).toEqual(['--department', '--dry-run', '--db']);
      expect(complete('deskctl', 'drafts', 'list', '--channel', 'w')).toEqual(['whatsapp']);
      expect(complete('deskctl', '-o', '')).toEqual(['table', 'json', 'csv']);
      expect(complete('deskctl', 'tickets', 'list', '--status', '=', 'in')).toEqual(['in_progress']);
      expect(complete('deskctl', 'completion', '')).toEqual(['bash', 'zsh', 'fish']);
      expect(complete('deskctl', 'help', 'ex')).toEqual(['exit-codes']);
      expect(complete('deskctl', 'drafts', 'approve', '--yes', '17', '')).toEqual([]);
    });

    it('completes names from the current target through `deskctl __complete`', () => {
      expect(complete('deskctl', 'departments', 'remove', '')).toEqual(['Suporte', 'Financeiro']);
      expect(complete('deskctl', 'drafts', 'list', '--department', 'F')).toEqual(['Financeiro']);
      expect(complete('deskctl', 'orgs', 'remove', 'Fil')).toEqual(['Filial\\ Norte']);
      // --db on the line being completed is the target asked.
      expect(complete('deskctl', '--db', join(dir, 'other.db'), 'departments', 'remove', '')).toEqual([]);
    });

    it('defect 10 (issue 12): completes names with spaces typed escaped or in quotes', async () => {
      const hd = await openLocalHelpdesk({ file: env.DESKCTL_DB!, tenant: 'default' });
      await hd.addOrganization('Filial Sul');
      await hd.close();
      expect(complete('deskctl', 'drafts', 'list', '--org', 'Filial\\ S')).toEqual(['Filial\\ Sul']);
      expect(complete('deskctl', 'drafts', 'list', '--org', 'Filial\\ ')).toEqual(['Filial\\ Norte', 'Filial\\ Sul']);
      expect(complete('deskctl', 'drafts', 'list', '--org', '"Filial S')).toEqual(['"Filial Sul"']);
      expect(complete('deskctl', 'orgs', 'remove', "'Filial N")).toEqual(["'Filial Norte'"]);
    });

    it('defect 10 (issue 12): completes the next item of a comma list, never one already given', () => {
      expect(complete('deskctl', 'stats', 'export', '--by', 'department,')).toEqual([
        'department,organization',
        'department,category',
        'department,requester',
        'department,agent',
        'department,status',
        'department,channel',
        'department,day',
        'department,week',
        'department,month',
        'department,topic',
      ]);
      expect(complete('deskctl', 'stats', 'export', '--by', 'department,mo')).toEqual(['department,month']);
      expect(complete('deskctl', 'stats', 'export', '--by', 'dep')).toEqual(['department']);
      expect(complete('deskctl', 'stats', 'export', '--metrics', 'solved,avg_')).toEqual(['solved,avg_resolution_hours', 'solved,avg_rating']);
      expect(complete('deskctl', 'stats', 'export', '--metrics', '=', 'op')).toEqual(['opened']);
    });

    it('completes profile names', async () => {
      await runDeskctl(['profile', 'add', 'staging', '--db', join(dir, 's.db')], { env });
      await runDeskctl(['profile', 'add', 'prod', '--db', join(dir, 'p.db')], { env });
      expect(complete('deskctl', 'profile', 'use', '')).toEqual(['prod', 'staging']);
      expect(complete('deskctl', '--profile', 'st')).toEqual(['staging']);
    });
  });

  it('__complete prints names one per line, nothing on failure, and never creates a database', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'deskctl-complete-'));
    const db = join(dir, 'h.db');
    const missing = await runDeskctl(['__complete', 'departments'], { env: { DESKCTL_DB: db } });
    expect(missing).toMatchObject({ exitCode: 0, stdout: '', stderr: '' });
    expect(() => readFileSync(db)).toThrow();
    const hd = await openLocalHelpdesk({ file: db, tenant: 'default' });
    await hd.addDepartment('Suporte');
    await hd.close();
    expect((await runDeskctl(['__complete', 'departments'], { env: { DESKCTL_DB: db } })).stdout).toBe('Suporte\n');
    expect((await runDeskctl(['__complete', 'tenants', 'd'], { env: { DESKCTL_DB: db } })).stdout).toBe('default\n');
    expect((await runDeskctl(['__complete', 'nonsense'], { env: { DESKCTL_DB: db } })).stdout).toBe('');
    expect((await runDeskctl(['__complete', 'departments'], { env: { DESKCTL_API_URL: 'http://127.0.0.1:9' } })).stdout).toBe('');
    expect((await runDeskctl(['--help'])).stdout).not.toContain('__complete');
  });

  it.skipIf(!has('zsh'))('the zsh script parses (zsh -n) and completes through its own function', () => {
    const file = join(COMPLETIONS, SCRIPT_FILES.zsh);
    expect(spawnSync('zsh', ['-f', '-n', file]).status).toBe(0);
    const probe = `
      compdef() {}; compset() {}; _files() { print files }; _message() {}
      _describe() { local a=\${@[-1]}; print -l -- \${\${(P)a}%%:*} }
      compadd() { [[ $1 == -a ]] && print -l -- \${(P)2} }
      source "$1"; shift
      words=("$@"); CURRENT=$#words; _deskctl`;
    const env = shellHome();
    const run = (...w: string[]) => execFileSync('zsh', ['-f', '-c', probe, 'zsh', file, ...w], { encoding: 'utf8', env }).split('\n').filter(Boolean);
    expect(run('deskctl', 'approval', 'set', '')).toEqual(['disabled', 'all-departments', 'departments']);
    expect(run('deskctl', 'dra')).toContain('drafts');
  });

  it.skipIf(!has('fish'))('the fish script parses (fish -n) and completes (complete -C)', () => {
    const file = join(COMPLETIONS, SCRIPT_FILES.fish);
    const env = shellHome();
    expect(spawnSync('fish', ['-n', file], { env }).status).toBe(0);
    const run = (line: string) =>
      execFileSync('fish', ['--no-config', '-c', `source $argv[1]; complete -C $argv[2]`, file, line], { encoding: 'utf8', env })
        .split('\n')
        .filter(Boolean)
        .map((l) => l.split('\t')[0]);
    expect(run('deskctl dra')).toEqual(['drafts']);
    expect(run('deskctl approval set ').sort()).toEqual(['all-departments', 'departments', 'disabled']);
  });
});
