/** The error codes of the command-line contract and the exit code each maps to. */
export const ERROR_EXIT_CODES = {
  invalid_input: 2,
  not_found: 1,
  conflict: 1,
  precondition_failed: 1,
  forbidden: 4,
  unauthenticated: 4,
  unavailable: 5,
  internal: 1,
} as const;

export type ErrorCode = keyof typeof ERROR_EXIT_CODES;

export const EXIT = {
  ok: 0,
  failed: 1,
  usage: 2,
  partial: 3,
  auth: 4,
  unreachable: 5,
  interrupted: 130,
} as const;

/** The one error type of deskctl: a contract code and a message a person can act on. */
export class DeskctlError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'DeskctlError';
  }

  get exitCode(): number {
    return ERROR_EXIT_CODES[this.code];
  }

  /** The contract's error object; invalid input also lists every problem by its path. */
  toJSON(): { code: ErrorCode; message: string; problems?: string[] } {
    const problems = Array.isArray(this.details) && this.details.every((d) => typeof d === 'string') ? (this.details as string[]) : undefined;
    return problems && problems.length > 1 ? { code: this.code, message: this.message, problems } : { code: this.code, message: this.message };
  }
}

export const invalid = (message: string, details?: unknown) => new DeskctlError('invalid_input', message, details);
export const notFound = (message: string) => new DeskctlError('not_found', message);
export const conflict = (message: string) => new DeskctlError('conflict', message);
export const precondition = (message: string) => new DeskctlError('precondition_failed', message);
export const forbidden = (message: string) => new DeskctlError('forbidden', message);
