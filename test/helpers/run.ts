import { PassThrough, Readable } from 'node:stream';
import { main } from '../../src/cli.js';

export interface RunOptions {
  /** Pretend stdin and stdout (and stderr) are terminals. */
  tty?: boolean;
  /** Text, or raw bytes (which need not be valid UTF-8). */
  stdin?: string | Buffer;
  env?: Record<string, string | undefined>;
  /** Answer to a confirmation prompt (only asked on a TTY). */
  confirm?: boolean;
  columns?: number;
  /** Terminal height (with tty). */
  rows?: number;
  /** Receives what would go through $PAGER (with tty). */
  pager?: (command: string, text: string) => Promise<void>;
  /** The run's interrupt signal (what Ctrl-C or SIGTERM aborts in the real process). */
  signal?: AbortSignal;
}

export interface RunResult {
  stdout: string;
  stderr: string;
  exitCode: number;
  prompts: string[];
}

class Capture extends PassThrough {
  text = '';
  constructor(
    readonly isTTY: boolean,
    readonly columns?: number,
    readonly rows?: number,
  ) {
    super();
    this.on('data', (c: Buffer) => (this.text += c.toString('utf8')));
  }
  // What a terminal stream has and spinners use.
  cursorTo(): boolean {
    return true;
  }
  moveCursor(): boolean {
    return true;
  }
  clearLine(): boolean {
    return true;
  }
}

/** Runs deskctl in-process around buffers: the house style's `runDeskctl(argv, { tty })`. */
export async function runDeskctl(argv: string[], o: RunOptions = {}): Promise<RunResult> {
  const stdout = new Capture(Boolean(o.tty), o.columns ?? 120, o.rows);
  const stderr = new Capture(Boolean(o.tty), o.columns ?? 120);
  const stdin = Object.assign(Readable.from(o.stdin === undefined ? [] : [Buffer.isBuffer(o.stdin) ? o.stdin : Buffer.from(o.stdin)]), { isTTY: Boolean(o.tty) });
  const prompts: string[] = [];
  const exitCode = await main(argv, {
    stdout,
    stderr,
    stdin,
    env: { HOME: '/nonexistent', PATH: process.env.PATH, ...o.env },
    signal: o.signal,
    pager: o.pager,
    confirm: async (message) => {
      prompts.push(message);
      return o.confirm ?? false;
    },
  });
  await new Promise((r) => setImmediate(r));
  return { stdout: stdout.text, stderr: stderr.text, exitCode, prompts };
}
