import type { Readable } from 'node:stream';
import type { Helpdesk } from './client/helpdesk.js';
import { checkTarget, displayTarget, isPostgresUrl } from './config/database.js';
import { configDir } from './config/paths.js';
import { FileProfiles } from './config/profiles.js';
import { missingToken, resolveTarget, type Resolution } from './config/resolve.js';
import { existsSync } from 'node:fs';
import { dirname, resolve as resolvePath } from 'node:path';
import { DeskctlError, invalid } from './core/errors.js';
import { FORMATS, Output, type Format, type Paint, type Sink } from './output/render.js';
import { envSmtpUrl } from './delivery/setup.js';

/** What the process gives a run of deskctl; tests build one around buffers. */
export interface Io {
  stdout: Sink & { isTTY?: boolean; columns?: number; rows?: number };
  stderr: Sink & { isTTY?: boolean; columns?: number };
  stdin: Readable & { isTTY?: boolean };
  env: NodeJS.ProcessEnv;
  /** Answers a yes/no question on the terminal; only called when stdin and stdout are TTYs. */
  confirm?: (message: string) => Promise<boolean>;
  signal?: AbortSignal;
  /** Runs the pager command on this text (tests give their own; by default a child process on the terminal). */
  pager?: (command: string, text: string) => Promise<void>;
}

export interface GlobalOptions {
  output?: string;
  db?: string;
  api?: string;
  profile?: string;
  tenant?: string;
  color?: boolean;
}

export interface Progress {
  update(done: number, total: number): void;
  stop(finalMessage?: string): void;
}

/** Everything a command may use: streams, output, prompts, progress and the chosen backend. */
export class Context {
  private hd?: Promise<Helpdesk>;
  private outCache?: Output;
  private profileCache?: FileProfiles;
  private chalk?: Paint;
  globals: GlobalOptions = {};
  exitCode = 0;
  /** The program tree with every command loaded (set by the CLI; the completion scripts are made from it). */
  wholeProgram?: () => Promise<import('commander').Command>;
  /** Set by a command whose normal end is a signal (`serve`): then an interrupt is not exit 130. */
  endsOnSignal = false;

  constructor(readonly io: Io) {}

  get env(): NodeJS.ProcessEnv {
    return this.io.env;
  }

  get signal(): AbortSignal | undefined {
    return this.io.signal;
  }

  /** Prompts are allowed only when a person is at both ends. */
  get interactive(): boolean {
    return Boolean(this.io.stdin.isTTY && this.io.stdout.isTTY);
  }

  get format(): Format {
    const f = this.globals.output ?? 'table';
    if (!(FORMATS as string[]).includes(f)) throw invalid(`--output must be one of ${FORMATS.join(', ')} (got "${f}")`);
    return f as Format;
  }

  /** Colour only on a TTY, never with NO_COLOR, TERM=dumb or --no-color. */
  get color(): boolean {
    return this.globals.color !== false && this.colorByEnvironment;
  }

