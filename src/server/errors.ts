import { DeskctlError, type ErrorCode } from '../core/errors.js';

/** The HTTP status of each contract error code (the body always carries the code itself). */
export const HTTP_STATUS: Record<ErrorCode, number> = {
  invalid_input: 400,
  not_found: 404,
  conflict: 409,
  precondition_failed: 412,
  forbidden: 403,
  unauthenticated: 401,
  unavailable: 503,
  internal: 500,
};

export function statusOf(e: DeskctlError): number {
  const override = (e.details as { httpStatus?: number } | undefined)?.httpStatus;
  return override ?? HTTP_STATUS[e.code];
}

/** Errors raised by Fastify itself (body parsing, size, media type) in the contract's terms. */
export function fromFastify(err: { statusCode?: number; code?: string; message: string }): DeskctlError {
  switch (err.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new DeskctlError('invalid_input', 'request body too large', { httpStatus: 413 });
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new DeskctlError('invalid_input', 'unsupported content type: send application/json', { httpStatus: 415 });
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return new DeskctlError('invalid_input', `invalid JSON body: ${err.message}`);
  }
  if (err.statusCode === 429) return new DeskctlError('unavailable', err.message, { httpStatus: 429 });
  if (err.statusCode && err.statusCode >= 400 && err.statusCode < 500) return new DeskctlError('invalid_input', err.message, { httpStatus: err.statusCode });
  return new DeskctlError('internal', 'internal error');
}
