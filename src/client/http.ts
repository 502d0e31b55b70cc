import { DeskctlError } from '../core/errors.js';
import type { Helpdesk } from './helpdesk.js';

export interface HttpOptions {
  /** The API's base URL, e.g. http://127.0.0.1:8080 (the client adds /v1). */
  url: string;
  /** Bearer token (from DESKCTL_TOKEN or a profile; never from a flag). */
  token?: string;
  tenant: string;
  env?: NodeJS.ProcessEnv;
}

/** The remote backend: the Helpdesk interface over the helpdesk's HTTP API. (Being built: issue "HTTP API".) */
export async function openHttpHelpdesk(o: HttpOptions): Promise<Helpdesk> {
  throw new DeskctlError('unavailable', `the HTTP backend is not available in this build (${o.url})`);
}