  private get colorByEnvironment(): boolean {
    const env = this.env;
    if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
    if (env.TERM === 'dumb') return false;
    if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '0') return true;
    return Boolean(this.io.stdout.isTTY);
  }

  /**
   * Loads chalk when colour may be on, before anything is printed. Piped and scripted runs never
   * load it: it and its terminal detection cost several milliseconds of every start.
   */
  async prepareColor(): Promise<void> {
    if (!this.colorByEnvironment || this.chalk) return;
    const { Chalk } = await import('chalk');
    this.chalk = new Chalk({ level: 1 });
  }

  get out(): Output {
    this.outCache ??= new Output(this.io.stdout, this.io.stderr, {
      format: this.format,
      tty: Boolean(this.io.stdout.isTTY),
      paint: this.color ? this.chalk : undefined,
      columns: this.io.stdout.columns,
      rows: this.io.stdout.rows,
      page: this.pagerCommand ? (text) => this.page(this.pagerCommand!, text) : undefined,
      timeZone: this.timeZone,
    });
    return this.outCache;
  }

  /** $DESKCTL_PAGER or $PAGER, for long tables on a terminal (never when stdout is piped). */
  private get pagerCommand(): string | undefined {
    if (!this.io.stdout.isTTY) return undefined;
    const cmd = (this.env.DESKCTL_PAGER ?? this.env.PAGER)?.trim();
    return cmd && cmd !== 'cat' ? cmd : undefined;
  }

  /** Shows text through the pager on the terminal; if it cannot be started, the text is printed. */
  private async page(command: string, text: string): Promise<void> {
    if (this.io.pager) return this.io.pager(command, text);
    const { spawn } = await import('node:child_process');
    await new Promise<void>((resolve) => {
      const child = spawn(command, { shell: true, stdio: ['pipe', 'inherit', 'inherit'], env: { LESS: 'FRX', ...this.env } });
      child.on('error', () => {
        this.io.stdout.write(text);
        resolve();
      });
      child.stdin.on('error', () => {}); // the pager quit before reading everything (q in less)
      child.on('close', (code) => {
        if (code === 127) this.io.stdout.write(text); // the shell found no such pager
        resolve();
      });
      child.stdin.end(text);
    });
  }

  /** The saved profiles, read from $XDG_CONFIG_HOME/deskctl only if resolution needs them. */
  get profiles(): FileProfiles {
    this.profileCache ??= new FileProfiles(configDir(this.env), (m) => this.out.warn(m));
    return this.profileCache;
  }

  /** Where this run goes: flags > environment > profile > default (see src/config/resolve.ts). */
  get resolution(): Resolution {
    return resolveTarget(this.globals, this.env, this.profiles);
  }

  get tenant(): string {
    return this.resolution.tenant;
  }

  /**
   * Where the data lives: the local database file, or the API's URL. The default location's
   * folders are created as needed; a file named by --db, DESKCTL_DB or a profile must be in a
   * folder that exists (a mistyped path never makes a tree of folders).
   */
  get dbFile(): string {
    const r = this.resolution;
    const t = r.target;
    if (t.kind !== 'local') return t.url;
    // A PostgreSQL URL has no folder to check; a URL of another kind is no file either.
    checkTarget(t.db);
    if (r.from.target !== 'default' && !isPostgresUrl(t.db) && t.db !== ':memory:' && !existsSync(dirname(resolvePath(t.db)))) {
      throw new DeskctlError(
        'unavailable',
        `cannot open database ${t.db} (from ${r.from.target}): the folder ${dirname(resolvePath(t.db))} does not exist; create it first (deskctl creates only the default location's folders)`,
      );
    }
    return t.db;
  }

  /** R33: the SMTP server this process sends e-mail through (DESKCTL_SMTP_URL); null when none is set. */
  get smtpUrl(): string | null {
    return envSmtpUrl(this.env);
  }

  /** The database or API as it may be shown to people (a PostgreSQL URL without its password). */
  get where(): string {
    return displayTarget(this.dbFile);
  }

  /**
   * The backend the flags, environment, profile and defaults point at, opened once per run.
   * `anyTenant`: for the tenants commands, which act on the database rather than in the tenant the
   * run points at, so that tenant need not exist.
   */
  helpdesk(o: { anyTenant?: boolean } = {}): Promise<Helpdesk> {
    this.hd ??= (async () => {
      const r = this.resolution;
      const t = r.target;
      let hd: Helpdesk;
      if (t.kind === 'local') {
        const file = this.dbFile;
        const { openLocalHelpdesk } = await import('./client/local.js');
        hd = await openLocalHelpdesk({ file, tenant: r.tenant, env: this.env, tenantMayBeMissing: o.anyTenant, smtpUrl: this.smtpUrl, signal: this.signal });
      } else {
        if (t.token === undefined) throw missingToken(r);
        const { openHttpHelpdesk } = await import('./client/http.js');
        hd = await openHttpHelpdesk({ url: t.url, token: t.token, tenant: r.tenant, env: this.env });
      }
      await this.readTimeZone(hd);
      return hd;
    })();
    return this.hd;
  }

  /** A drawn table shows times in the tenant's zone: read it once, only for a table on a terminal (UTC if it cannot be read). */
  private async readTimeZone(hd: Helpdesk): Promise<void> {
    if (!this.io.stdout.isTTY || this.format !== 'table') return;
    try {
      this.timeZone = (await hd.getSettings()).timezone;
    } catch {
      this.timeZone = undefined;
    }
    if (this.outCache) this.outCache.options.timeZone = this.timeZone;
  }

  private timeZone?: string;

  /** Points the rest of this run at another tenant of the same backend. */
  async switchTenant(slug: string): Promise<Helpdesk> {
    await this.close();
    this.hd = undefined;
    this.globals = { ...this.globals, tenant: slug };
    return this.helpdesk();
  }

  async close(): Promise<void> {
    if (!this.hd) return;
    const hd = await this.hd.catch(() => undefined);
    await hd?.close();
  }

  /**
   * The one confirmation rule for bulk and destructive changes: --yes proceeds; a terminal asks;
   * anything else refuses with exit 2 (so a script never changes data it did not mean to).
   */
  async confirm(question: string, yes: boolean | undefined): Promise<boolean> {
    if (yes) return true;
    if (!this.interactive) throw invalid(`${question.replace(/\?$/, '')}: refusing without --yes when not on a terminal`);
    if (this.io.confirm) return this.io.confirm(question);
    const { confirm } = await import('@inquirer/prompts');
    return confirm({ message: question, default: false }, { input: this.io.stdin, output: this.io.stderr as NodeJS.WritableStream });
  }

  /**
   * Progress on stderr, only when stderr is a terminal that can redraw a line: not TERM=dumb, and
   * one that tells its width (ora's redrawing never ends on a terminal of zero columns).
   */
  async progress(label: string): Promise<Progress> {
    if (!this.io.stderr.isTTY || this.env.TERM === 'dumb' || !this.io.stderr.columns) return { update() {}, stop() {} };
    const { default: ora } = await import('ora');
    const spinner = ora({ text: label, stream: this.io.stderr as NodeJS.WritableStream, color: 'cyan', isEnabled: true }).start();
    if (!this.color) spinner.color = 'white';
    return {
      update(done, total) {
        const pct = total ? Math.floor((done / total) * 100) : 100;
        spinner.text = `${label} ${done.toLocaleString('en-US')}/${total.toLocaleString('en-US')} (${pct}%)`;
        // Redrawn at once (one line per chunk of work), not only at the spinner's next frame.
        spinner.render();
      },
      stop(finalMessage) {
        if (finalMessage) spinner.succeed(finalMessage);
        else spinner.stop();
      },
    };
  }

  /** The one reader of stdin: all of it, as bytes (a fixture checks its UTF-8 itself). */
  async readStdinBytes(): Promise<Buffer> {
    const chunks: Buffer[] = [];
    for await (const chunk of this.io.stdin) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
    return Buffer.concat(chunks);
  }

  /** All of stdin as text (ids given as `-`, a token for --token-stdin). */
  async readStdin(): Promise<string> {
    return (await this.readStdinBytes()).toString('utf8');
  }
}
